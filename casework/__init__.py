"""What every kind of case shares: the abstract case, workflows, transitions, timeline, notifications."""

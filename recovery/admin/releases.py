"""Releases in the admin: progress per office, pause and resume, the queue, recovery capacity."""

"""API plumbing every kind of case shares: schema, headers, serializers and the base views."""

"""The recovery admin, one module per concept: the backlog, the releases and the outage impact."""

from recovery.admin import backlog, impact, releases  # noqa: F401  (registers the admins)

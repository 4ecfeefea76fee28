"""Project wiring for Imigrasi: settings, URLs, the Celery app and the API plumbing."""

from imigrasi.celery import app as celery_app

__all__ = ["celery_app"]

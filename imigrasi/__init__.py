"""The project package of Imigrasi: settings, root URLs, the Celery app and its schedule, WSGI, the
development server and the embedded PostgreSQL. The one place that names every app."""

from imigrasi.celery import app as celery_app

__all__ = ["celery_app"]

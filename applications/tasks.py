"""Scheduled tasks of passport applications (Celery beat; see ``CELERY_BEAT_SCHEDULE``).

Each task only calls its service. The services pick their cases afresh on every run and expire
each one in its own transaction, re-checking its status under a row lock, so a task that runs
twice, overlaps a slow previous run, or is retried after a crash does nothing twice.
"""

from celery import shared_task
from django.db import OperationalError

from applications.services import applications_expire_incomplete, applications_expire_uncollected


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def applications_expire_incomplete_task() -> int:
    """Cancel applications whose documents stayed incomplete for more than 14 days."""
    return applications_expire_incomplete()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def applications_expire_uncollected_task() -> int:
    """Cancel passports printed and not collected within 30 days, voiding their numbers."""
    return applications_expire_uncollected()

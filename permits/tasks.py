"""Scheduled tasks of stay permits (Celery beat; see ``CELERY_BEAT_SCHEDULE``).

Each task only calls its service, which picks its permits afresh on every run from their status
and dates in each office's local day, so a task that runs twice, overlaps a slow previous run, or
is retried after a crash does nothing twice.
"""

from celery import shared_task
from django.db import OperationalError

from permits.services import permits_expire, permits_remind_expiring


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def permits_expire_task() -> int:
    """Mark permits past their last day as expired.

    Safe to run twice: the update only touches permits still active, so a second run finds none.
    """
    return permits_expire()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def permits_remind_expiring_task() -> int:
    """Remind holders and sponsors of permits ending soon (60 days ahead for ITAP, 30 for ITAS and ITK).

    Safe to run twice: each permit is marked reminded, under a row lock, in the transaction that
    stores its notifications, and only unmarked permits are picked.
    """
    return permits_remind_expiring()

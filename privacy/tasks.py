"""The daily purge of the personal-data access log past its retention."""

from celery import shared_task

from privacy.services import personal_data_accesses_purge


@shared_task
def personal_data_accesses_purge_task() -> int:
    """Delete access log rows older than ``PERSONAL_DATA_LOG_RETENTION_DAYS``; safe to run twice."""
    return personal_data_accesses_purge()

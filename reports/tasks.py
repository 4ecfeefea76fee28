"""Celery tasks of the rollup. They take ids and ISO dates; running one twice stores the same."""

from datetime import date

from celery import shared_task

from offices.models import Office
from reports.services import rollup_refresh


@shared_task
def rollup_refresh_task(office_id: int, first_day: str, last_day: str | None = None) -> int:
    """Refresh one office's local days ``first_day`` to ``last_day`` (one day without it).

    The ``held`` measure of a resolved outage is read from its release's entries, so the
    refresh of an outage's days is queued once its release has enlisted every office.
    """
    office = Office.objects.get(pk=office_id)
    start = date.fromisoformat(first_day)
    end = date.fromisoformat(last_day) if last_day else start
    return len(rollup_refresh(office=office, start=start, end=end).changes)

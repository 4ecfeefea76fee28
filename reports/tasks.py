"""Celery tasks of the reports. They take ids and ISO values; running one twice does the work once."""

from datetime import date, datetime

from celery import shared_task

from offices.models import Office
from reports.downloads import report_download_build, report_downloads_purge
from reports.services import rollup_refresh, rollups_refresh_held_today
from reports.weekly import weekly_summaries_send

# The lowest priority on the broker (Redis serves 0 first, 9 last): a national outage queues one
# refresh per office it covered, and the release dating the held cases and telling their applicants,
# queued in the same moment, goes first; the supervisors' figures follow minutes later at worst.
ROLLUP_PRIORITY = 9


@shared_task(priority=ROLLUP_PRIORITY)
def rollup_refresh_task(office_id: int, first_day: str, last_day: str | None = None) -> int:
    """Refresh one office's local days ``first_day`` to ``last_day`` (one day without it).

    The ``held`` measure of a resolved outage is read from its release's entries, so the
    refresh of an outage's days is queued once its release has enlisted every office.
    """
    office = Office.objects.get(pk=office_id)
    start = date.fromisoformat(first_day)
    end = date.fromisoformat(last_day) if last_day else start
    return len(rollup_refresh(office=office, start=start, end=end).changes)


@shared_task
def rollups_refresh_held_today_task() -> int:
    """Refresh today of the offices active outages cover (Celery beat, after each zone's midnight)."""
    return rollups_refresh_held_today()


@shared_task
def report_download_build_task(download_id: int) -> str | None:
    """Build a report workbook asked for on a report page; its status, or None if left alone."""
    download = report_download_build(download_id=download_id)
    return download.status if download else None


@shared_task
def report_downloads_purge_task() -> int:
    """Delete report workbooks past their retention (Celery beat, daily)."""
    return report_downloads_purge()


@shared_task
def weekly_summaries_send_task(now: str | None = None) -> int:
    """Send the weekly summaries due now (Celery beat, hourly); ``now`` (ISO) stands for the clock."""
    return weekly_summaries_send(now=datetime.fromisoformat(now) if now else None)

"""Celery tasks of the release. They take ids, and running one twice does nothing twice."""

from celery import shared_task

from casework.services import task_enqueue
from offices.models import Office, Outage
from recovery.models import Release
from recovery.peaks import backlog_peaks_record
from recovery.services import release_enlist, release_finish, release_office_schedule
from recovery.withdrawal import release_entries_withdraw


@shared_task
def release_run_task(release_id: int) -> int:
    """Enlist every office of a release, then hand each office's dating to its own task."""
    release = Release.objects.select_related("outage").get(pk=release_id)
    parts = release_enlist(release=release)
    waiting = [part.pk for part in parts if part.finished_at is None and not part.paused]
    for part_id in waiting:
        task_enqueue(release_office_task, part_id)
    release_finish(release_id=release_id)
    return len(waiting)


@shared_task
def release_office_task(part_id: int) -> None:
    """Date one office's entries until done or paused."""
    release_office_schedule(part_id=part_id)


@shared_task
def releases_resume() -> int:
    """Start again every release left unfinished by a lost task or a worker that died.

    Safe beside a task still running: an office's chunks lock its row and date only what is
    still without a date.
    """
    ids = list(Release.objects.filter(finished_at__isnull=True).values_list("id", flat=True))
    for release_id in ids:
        task_enqueue(release_run_task, release_id)
    return len(ids)


@shared_task
def backlog_peaks_task(outage_id: int) -> int:
    """Raise an outage's backlog peaks to what it holds now (after its declaration)."""
    return backlog_peaks_record(outages=[Outage.objects.get(pk=outage_id)])


@shared_task
def backlog_peak_office_task(office_id: int) -> int:
    """Raise the backlog peaks of the active outages at one office (after a case there became held)."""
    return backlog_peaks_record(office=Office.objects.get(pk=office_id))


@shared_task
def release_entries_withdraw_task(outage_id: int) -> int:
    """Withdraw the earlier releases' entries of the cases a newly declared outage holds again."""
    return release_entries_withdraw(outage=Outage.objects.get(pk=outage_id))

"""Celery tasks of the release. They take ids, and running one twice does nothing twice."""

from celery import shared_task

from casework.services import task_enqueue
from recovery.models import Release
from recovery.services import release_enlist, release_finish, release_office_schedule


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

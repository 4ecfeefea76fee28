"""Receivers: a resolved outage starts its release; a case leaving a held step is marked worked; an
outage declared, or a case reaching a step an outage blocks, raises the backlog's peak; an outage
declared withdraws the earlier dates of the released cases it holds again."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from casework.kinds import kinds
from casework.services import case_changed, case_step_left, task_enqueue
from offices.models import Office, Outage
from offices.outages import outage_changed, outage_resolved
from recovery.models import ReleaseEntry
from recovery.services import release_create
from recovery.tasks import backlog_peak_office_task, backlog_peaks_task, release_entries_withdraw_task


@receiver(outage_resolved)
def release_on_resolve(sender: type[Outage], outage: Outage, **kwargs: Any) -> None:
    release_create(outage=outage)


@receiver(case_step_left)
def entries_worked(sender: type, case: Any, capability: str, **kwargs: Any) -> None:
    # The entries of every kind whose cases ``sender`` holds: a kind is its name and its table.
    names = [kind.name for kind in kinds() if kind.model is sender]
    if not names:
        return
    ReleaseEntry.objects.filter(kind__in=names, case_id=case.pk, capability=capability, worked_at__isnull=True).update(
        worked_at=timezone.now()
    )


@receiver(outage_changed)
def held_on_declare(sender: type[Outage], outage: Outage, **kwargs: Any) -> None:
    """A blocking outage declared holds every case waiting for what it takes down: after commit, count
    them for its peak, and withdraw the dates earlier releases gave those cases."""
    if not outage.is_active or outage.is_degraded:
        return
    outage_id = outage.pk
    transaction.on_commit(lambda: task_enqueue(backlog_peaks_task, outage_id))
    transaction.on_commit(lambda: task_enqueue(release_entries_withdraw_task, outage_id))


@receiver(case_changed)
def peaks_on_case_change(sender: type, case: Any, **kwargs: Any) -> None:
    """A case now waiting for a capability may be held: after commit, if an outage holds it, count again.

    No query on the request path: the check for such an outage runs once the change has committed.
    """
    if not case.awaiting:
        return
    office = Office(pk=case.office_id, region_id=case.office.region_id)
    capability = case.awaiting
    transaction.on_commit(lambda: _peak_count_if_held(office, capability))


def _peak_count_if_held(office: Office, capability: str) -> None:
    if Outage.objects.active().blocking().covering(office).filter(capabilities__contains=[capability]).exists():
        task_enqueue(backlog_peak_office_task, office.pk)

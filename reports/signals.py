"""Receivers: every event that changes what the rollup counts refreshes the days it changed, after commit.

A case's change, an outage's declaration or resolution, its release enlisting every office and a
release dating an office's cases. A slowdown holds nothing and is counted by no measure: the
capacities it reduces are read live (``recovery.capacity``).
"""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from casework.services import case_changed, task_enqueue
from offices.models import Outage
from offices.outages import outage_changed, outage_offices
from recovery.models import Release, ReleaseOffice
from recovery.services import release_dated, release_enlisted
from reports.tasks import rollup_refresh_task


@receiver(case_changed)
def rollup_on_case_change(sender: type, case: Any, **kwargs: Any) -> None:
    """Queue a refresh of the case's office's day, after commit; no query on the request path.

    Every timestamp a change sets is "now", so only the office's current local day can change.
    """
    office_id = case.office_id
    day = case.office.local_today().isoformat()
    transaction.on_commit(lambda: task_enqueue(rollup_refresh_task, office_id, day))


@receiver(release_enlisted)
def rollup_on_release_enlisted(sender: type[Release], release: Release, **kwargs: Any) -> None:
    """Queue, after commit, one refresh per covered office of its days from declaration to resolution.

    Heard when the release has enlisted every office, not at the resolution: the held cases of a
    resolved outage are counted from its release's entries, which exist only from then on.
    """
    outage_id = release.outage_id
    transaction.on_commit(lambda: _outage_refresh_enqueue(outage_id))


@receiver(outage_changed)
def rollup_on_outage_changed(sender: type[Outage], outage: Outage, **kwargs: Any) -> None:
    """Queue, after commit, a refresh of each covered office's days since the declaration.

    Declaring a blocking outage holds, from today, every case waiting for what it takes down;
    resolving it stops counting them as held now (its release counts them again once enlisted).
    """
    if outage.is_degraded:
        return
    outage_id = outage.pk
    transaction.on_commit(lambda: _outage_refresh_enqueue(outage_id))


@receiver(release_dated)
def rollup_on_release_dated(sender: type[ReleaseOffice], part: ReleaseOffice, **kwargs: Any) -> None:
    """Queue, after commit, a refresh of the office's current day, where the dating was recorded."""
    office_id = part.office_id
    day = part.office.local_today().isoformat()
    transaction.on_commit(lambda: task_enqueue(rollup_refresh_task, office_id, day))


def _outage_refresh_enqueue(outage_id: int) -> None:
    """One refresh per office the outage covers, from its declaration to its resolution or today."""
    outage = Outage.objects.get(pk=outage_id)
    for office in outage_offices(outage):
        first = office.local_date(outage.declared_at).isoformat()
        last = (office.local_date(outage.resolved_at) if outage.resolved_at else office.local_today()).isoformat()
        task_enqueue(rollup_refresh_task, office.pk, first, last)

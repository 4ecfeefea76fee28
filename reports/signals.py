"""Receivers: a case change, or the release of an outage's backlog, refreshes the rollup after commit."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from casework.services import case_changed, task_enqueue
from offices.models import Outage
from offices.outages import outage_offices
from recovery.models import Release
from recovery.services import release_enlisted


@receiver(case_changed)
def rollup_on_case_change(sender: type, case: Any, **kwargs: Any) -> None:
    """Queue a refresh of the case's office's day, after commit; no query on the request path.

    Every timestamp a change sets is "now", so only the office's current local day can change.
    """
    from reports.tasks import rollup_refresh_task

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


def _outage_refresh_enqueue(outage_id: int) -> None:
    from reports.tasks import rollup_refresh_task

    outage = Outage.objects.get(pk=outage_id)
    for office in outage_offices(outage):
        first = office.local_date(outage.declared_at).isoformat()
        last = office.local_date(outage.resolved_at).isoformat()
        task_enqueue(rollup_refresh_task, office.pk, first, last)

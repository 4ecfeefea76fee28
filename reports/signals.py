"""Receivers: a case change, or an outage's resolution, refreshes the rollup once it has committed."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from casework.services import case_changed, task_enqueue
from offices.models import Office, Outage
from offices.outages import outage_resolved


@receiver(case_changed)
def rollup_on_case_change(sender: type, case: Any, **kwargs: Any) -> None:
    """Queue a refresh of the case's office's day, after commit; no query on the request path.

    Every timestamp a change sets is "now", so only the office's current local day can change.
    """
    from reports.tasks import rollup_refresh_task

    office_id = case.office_id
    day = case.office.local_today().isoformat()
    transaction.on_commit(lambda: task_enqueue(rollup_refresh_task, office_id, day))


@receiver(outage_resolved)
def rollup_on_outage_resolved(sender: type[Outage], outage: Outage, **kwargs: Any) -> None:
    """Queue, after commit, one refresh per covered office of its days from declaration to resolution."""
    if outage.is_degraded:
        return  # A slowdown holds nothing.
    outage_id = outage.pk
    transaction.on_commit(lambda: _outage_refresh_enqueue(outage_id))


def _outage_refresh_enqueue(outage_id: int) -> None:
    from reports.tasks import rollup_refresh_task

    outage = Outage.objects.get(pk=outage_id)
    for office in Office.objects.all():
        if outage.covers(office):
            first = office.local_date(outage.declared_at).isoformat()
            last = office.local_date(outage.resolved_at).isoformat()
            task_enqueue(rollup_refresh_task, office.pk, first, last)

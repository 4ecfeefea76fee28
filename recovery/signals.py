"""Receivers: a resolved outage starts its release; a case leaving a held step is marked worked."""

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from casework.services import case_step_left
from offices.models import Outage
from offices.outages import outage_resolved
from recovery.kinds import KIND_OF_MODEL
from recovery.models import ReleaseEntry
from recovery.services import release_create


@receiver(outage_resolved)
def release_on_resolve(sender: type[Outage], outage: Outage, **kwargs: Any) -> None:
    release_create(outage=outage)


@receiver(case_step_left)
def entries_worked(sender: type, case: Any, capability: str, **kwargs: Any) -> None:
    kind = KIND_OF_MODEL.get(sender)
    if kind is None:
        return
    ReleaseEntry.objects.filter(**{kind.entry_field: case.pk}, capability=capability, worked_at__isnull=True).update(
        worked_at=timezone.now()
    )

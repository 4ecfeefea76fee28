"""A case's timeline: its recorded steps, and any change to its row that no step accounts for.

Each step (``CaseStep``) is written by the service that made the change and says who, what, why,
where and from which request or job. pghistory's row snapshots, written by database triggers,
catch every change to the row, bulk updates included: a snapshot no step accounts for (a change
made outside the services) is shown as an "update", named by the origin its history context
recorded, never by a person it cannot vouch for.
"""

from dataclasses import dataclass
from datetime import datetime

from casework.models import Attribution, Case, CaseStep

UPDATE = "update"
CREATE = "create"  # a case written outside the intake services (a data load)
SYSTEM = "system"  # the actor of steps no person took: an expiry by a scheduled task


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    actor: str
    note: str
    office: str
    version: int
    origin: str
    attribution: str


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Every change of ``case`` in the order made; two queries."""
    steps = list(
        CaseStep.objects.filter(case_model=case._meta.label_lower, case_id=case.pk)
        .select_related("office")
        .order_by("id")
    )
    # Each step that changed the status bumped the version once and wrote one snapshot of it: the
    # first snapshot of each such version is the step's, later ones of the same version are changes
    # made beside it. A step that left the status as it was (the release's date) changed no row.
    recorded = {step.version for step in steps if step.from_status != step.to_status}
    # Sorted by version, then: the step that made the version, the snapshots, the notes made on it.
    entries = [
        (step.version, 0 if step.from_status != step.to_status else 2, step.pk, _step_entry(step)) for step in steps
    ]
    seen: set[int] = set()
    previous: str | None = None
    for event in case.events.select_related("pgh_context").order_by("pgh_id"):
        if event.version in recorded and event.version not in seen:
            seen.add(event.version)
        else:
            metadata = event.pgh_context.metadata if event.pgh_context_id else {}
            entries.append(
                (
                    event.version,
                    1,
                    event.pgh_id,
                    TimelineEntry(
                        at=event.pgh_created_at,
                        action=CREATE if event.pgh_label == "insert" else UPDATE,
                        from_status=previous,
                        to_status=event.status,
                        actor="",
                        note="",
                        office=case.office.code,
                        version=event.version,
                        origin=metadata.get("origin") or metadata.get("url") or "",
                        attribution=Attribution.RECORDED,
                    ),
                )
            )
        previous = event.status
    # Not by time: the database's clock stamps every snapshot of one transaction alike.
    return [entry for *_key, entry in sorted(entries, key=lambda item: item[:3])]


def _step_entry(step: CaseStep) -> TimelineEntry:
    return TimelineEntry(
        at=step.at,
        action=step.action,
        from_status=step.from_status or None,
        to_status=step.to_status,
        actor=step.actor_name or ("" if step.attribution == Attribution.UNKNOWN else SYSTEM),
        note=step.note,
        office=step.office.code,
        version=step.version,
        origin=step.origin,
        attribution=step.attribution,
    )

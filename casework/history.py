"""A case's timeline, read from its pghistory events: the one record of every change.

Each event is a snapshot of the case row written by a database trigger, so changes made by bulk
updates and scheduled tasks are there too. The context attached by ``history_context`` says who
acted, which action it was and the note.
"""

from dataclasses import dataclass
from datetime import datetime

from casework.models import Case


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


def case_timeline(case: Case) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    previous: str | None = None
    for event in case.events.select_related("pgh_context").order_by("pgh_id"):
        metadata = event.pgh_context.metadata if event.pgh_context_id else {}
        entries.append(
            TimelineEntry(
                at=event.pgh_created_at,
                action=metadata.get("action") or ("submit" if event.pgh_label == "insert" else "update"),
                from_status=previous,
                to_status=event.status,
                actor=metadata.get("actor") or "system",
                note=metadata.get("note") or "",
                office=metadata.get("office") or case.office.code,
                version=event.version,
            )
        )
        previous = event.status
    return entries

"""What a release writes about each case it dates or withdraws: the messages, the steps, the places.

Shared by the job that dates an office's entries (``recovery.services``) and by the withdrawal of
entries whose cases a later outage holds again (``recovery.withdrawal``).
"""

from datetime import date

from django.utils import translation

from casework.kinds import kinds
from casework.models import Notification, NotificationStatus
from casework.services import case_steps_annotate
from recovery.models import ReleaseOffice

# (kind, case id, day) of each case a message or a step is about.
CaseDay = tuple[str, int, date]


def schedule_key(*, release_id: int, reference: str, event: str = "scheduled") -> str:
    """The dedupe key of the one message of ``event`` a release sends about a case.

    "scheduled" gives the day; "withdrawn" says that day no longer holds.
    """
    key = f"{reference}:release{release_id}"
    return key if event == "scheduled" else f"{key}:{event}"


def release_messages_store(*, part: ReleaseOffice, days: list[CaseDay], event: str = "scheduled") -> list[int]:
    """Store each case's message of ``event`` with its day, once per release; the ids of those to send."""
    messages: list[Notification] = []
    for kind in kinds():
        of_kind = {case_id: day for name, case_id, day in days if name == kind.name}
        if not of_kind:
            continue
        # Only the columns the message needs: at national scale, reading the messages' cases is
        # most of the job's time.
        cases = kind.model.objects.select_related(*kind.related).only(*kind.message_columns).in_bulk(list(of_kind))
        with translation.override("id"):
            for case_id, day in of_kind.items():
                case = cases[case_id]
                case.office = part.office
                key = schedule_key(release_id=part.release_id, reference=case.reference, event=event)
                messages.extend(kind.notifications(case, key=key, day=day, event=event))
    if not messages:
        return []
    for message in messages:
        if not message.recipient:
            message.status = NotificationStatus.UNDELIVERABLE
    Notification.objects.bulk_create(messages, ignore_conflicts=True)
    keys = [message.dedupe_key for message in messages if message.status == NotificationStatus.PENDING]
    return list(
        Notification.objects.filter(dedupe_key__in=keys, status=NotificationStatus.PENDING).values_list("id", flat=True)
    )


def release_steps_record(*, part: ReleaseOffice, days: list[CaseDay], action: str, started_by_id: int | None) -> None:
    """Each case's history records ``action`` with its day as the note, started by ``started_by_id``.

    The release is started by whoever resolved the outage, whichever worker (or sweep) runs it.
    """
    for kind in kinds():
        of_kind = [(case_id, day) for name, case_id, day in days if name == kind.name]
        if of_kind:
            case_steps_annotate(
                model=kind.model,
                case_ids=[case_id for case_id, _day in of_kind],
                action=action,
                notes=[day.isoformat() for _case_id, day in of_kind],
                started_by_id=started_by_id,
            )


def release_place_free(*, part: ReleaseOffice, kind: str, day: date) -> None:
    """Give back one place of ``part``'s plan on ``day`` (saved by the caller, under the part's lock)."""
    freed = part.freed.setdefault(kind, {})
    freed[day.isoformat()] = freed.get(day.isoformat(), 0) + 1

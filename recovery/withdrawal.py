"""A released case held again: its earlier date is withdrawn and its place given back.

A release gives each case it enlisted a day. If, before the case is worked, a later outage takes
down the step it waits for, that day cannot hold: the case is in that outage's backlog again and
its own release will date it. Its entry in the earlier release is withdrawn (it leaves the staff
queue), the place the earlier plan kept for it on that day is given back (``ReleaseOffice.freed``,
which the next plan of the office counts as free), the applicant is told once that the date no
longer holds, and the case's history records it.

This happens when the later outage is declared (after commit, by a task) and, should that task be
lost, when the later release enlists the case: it is never in the queue twice.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from casework.services import task_enqueue
from casework.tasks import notifications_send_batch
from offices.models import Office, Outage
from offices.outages import outage_offices
from recovery.messages import release_messages_store, release_place_free, release_steps_record
from recovery.models import Release, ReleaseEntry, ReleaseOffice

# The step each withdrawn case's history records, with the day that no longer holds as its note.
RELEASE_WITHDRAWN = "release_withdrawn"


def _withdrawable(*, capabilities: Iterable[str], exclude_release_id: int | None) -> Q:
    condition = Q(
        entries__worked_at__isnull=True,
        entries__withdrawn_at__isnull=True,
        entries__capability__in=sorted(capabilities),
    )
    if exclude_release_id is not None:
        condition &= ~Q(release_id=exclude_release_id)
    return condition


def release_entries_withdraw(*, outage: Outage) -> int:
    """Withdraw the entries of earlier releases whose cases the active blocking ``outage`` holds now.

    An entry not yet worked waits for its capability still, at its office: where ``outage`` takes
    that capability down, it holds the case. Returns the number of entries withdrawn.
    """
    if not outage.is_active or outage.is_degraded:
        return 0
    release = Release.objects.filter(outage=outage).values_list("pk", flat=True).first()
    parts = (
        ReleaseOffice.objects.filter(office__in=outage_offices(outage))
        .filter(_withdrawable(capabilities=outage.capabilities, exclude_release_id=release))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(
        release_office_withdraw(part_id=part_id, capabilities=outage.capabilities, holding=outage)
        for part_id in list(parts)
    )


def release_entries_withdraw_at(
    *, office: Office, capabilities: Iterable[str], release: Release, holding: Outage
) -> int:
    """Withdraw, at ``office``, the other releases' entries for the cases ``release`` enlists there now.

    Called in the enlisting transaction: the cases it enlists wait for ``capabilities``, so any
    earlier entry of theirs still open is one they no longer keep.
    """
    capabilities = list(capabilities)
    if not capabilities:
        return 0
    parts = (
        ReleaseOffice.objects.filter(office=office)
        .filter(_withdrawable(capabilities=capabilities, exclude_release_id=release.pk))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(
        release_office_withdraw(part_id=part_id, capabilities=capabilities, holding=holding) for part_id in list(parts)
    )


def release_office_withdraw(*, part_id: int, capabilities: list[str], holding: Outage) -> int:
    """Withdraw ``part``'s open entries waiting for ``capabilities``; give back their places, tell each case once.

    The part's row is locked, as the job's chunks lock it, so a chunk dating the office and a
    withdrawal take turns: an entry is dated then withdrawn (its message, then the withdrawal's),
    or withdrawn then dated (no message at all; the chunk gives its place back).
    """
    with transaction.atomic():
        part = (
            ReleaseOffice.objects.select_for_update(of=("self",))
            .select_related("office", "release__outage")
            .get(pk=part_id)
        )
        table = ReleaseEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET withdrawn_at = %s
                WHERE release_office_id = %s AND worked_at IS NULL AND withdrawn_at IS NULL
                  AND capability = ANY(%s)
                RETURNING kind, case_id, expected_on
                """,
                [timezone.now(), part.pk, list(capabilities)],
            )
            rows = cursor.fetchall()
        dated = [(kind, case_id, day) for kind, case_id, day in rows if day is not None]
        for kind, _case_id, day in dated:
            release_place_free(part=part, kind=kind, day=day)
        if dated:
            part.save(update_fields=["freed"])
        pending = release_messages_store(part=part, days=dated, event="withdrawn")
        release_steps_record(part=part, days=dated, action=RELEASE_WITHDRAWN, started_by_id=holding.declared_by_id)
        if pending:
            transaction.on_commit(lambda: task_enqueue(notifications_send_batch, pending))
    return len(rows)

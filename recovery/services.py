"""Releasing a backlog: enlist the held cases of each office, plan its days, date them in chunks.

Every step is set-based SQL over one office at a time, in its own transaction, and each one is a
function of what is already stored: an office's entries are enlisted once (``enlisted_at``), its
plan is fixed with them, and a chunk dates only entries still without a date and stores each
message under a unique key. A job killed half way and started again therefore finishes the work
with every case dated once and every message stored once; one run twice changes nothing.
"""

from collections.abc import Iterable
from datetime import date

from celery import signature
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.kinds import CaseKindSpec, kinds
from casework.services import task_enqueue
from casework.tasks import notifications_send_batch
from offices.models import Office, Outage
from offices.outages import outage_offices
from offices.roles import Role
from offices.selectors import user_scope
from plumbing.refusals import Refusal
from recovery.capacity import office_slowdowns
from recovery.messages import release_messages_store, release_place_free, release_steps_record
from recovery.models import RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice
from recovery.schedule import Boost, DailyCapacity, plan_allocate, plan_booked
from recovery.withdrawal import release_entries_withdraw_at

# Sent once every office a release covers has been enlisted (argument: release): what the outage
# held is then on record, office by office, for whoever counts it.
release_enlisted = Signal()
# Sent in the transaction of each chunk that dates cases (argument: part, the office's release).
release_dated = Signal()

CHUNK_SIZE = 2000
# The step each dated case's history records, with the day as its note.
RELEASE_DATED = "release_dated"
# Far above any office's day; keeps a typo from overflowing the column into a server error.
MAX_EXTRA_CASES = 10_000
RELEASE_MANAGERS = frozenset({Role.OFFICE_HEAD, Role.REGIONAL_SUPERVISOR, Role.NATIONAL_ADMIN})


def release_create(*, outage: Outage) -> Release | None:
    """The release of ``outage``, in the transaction that resolves it; started after commit.

    A slowdown held nothing, so it has no release.
    """
    if outage.is_degraded:
        return None
    release, _created = Release.objects.get_or_create(outage=outage)
    transaction.on_commit(lambda: release_enqueue(release_id=release.pk))
    return release


def release_enqueue(*, release_id: int) -> None:
    # The tasks are named, not imported: recovery.tasks runs this module's functions, so importing
    # it here would be a cycle. A signature runs in-process like the task itself without a broker.
    task_enqueue(signature("recovery.tasks.release_run_task"), release_id)


def release_enlist(*, release: Release) -> list[ReleaseOffice]:
    """Enlist every office the outage covered (each once, each in its own transaction)."""
    outage = release.outage
    active = list(Outage.objects.active().select_related("region", "office"))
    parts = [
        release_office_enlist(release=release, office=office, active_outages=active)
        for office in outage_offices(outage).select_related("region").order_by("code")
    ]
    Release.objects.filter(pk=release.pk, enlisted_at__isnull=True).update(enlisted_at=timezone.now())
    release_enlisted.send(sender=Release, release=release)
    return parts


def released_capabilities(*, outage: Outage, office: Office, active_outages: list[Outage]) -> list[str]:
    """The capabilities ``outage`` took down at ``office`` that no other active outage still does."""
    still_down = {
        capability
        for other in active_outages
        if other.pk != outage.pk and not other.is_degraded and other.covers(office)
        for capability in other.capabilities
    }
    return sorted(set(outage.capabilities) - still_down)


def office_daily_capacity(
    *, office: Office, kind: CaseKindSpec, after: date, active_outages: list[Outage], exclude_release: int | None = None
) -> DailyCapacity:
    """``kind``'s daily capacity at ``office`` from the day after ``after``, read for one office."""
    earlier = ReleaseOffice.objects.filter(office=office, plan__has_key=kind.name)
    if exclude_release is not None:
        earlier = earlier.exclude(release_id=exclude_release)
    return daily_capacity_build(
        office=office,
        kind=kind,
        after=after,
        capacities=RecoveryCapacity.objects.filter(office=office, kind=kind.name, ends_on__gt=after),
        plans=earlier.only("plan", "freed"),
        active_outages=active_outages,
    )


def daily_capacity_build(
    *,
    office: Office,
    kind: CaseKindSpec,
    after: date,
    capacities: Iterable[RecoveryCapacity],
    plans: Iterable[ReleaseOffice],
    active_outages: list[Outage],
) -> DailyCapacity:
    """``kind``'s daily capacity at ``office`` from the day after ``after``, from rows already read.

    Takes in the office head's overtime and Saturday sessions (``capacities``), the slowdowns
    still running and the days earlier releases' ``plans`` have already promised, less the places
    their withdrawn entries gave back.
    """
    boosts = tuple(
        Boost(starts_on=row.starts_on, ends_on=row.ends_on, weekday_extra=row.weekday_extra, saturday=row.saturday)
        for row in capacities
        if row.kind == kind.name and row.ends_on > after
    )
    slowdowns = office_slowdowns(office=office, kind=kind, outages=active_outages)
    booked = plan_booked([(day, count) for day, count in part.booked(kind.name) if day > after] for part in plans)
    return DailyCapacity(normal=kind.capacity(office), boosts=boosts, slowdowns=slowdowns, booked=booked)


def release_office_enlist(*, release: Release, office: Office, active_outages: list[Outage]) -> ReleaseOffice:
    """Enlist the cases ``release`` frees at ``office`` in ready order, and fix the office's plan.

    The office row is locked (no key update) so that two releases of one office plan one after
    the other and the second fills only what the first left free.
    """
    outage = release.outage
    with transaction.atomic():
        Office.objects.select_for_update(no_key=True).filter(pk=office.pk).first()
        part, _created = ReleaseOffice.objects.get_or_create(release=release, office=office)
        if part.enlisted_at is not None:
            return part
        capabilities = released_capabilities(outage=outage, office=office, active_outages=active_outages)
        after = office.local_date(outage.resolved_at)
        plan: dict[str, list[list]] = {}
        total = 0
        # The cases enlisted here keep no earlier release's day (a task lost after the declaration
        # would have left them in the queue twice), and give its place back before the plan below.
        release_entries_withdraw_at(office=office, capabilities=capabilities, release=release, holding=outage)
        for kind in kinds():
            count = _enlist(part=part, kind=kind, capabilities=capabilities, until=outage.resolved_at)
            if count:
                capacity = office_daily_capacity(
                    office=office, kind=kind, after=after, active_outages=active_outages, exclude_release=release.pk
                )
                plan[kind.name] = [
                    [day.isoformat(), served]
                    for day, served in plan_allocate(total=count, after=after, capacity=capacity)
                ]
            total += count
        part.plan = plan
        part.total = total
        part.enlisted_at = timezone.now()
        if total == 0:
            part.finished_at = part.enlisted_at
        part.save()
    return part


def _enlist(*, part: ReleaseOffice, kind: CaseKindSpec, capabilities: list[str], until: object) -> int:
    """Insert the office's cases waiting for ``capabilities`` since before ``until``, numbered.

    Each entry keeps its case's reference, which never changes after intake.
    """
    if not capabilities:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ReleaseEntry._meta.db_table}
                (release_office_id, office_id, kind, case_id, reference, capability, ready_at, position)
            SELECT %s, office_id, %s, id, reference, awaiting, ready_at, row_number() OVER (ORDER BY ready_at, id)
            FROM {kind.model._meta.db_table}
            WHERE office_id = %s AND awaiting = ANY(%s) AND ready_at <= %s
            """,
            [part.pk, kind.name, part.office_id, capabilities, until],
        )
        return cursor.rowcount


def release_office_schedule_chunk(*, part_id: int, chunk_size: int = CHUNK_SIZE) -> bool:
    """Date the next ``chunk_size`` entries of an office and store their messages; False when done.

    Also False while the office is paused. The office's row is locked for the chunk, so two
    workers on one office take turns and never date an entry twice.
    """
    with transaction.atomic():
        part = (
            ReleaseOffice.objects.select_for_update(of=("self",))
            .select_related("office", "release__outage")
            .get(pk=part_id)
        )
        if part.paused or part.finished_at or part.enlisted_at is None:
            return False
        rows = _date_next(part=part, chunk_size=chunk_size)
        if not rows:
            part.finished_at = timezone.now()
            part.save(update_fields=["finished_at"])
            transaction.on_commit(lambda: release_finish(release_id=part.release_id))
            return False
        part.scheduled += len(rows)
        # An entry withdrawn before its chunk came (a later outage holds its case again) still
        # takes its place in the plan, so the positions after it keep their days; the place is
        # given back at once, and the case is told nothing.
        for kind, _case_id, day, _held, withdrawn in rows:
            if withdrawn:
                release_place_free(part=part, kind=kind, day=day)
        part.save(update_fields=["scheduled", "freed"])
        release_dated.send(sender=ReleaseOffice, part=part)
        dated = [(kind, case_id, day) for kind, case_id, day, held, _withdrawn in rows if held]
        pending = release_messages_store(part=part, days=dated)
        release_steps_record(
            part=part, days=dated, action=RELEASE_DATED, started_by_id=part.release.outage.resolved_by_id
        )
        if pending:
            transaction.on_commit(lambda: task_enqueue(notifications_send_batch, pending))
    return True


def _date_next(*, part: ReleaseOffice, chunk_size: int) -> list[tuple]:
    """Give the next entries without a date theirs from the plan.

    Rows of (kind, case id, day, still held, withdrawn): still held unless worked or withdrawn.
    """
    plan_kinds, days, last_positions = [], [], []
    for kind, entries in part.plan.items():
        served = 0
        for day, count in entries:
            served += count
            plan_kinds.append(kind)
            days.append(day)
            last_positions.append(served)
    table = ReleaseEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH plan (kind, day, last_position) AS (
                SELECT * FROM unnest(%s::varchar[], %s::date[], %s::integer[])
            ), chunk AS (
                SELECT id, kind, position FROM {table}
                WHERE release_office_id = %s AND expected_on IS NULL
                ORDER BY kind, position
                LIMIT %s
            )
            UPDATE {table} AS entry SET expected_on = (
                SELECT plan.day FROM plan
                WHERE plan.kind = chunk.kind AND plan.last_position >= chunk.position
                ORDER BY plan.last_position
                LIMIT 1
            )
            FROM chunk
            WHERE entry.id = chunk.id
            RETURNING entry.kind, entry.case_id, entry.expected_on,
                entry.worked_at IS NULL AND entry.withdrawn_at IS NULL, entry.withdrawn_at IS NOT NULL
            """,
            [plan_kinds, days, last_positions, part.pk, chunk_size],
        )
        return cursor.fetchall()


def release_office_schedule(*, part_id: int, chunk_size: int = CHUNK_SIZE) -> None:
    """Date an office's entries chunk by chunk until done or paused."""
    while release_office_schedule_chunk(part_id=part_id, chunk_size=chunk_size):
        pass


def release_finish(*, release_id: int) -> bool:
    """Mark the release finished once every office's part is; True if it is."""
    updated = (
        Release.objects.filter(pk=release_id, enlisted_at__isnull=False, finished_at__isnull=True)
        .exclude(Q(offices__finished_at__isnull=True))
        .update(finished_at=timezone.now())
    )
    return bool(updated) or Release.objects.filter(pk=release_id, finished_at__isnull=False).exists()


def _check_manager(*, actor: AbstractBaseUser, office: Office) -> None:
    if not user_scope(actor, roles=RELEASE_MANAGERS).contains(office):
        raise PermissionDenied(_("Only the office head or a supervisor of this office may do this."))


def release_office_pause(*, actor: AbstractBaseUser, part: ReleaseOffice) -> ReleaseOffice:
    """Stop dating an office's entries after the chunk in progress (dated ones keep their day).

    Pausing a paused office changes nothing; a finished office has nothing left to pause, and is
    refused (409 ``release-office-finished``) so that the caller is not told it stopped something.
    """
    _check_manager(actor=actor, office=part.office)
    with transaction.atomic():
        part = ReleaseOffice.objects.select_for_update().select_related("office").get(pk=part.pk)
        if part.finished_at is not None:
            raise Refusal(
                _("This office's part of the release is finished: every case has its date."),
                "release-office-finished",
                status_code=409,
            )
        if not part.paused:
            part.paused = True
            part.save(update_fields=["paused"])
    return part


def release_office_resume(*, actor: AbstractBaseUser, part: ReleaseOffice) -> ReleaseOffice:
    """Go on dating a paused office's entries where the job stopped.

    Resuming an office that is not paused changes nothing; a finished one is refused like pausing.
    """
    _check_manager(actor=actor, office=part.office)
    with transaction.atomic():
        part = ReleaseOffice.objects.select_for_update().select_related("office").get(pk=part.pk)
        if part.finished_at is not None:
            raise Refusal(
                _("This office's part of the release is finished: every case has its date."),
                "release-office-finished",
                status_code=409,
            )
        if part.paused:
            part.paused = False
            part.save(update_fields=["paused"])
            transaction.on_commit(lambda: task_enqueue(signature("recovery.tasks.release_office_task"), part.pk))
    return part


def recovery_capacity_set(
    *,
    actor: AbstractBaseUser,
    office: Office,
    kind: str,
    starts_on: date,
    ends_on: date,
    weekday_extra: int = 0,
    saturday: int = 0,
) -> RecoveryCapacity:
    """Raise an office's capacity for a recovery period (applies to releases planned from now)."""
    _check_manager(actor=actor, office=office)
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = ValidationError(_("The period ends before it starts."), code="period-reversed")
    elif ends_on < office.local_today():
        errors["ends_on"] = ValidationError(_("The period is over already."), code="period-past")
    for name, value in (("weekday_extra", weekday_extra), ("saturday", saturday)):
        if value > MAX_EXTRA_CASES:
            errors[name] = ValidationError(
                _("At most %(limit)s cases a day.") % {"limit": f"{MAX_EXTRA_CASES:,}"}, code="too-many"
            )
    if weekday_extra == 0 and saturday == 0:
        errors["weekday_extra"] = ValidationError(
            _("Give overtime cases, Saturday cases, or both."), code="nothing-added"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Office.objects.select_for_update(no_key=True).filter(pk=office.pk).first()
        overlapping = RecoveryCapacity.objects.filter(
            office=office, kind=kind, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists()
        if overlapping:
            raise ValidationError(
                {"starts_on": ValidationError(_("Another recovery period of this queue overlaps."), code="overlapping")}
            )
        capacity = RecoveryCapacity(
            office=office,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            weekday_extra=weekday_extra,
            saturday=saturday,
            created_by=actor,
        )
        capacity.full_clean()
        capacity.save()
    return capacity

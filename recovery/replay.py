"""Replaying the outage of 20 June 2024 on the data in the database.

On 20 June 2024 ransomware took down the Pusat Data Nasional Sementara, and with it the central
services of every immigration office: intake and biometrics went on, adjudication, printing,
permit issuance and express passports did not. The replay re-enacts that on the database: a
national outage of those four capabilities, declared some working days back; at chosen offices,
each of those days' intake at the office's daily rate, taken as far as it could go (passports
interviewed, ITK and ITAS applications with biometrics captured) and held there waiting for
central records; then the resolution, and the release of the backlog by the real release job.

The cases are written set-based, thousands at a time, not one service call each
(``recovery.replay_intake``); every random draw comes from the seed, per office, so a replay on
the same data prints the same report.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Min

from applications.models import (
    PassportApplication,
)
from casework.calendar import is_working_day
from offices.models import Capability, Membership, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from permits.models import StayPermitApplication
from recovery.models import Release, ReleaseOffice
from recovery.peaks import backlog_peaks_record
from recovery.replay_intake import OPENS, IntakeWriter, OfficeIntake
from recovery.services import release_enlist, release_finish, release_office_schedule_chunk

REASON = "Replay: Pusat Data Nasional Sementara (PDNS) ransomware of 20 June 2024"
CAPABILITIES = sorted(Capability.values)
ACTOR_USERNAME = "replay"
DEFAULT_SEED = 20240620
MAX_DAYS = 30
MAX_SCALE = 10.0
# A smaller chunk than the job's own, so that the progress moves in visible steps.
CHUNK_SIZE = 500
# The two kinds of case in the backlog counts.
_PASSPORT, _PERMIT = "passport", "permit"


class ReplayRefused(ValueError):
    """The replay cannot run as asked; nothing has been written."""


@dataclass(frozen=True)
class BacklogRow:
    """An office's held cases while the outage is active."""

    office: Office
    passports: int
    permits: int
    oldest: datetime

    @property
    def held(self) -> int:
        return self.passports + self.permits


def replay_offices(*, codes: Iterable[str]) -> list[Office]:
    """The active offices of ``codes`` (any case), by code; refused when one is unknown."""
    wanted = sorted({code.strip().upper() for code in codes})
    if not wanted:
        raise ReplayRefused("Name at least one office code, e.g. --offices SMG SBY.")
    if not Office.objects.exists():
        raise ReplayRefused("No offices in the database: run `manage.py load_offices` first.")
    found = {office.code: office for office in Office.objects.filter(code__in=wanted, is_active=True)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ReplayRefused(f"Unknown or inactive office code(s): {', '.join(unknown)}. Codes are like SMG, SBY.")
    return [found[code] for code in wanted]


def replay_check(*, offices: list[Office], days: int, scale: float) -> None:
    """Refuse options the replay cannot honour, and a replay over an outage already active."""
    if not 1 <= days <= MAX_DAYS:
        raise ReplayRefused(f"--days must be a whole number of working days from 1 to {MAX_DAYS}, not {days}.")
    if not 0 < scale <= MAX_SCALE:
        raise ReplayRefused(f"--scale must be above 0 and at most {MAX_SCALE:g}, not {scale:g}.")
    active = [outage for outage in Outage.objects.active() if any(outage.covers(office) for office in offices)]
    if active:
        raise ReplayRefused(
            f"Outage #{active[0].pk} is active at these offices: resolve it first, the replay's release would not "
            "free what it holds."
        )


def replay_days(*, office: Office, days: int) -> list[date]:
    """The office's last ``days`` working days before its today, oldest first."""
    found: list[date] = []
    day = office.local_today()
    while len(found) < days:
        day -= timedelta(days=1)
        if is_working_day(day):
            found.append(day)
    return sorted(found)


def replay_actor() -> AbstractBaseUser:
    """The user the replay acts as: "replay", a national administrator who cannot log in.

    A user of its own rather than a real administrator, so that the outage's audit and the
    cases' history say plainly that a replay wrote them.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=ACTOR_USERNAME, defaults={"is_active": True})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, role=Role.NATIONAL_ADMIN, office=None, region=None)
    return user_model.objects.get(pk=user.pk)


def replay_declare(*, actor: AbstractBaseUser, declared_at: datetime) -> Outage:
    """The national outage of the four central capabilities, declared at ``declared_at``.

    Moving the declaration back stands for the days that passed, not for a change anyone made,
    so it leaves no history of its own.
    """
    outage = outage_declare(actor=actor, scope=OutageScope.NATIONAL, capabilities=CAPABILITIES, reason=REASON)
    with pgtrigger.ignore("offices.Outage:update_update"):
        Outage.objects.filter(pk=outage.pk).update(declared_at=declared_at)
    outage.declared_at = declared_at
    return outage


def replay_plan(*, offices: list[Office], days: int, scale: float) -> list[OfficeIntake]:
    """Each office's replayed days and daily intake: its capacities times ``scale``, at least one."""
    return [
        OfficeIntake(
            office=office,
            days=replay_days(office=office, days=days),
            passports_a_day=max(1, round(office.passport_capacity * scale)),
            permits_a_day=max(1, round(office.permit_capacity * scale)),
        )
        for office in offices
    ]


def replay_intake(*, plan: list[OfficeIntake], seed: int, actor: AbstractBaseUser) -> None:
    """Write each office's intake of its replayed days, held at the step needing central records."""
    for intake in plan:
        IntakeWriter(intake=intake, seed=seed, actor=actor, note=REASON).write()
    backlog_peaks_record()  # written set-based, the cases became held without a case change


def first_opening(plan: list[OfficeIntake]) -> datetime:
    """When the first replayed day opened at the first office: the moment of the declaration."""
    return min(datetime.combine(intake.days[0], OPENS, tzinfo=intake.office.zone) for intake in plan)


def backlog_by_office(*, outage: Outage) -> list[BacklogRow]:
    """The held cases of each office the outage covers, with the oldest; two queries."""
    counts: dict[int, dict[str, object]] = {}
    for name, model in ((_PASSPORT, PassportApplication), (_PERMIT, StayPermitApplication)):
        rows = (
            model.objects.filter(awaiting__in=outage.capabilities, ready_at__isnull=False)
            .values("office_id")
            .annotate(held=Count("id"), oldest=Min("ready_at"))
            .order_by()
        )
        for row in rows:
            entry = counts.setdefault(row["office_id"], {_PASSPORT: 0, _PERMIT: 0, "oldest": row["oldest"]})
            entry[name] = row["held"]
            entry["oldest"] = min(entry["oldest"], row["oldest"])
    offices = Office.objects.in_bulk(list(counts))
    rows = [
        BacklogRow(office=offices[pk], passports=entry[_PASSPORT], permits=entry[_PERMIT], oldest=entry["oldest"])
        for pk, entry in counts.items()
        if outage.covers(offices[pk])
    ]
    return sorted(rows, key=lambda row: row.office.code)


def replay_release(
    *,
    actor: AbstractBaseUser,
    outage: Outage,
    on_enlisted: Callable[[int], None] = lambda total: None,
    on_scheduled: Callable[[int], None] = lambda count: None,
) -> Release:
    """Resolve ``outage`` and run its release here, office by office, chunk by chunk.

    The steps are the job's own (``release_enlist``, then ``release_office_schedule_chunk``), so
    the caller can follow the cases as they get their dates. Run in the transaction that
    resolves the outage, the job the resolution starts on commit finds every office done.
    """
    outage_resolve(actor=actor, outage=outage, note="Replay: central services restored.")
    release = Release.objects.select_related("outage").get(outage=outage)
    parts = release_enlist(release=release)
    on_enlisted(sum(part.total for part in parts))
    for part in parts:
        if part.finished_at is not None:
            continue
        done = part.scheduled
        while release_office_schedule_chunk(part_id=part.pk, chunk_size=CHUNK_SIZE):
            scheduled = ReleaseOffice.objects.values_list("scheduled", flat=True).get(pk=part.pk)
            on_scheduled(scheduled - done)
            done = scheduled
    release_finish(release_id=release.pk)
    return release

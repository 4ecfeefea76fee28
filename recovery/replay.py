"""Replaying the outage of 20 June 2024 on the data in the database.

On 20 June 2024 ransomware took down the Pusat Data Nasional Sementara, and with it the central
services of every immigration office: intake and biometrics went on, adjudication, printing,
permit issuance and express passports did not. The replay re-enacts that on the database: a
national outage of those four capabilities, declared some working days back; at chosen offices,
each of those days' intake at the office's daily rate, taken as far as it could go (passports
interviewed, ITK and ITAS applications with biometrics captured) and held there waiting for
central records; then the resolution, and the release of the backlog by the real release job.

The cases are written set-based, thousands at a time, not one service call each: references are
reserved from the offices' own counters in one statement per office, day and series (so they read
like any other and never collide with one the desk hands out), and people are bulk-created with
identifiers drawn from the seed and checked against those already stored. Every random draw comes
from the seed, per office, so a replay on the same data prints the same report.
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Min, Model

from applications.fees import passport_fee
from applications.models import (
    SLA_WORKING_DAYS,
    Applicant,
    ApplicationType,
    Channel,
    PassportApplication,
    PassportKind,
    Priority,
    Service,
)
from applications.workflow import Status as PassportStatus
from casework.calendar import is_working_day, working_days_after
from casework.models import ReferenceCounter, Sex
from casework.services import history_context
from offices.models import Capability, Membership, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from permits.fees import permit_fee
from permits.models import Foreigner, PermitType, Purpose, Sponsor, SponsorKind, StayPermitApplication
from permits.services import APPLICATION_SERIES
from permits.workflow import Status as PermitStatus
from recovery.models import Release, ReleaseOffice
from recovery.services import release_enlist, release_finish, release_office_schedule_chunk

REASON = "Replay: Pusat Data Nasional Sementara (PDNS) ransomware of 20 June 2024"
CAPABILITIES = sorted(Capability.values)
ACTOR_USERNAME = "replay"
DEFAULT_SEED = 20240620
MAX_DAYS = 30
MAX_SCALE = 10.0
# Offices open at 08:00; the last applicant is taken in at 15:00 and through biometrics and the
# interview by 16:00, when service ends.
OPENS = time(8)
INTAKE_HOURS = 7
# Replayed people get addresses no mail server delivers to (RFC 2606).
MAIL_DOMAIN = "replay.invalid"
# A smaller chunk than the job's own, so that the progress moves in visible steps.
CHUNK_SIZE = 500
# The two kinds of case in the backlog counts.
_PASSPORT, _PERMIT = "passport", "permit"

GIVEN = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Eko", "Rina", "Joko", "Wati", "Hendra", "Ayu", "Bambang", "Putri"]
FAMILY = ["Rahayu", "Santoso", "Wijaya", "Kusuma", "Lestari", "Saputra", "Hidayat", "Pratama", "Nugroho", "Setiawan"]
STREETS = ["Pemuda", "Pandanaran", "Diponegoro", "Sudirman", "Gajah Mada", "Ahmad Yani", "Pahlawan", "Merdeka"]
# (nationality, given names, family names) of the foreigners who apply most.
NATIONALS = [
    ("CHN", ["Wei", "Li", "Jun", "Min"], ["Wang", "Zhang", "Chen", "Liu"]),
    ("JPN", ["Kenji", "Aiko", "Hiroshi", "Yuki"], ["Tanaka", "Sato", "Suzuki", "Yamamoto"]),
    ("KOR", ["Min-jun", "Ji-hoon", "Seo-yeon"], ["Kim", "Lee", "Park"]),
    ("AUS", ["Emma", "Jack", "Olivia"], ["Wilson", "Smith", "Brown"]),
    ("IND", ["Rajesh", "Priya", "Arjun"], ["Kumar", "Sharma", "Patel"]),
    ("MYS", ["Ahmad", "Nur", "Hafiz"], ["Ismail", "Rahman", "Abdullah"]),
    ("NLD", ["Pieter", "Sanne", "Daan"], ["de Vries", "Jansen", "Bakker"]),
    ("USA", ["Michael", "Sarah", "James"], ["Johnson", "Miller", "Davis"]),
]
COMPANY_WORDS = ["Nusantara", "Samudra", "Mandiri", "Jaya", "Sentosa", "Makmur", "Abadi", "Bahari", "Global"]


class ReplayRefused(ValueError):
    """The replay cannot run as asked; nothing has been written."""


@dataclass(frozen=True)
class OfficeIntake:
    """What the replay took in at one office: its days and the cases of each kind."""

    office: Office
    days: list[date]
    passports_a_day: int
    permits_a_day: int

    @property
    def passports(self) -> int:
        return self.passports_a_day * len(self.days)

    @property
    def permits(self) -> int:
        return self.permits_a_day * len(self.days)


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
        with history_context(actor=actor, action="replay_intake", note=REASON, office=intake.office.code):
            _Writer(intake=intake, seed=seed, actor=actor).write()


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


def _references_reserve(*, office: Office, day: date, series: str, count: int) -> list[str]:
    """``count`` references of ``office``'s ``day`` in ``series``, reserved from its counter at once.

    The same counter and format as ``casework.references.reference_next``, advanced by ``count``
    in one statement: numbers no desk will ever be handed.
    """
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (office_id, day, series, last_number) VALUES (%s, %s, %s, %s)
            ON CONFLICT (office_id, day, series) DO UPDATE SET last_number = {table}.last_number + EXCLUDED.last_number
            RETURNING last_number
            """,
            [office.pk, day, series, count],
        )
        (last,) = cursor.fetchone()
    prefix = f"{office.code}-{series}-" if series else f"{office.code}-"
    return [f"{prefix}{day:%y%m%d}-{number:04d}" for number in range(last - count + 1, last + 1)]


def _unique(values: list[str], *, redraw: Callable[[int], str], taken: Callable[[list[str]], set[str]]) -> list[str]:
    """``values`` with every one already stored (or drawn twice) drawn again until none is."""
    values = list(values)
    pending = list(range(len(values)))
    seen: set[str] = set()
    while pending:
        stored = set()
        for start in range(0, len(pending), 5000):
            stored |= taken([values[index] for index in pending[start : start + 5000]])
        clashing = []
        for index in pending:
            if values[index] in stored or values[index] in seen:
                clashing.append(index)
            else:
                seen.add(values[index])
        for index in clashing:
            values[index] = redraw(index)
        pending = clashing
    return values


def _taken(model: type[Model], field: str) -> Callable[[list[str]], set[str]]:
    return lambda values: set(model.objects.filter(**{f"{field}__in": values}).values_list(field, flat=True))


class _Writer:
    """One office's replayed intake, drawn from the seed and written a kind at a time."""

    def __init__(self, *, intake: OfficeIntake, seed: int, actor: AbstractBaseUser) -> None:
        self.intake = intake
        self.office = intake.office
        self.actor = actor
        # Cases and times from one stream, identifiers from another: an identifier drawn again
        # because it is taken never shifts what the cases look like.
        self.rng = random.Random(f"{seed}:{self.office.code}:cases")
        self.ids = random.Random(f"{seed}:{self.office.code}:identifiers")

    def write(self) -> None:
        passports, permits = [], []
        for day in self.intake.days:
            passports += self._day(day, count=self.intake.passports_a_day, series="")
            permits += self._day(day, count=self.intake.permits_a_day, series=APPLICATION_SERIES)
        self._passports(passports)
        self._permits(permits)

    def _day(self, day: date, *, count: int, series: str) -> list[tuple[str, datetime]]:
        """(reference, intake moment) of a day's ``count`` cases, numbered in the order they came."""
        opens = datetime.combine(day, OPENS, tzinfo=self.office.zone)
        moments = sorted(opens + timedelta(seconds=self.rng.randrange(INTAKE_HOURS * 3600)) for _ in range(count))
        return list(
            zip(_references_reserve(office=self.office, day=day, series=series, count=count), moments, strict=True)
        )

    def _steps(self, taken_in: datetime, count: int) -> list[datetime]:
        """The moments of the ``count`` steps after intake, a few minutes apart."""
        moments, moment = [], taken_in
        for _ in range(count):
            moment += timedelta(minutes=self.rng.randint(3, 12))
            moments.append(moment)
        return moments

    def _person(self) -> tuple[str, str, date, str]:
        given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
        sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
        born = date(1950, 1, 1) + timedelta(days=self.rng.randrange(365 * 55))
        return f"{given} {family}", sex, born, f"{given}.{family}".lower()

    def _nik(self, born: date, sex: str) -> str:
        day = born.day + (40 if sex == Sex.FEMALE else 0)
        return f"{self.office.region.code}7101{day:02d}{born:%m%y}{self.ids.randint(1, 9999):04d}"

    def _address(self) -> str:
        return f"Jl. {self.rng.choice(STREETS)} No. {self.rng.randint(1, 200)}, {self.office.city}"

    def _phone(self) -> str:
        return f"+628{self.rng.randint(11, 59)}{self.rng.randrange(10**7):07d}"

    def _billing_code(self) -> str:
        return f"{self.rng.randrange(10**14, 10**15)}"

    def _passports(self, cases: list[tuple[str, datetime]]) -> None:
        people = [self._person() for _ in cases]
        niks = _unique(
            [self._nik(born, sex) for _name, sex, born, _slug in people],
            redraw=lambda index: self._nik(people[index][2], people[index][1]),
            taken=_taken(Applicant, "nik"),
        )
        applicants = Applicant.objects.bulk_create(
            Applicant(
                nik=nik,
                full_name=name,
                birth_place=self.office.city,
                birth_date=born,
                sex=sex,
                address=self._address(),
                phone=self._phone(),
                email=f"{slug}.{nik[-4:]}@{MAIL_DOMAIN}",
            )
            for (name, sex, born, slug), nik in zip(people, niks, strict=True)
        )
        applications = []
        for (reference, taken_in), applicant in zip(cases, applicants, strict=True):
            verified, paid, captured, interviewed = self._steps(taken_in, 4)
            kind = self.rng.choice([PassportKind.ELECTRONIC, PassportKind.NON_ELECTRONIC])
            renewal = self.rng.random() < 0.4
            walk_in = self.rng.random() < 0.15
            fee = passport_fee(
                passport_kind=kind,
                validity_years=10,
                service=Service.REGULAR,
                application_type=ApplicationType.RENEWAL if renewal else ApplicationType.NEW,
            )
            applications.append(
                PassportApplication(
                    office=self.office,
                    reference=reference,
                    version=5,  # submitted, verified, paid, biometrics captured, interviewed
                    created_by=self.actor,
                    applicant=applicant,
                    status=PassportStatus.INTERVIEWED,
                    application_type=ApplicationType.RENEWAL if renewal else ApplicationType.NEW,
                    previous_passport_number=f"B{self.rng.randrange(10**7):07d}" if renewal else "",
                    passport_kind=kind,
                    validity_years=10,
                    service=Service.REGULAR,
                    channel=Channel.WALK_IN if walk_in else Channel.APPOINTMENT,
                    priority=self.rng.choice(Priority.values) if walk_in else "",
                    fee_idr=fee,
                    verified_at=verified,
                    paid_at=paid,
                    billing_code=self._billing_code(),
                    amount_paid_idr=fee,
                    biometrics_captured_at=captured,
                    photo_ref=f"bio/{reference}/photo",
                    fingerprints_ref=f"bio/{reference}/fp",
                    interviewed_at=interviewed,
                    sla_due_date=working_days_after(self.office.local_date(interviewed), SLA_WORKING_DAYS),
                    awaiting=Capability.CENTRAL_RECORDS,
                    ready_at=interviewed,
                )
            )
        created = PassportApplication.objects.bulk_create(applications, batch_size=1000)
        _backdate(PassportApplication, created, [taken_in for _reference, taken_in in cases])

    def _permits(self, cases: list[tuple[str, datetime]]) -> None:
        sponsors = self._sponsors(max(1, len(cases) // 5))
        nationals = [self.rng.choice(NATIONALS) for _ in cases]
        numbers = _unique(
            [self._passport_number() for _ in cases],
            redraw=lambda index: self._passport_number(),
            taken=_taken(Foreigner, "passport_number"),
        )
        applications = []
        foreigners = []
        for (_reference, taken_in), (nationality, given, family), number in zip(cases, nationals, numbers, strict=True):
            filed_on = self.office.local_date(taken_in)
            foreigners.append(
                Foreigner(
                    full_name=f"{self.rng.choice(given)} {self.rng.choice(family)}",
                    nationality=nationality,
                    passport_number=number,
                    passport_expiry=filed_on + relativedelta(years=self.rng.randint(2, 8)),
                    birth_date=date(1955, 1, 1) + timedelta(days=self.rng.randrange(365 * 48)),
                    sex=self.rng.choice([Sex.MALE, Sex.FEMALE]),
                    address=self._address(),
                    phone=self._phone(),
                    email=f"wna.{number.lower()}@{MAIL_DOMAIN}",
                )
            )
        Foreigner.objects.bulk_create(foreigners)
        for (reference, taken_in), foreigner in zip(cases, foreigners, strict=True):
            verified, paid, captured = self._steps(taken_in, 3)
            filed_on = self.office.local_date(taken_in)
            visit = self.rng.random() < 0.4
            if visit:
                permit_type, purpose, until = PermitType.ITK, Purpose.VISIT, filed_on + timedelta(days=29)
            else:
                months = self.rng.choice([6, 12])
                permit_type, purpose = PermitType.ITAS, self.rng.choice([Purpose.WORK, Purpose.FAMILY, Purpose.STUDY])
                until = filed_on + relativedelta(months=months) - timedelta(days=1)
            fee = permit_fee(permit_type=permit_type, valid_from=filed_on, valid_until=until)
            applications.append(
                StayPermitApplication(
                    office=self.office,
                    reference=reference,
                    version=4,  # submitted, verified, paid, biometrics captured
                    created_by=self.actor,
                    foreigner=foreigner,
                    sponsor=self.rng.choice(sponsors),
                    status=PermitStatus.BIOMETRICS_CAPTURED,
                    permit_type=permit_type,
                    application_kind="new",
                    purpose=purpose,
                    requested_from=filed_on,
                    requested_until=until,
                    filed_on=filed_on,
                    fee_idr=fee,
                    verified_at=verified,
                    paid_at=paid,
                    billing_code=self._billing_code(),
                    amount_paid_idr=fee,
                    biometrics_captured_at=captured,
                    photo_ref=f"bio/{reference}/photo",
                    fingerprints_ref=f"bio/{reference}/fp",
                    # An ITK or ITAS needs no interview: it waits for approval from biometrics on.
                    awaiting=Capability.CENTRAL_RECORDS,
                    ready_at=captured,
                )
            )
        created = StayPermitApplication.objects.bulk_create(applications, batch_size=1000)
        _backdate(StayPermitApplication, created, [taken_in for _reference, taken_in in cases])

    def _passport_number(self) -> str:
        letters = "".join(self.ids.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return f"{letters}{self.ids.randrange(10**7):07d}"

    def _sponsors(self, count: int) -> list[Sponsor]:
        nibs = _unique(
            [self._nib() for _ in range(count)], redraw=lambda index: self._nib(), taken=_taken(Sponsor, "nib")
        )
        return Sponsor.objects.bulk_create(
            Sponsor(
                kind=SponsorKind.COMPANY,
                nib=nib,
                name=f"PT {self.rng.choice(COMPANY_WORDS)} {self.rng.choice(COMPANY_WORDS)} {self.office.city}",
                address=self._address(),
                phone=self._phone(),
                email=f"hrd.{nib}@{MAIL_DOMAIN}",
            )
            for nib in nibs
        )

    def _nib(self) -> str:
        return f"{self.ids.randrange(10**12, 10**13)}"


def _backdate(model: type[Model], cases: list[Model], taken_in: list[datetime]) -> None:
    """Date the cases' intake and last change on their replayed day, in one statement.

    ``created_at`` is set to now on insert whatever it is given; moving it back stands for the
    days that passed, so it leaves no history of its own.
    """
    table = model._meta.db_table
    with pgtrigger.ignore(f"{model._meta.label}:update_update"), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS c SET created_at = v.created_at, updated_at = v.ready_at
            FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v (id, created_at, ready_at)
            WHERE c.id = v.id
            """,
            [[case.pk for case in cases], taken_in, [case.ready_at for case in cases]],
        )

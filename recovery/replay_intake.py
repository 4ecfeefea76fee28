"""The intake a replay writes: one office's replayed days of applications, set-based.

References are reserved from the office's own counters in one statement per day and series, so
they read like any other and never collide with one the desk hands out; people are bulk-created
with identifiers drawn from the seed and redrawn when already stored. Cases and times come from
one seeded stream, identifiers from another, so a replay on the same data writes the same cases.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Model

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
from casework.calendar import working_days_after
from casework.models import Attribution, CaseStep, ReferenceCounter, Sex
from offices.models import Capability, Office
from permits.fees import permit_fee
from permits.models import Foreigner, PermitType, Purpose, Sponsor, SponsorKind, StayPermitApplication
from permits.services import APPLICATION_SERIES
from permits.workflow import Status as PermitStatus
from plumbing.origin import origin_current

# Offices open at 08:00; the last applicant is taken in at 15:00 and through biometrics and the
# interview by 16:00, when service ends.
OPENS = time(8)
INTAKE_HOURS = 7
# Replayed people get addresses no mail server delivers to (RFC 2606).
MAIL_DOMAIN = "replay.invalid"

# The steps a replayed case has taken, each as (action, from status, to status, the case's field
# holding its moment; "" for the intake moment). The history records them as the replay's own.
Step = tuple[str, str, str, str]
PASSPORT_STEPS: tuple[Step, ...] = (
    ("submit", "", PassportStatus.SUBMITTED, ""),
    ("verify", PassportStatus.SUBMITTED, PassportStatus.VERIFIED, "verified_at"),
    ("record_payment", PassportStatus.VERIFIED, PassportStatus.PAID, "paid_at"),
    ("capture_biometrics", PassportStatus.PAID, PassportStatus.BIOMETRICS_CAPTURED, "biometrics_captured_at"),
    ("interview", PassportStatus.BIOMETRICS_CAPTURED, PassportStatus.INTERVIEWED, "interviewed_at"),
)
PERMIT_STEPS: tuple[Step, ...] = (
    ("submit", "", PermitStatus.SUBMITTED, ""),
    ("verify", PermitStatus.SUBMITTED, PermitStatus.VERIFIED, "verified_at"),
    ("record_payment", PermitStatus.VERIFIED, PermitStatus.PAID, "paid_at"),
    ("capture_biometrics", PermitStatus.PAID, PermitStatus.BIOMETRICS_CAPTURED, "biometrics_captured_at"),
)

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


class IntakeWriter:
    """One office's replayed intake, drawn from the seed and written a kind at a time."""

    def __init__(self, *, intake: OfficeIntake, seed: int, actor: AbstractBaseUser, note: str) -> None:
        self.intake = intake
        self.office = intake.office
        self.actor = actor
        self.note = note
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
        self._steps_record(PassportApplication, created, PASSPORT_STEPS)

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
        self._steps_record(StayPermitApplication, created, PERMIT_STEPS)

    def _steps_record(self, model: type[Model], cases: list[Model], steps: tuple[Step, ...]) -> None:
        """Each case's steps up to its held one, at the times written on it, as the replay's own.

        One statement whatever the number of cases, after ``_backdate`` has set the intake moment.
        """
        origin = origin_current()
        moments = ", ".join(f"c.{field or 'created_at'}" for _action, _from, _to, field in steps)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {CaseStep._meta.db_table} (case_model, case_id, reference, office_id, action,
                    from_status, to_status, version, at, actor_id, actor_name, note, origin, origin_id,
                    started_by_id, attribution)
                SELECT %s, c.id, c.reference, c.office_id, s.action, s.from_status, s.to_status, s.version,
                       (ARRAY[{moments}])[s.version], %s, %s, %s, %s, %s, %s, %s
                FROM {model._meta.db_table} AS c
                CROSS JOIN unnest(%s::varchar[], %s::varchar[], %s::varchar[])
                    WITH ORDINALITY AS s (action, from_status, to_status, version)
                WHERE c.id = ANY(%s)
                ORDER BY c.id, s.version
                """,
                [
                    model._meta.label_lower,
                    self.actor.pk,
                    self.actor.get_username(),
                    self.note,
                    origin.label,
                    origin.id,
                    origin.started_by_id,
                    Attribution.RECORDED,
                    [action for action, *_rest in steps],
                    [from_status for _action, from_status, *_rest in steps],
                    [to_status for _action, _from, to_status, _field in steps],
                    [case.pk for case in cases],
                ],
            )

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

"""A year of cases for the reports' benchmark, written in SQL: passports, stay permits, extensions.

``--cases`` passport and stay permit applications spread over every office in proportion to its
capacities and over the 365 days before today (office hours, office-local time), each carried
through the steps its plan reached by now (``bench/reports.py`` says what it measures on them).
"""

import contextlib
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bench.release import (
    GENERATED_TABLES,
    HISTORY_TRIGGERS,
    PERMITS_PER_SPONSOR,
    SPONSORS_SQL,
    apportion,
    positional,
)

if TYPE_CHECKING:  # Django is set up at run time
    from offices.models import Office

SPAN_DAYS = 365
TABLES = (*GENERATED_TABLES, "permits_staypermit")
CASE_TABLES = ("applications_passportapplication", "permits_staypermitapplication")
TRIGGERS = (*HISTORY_TRIGGERS, "permits.StayPermit:insert_insert")

# The moment of a case's ``g``: its office's days one after another, between 08:00 and 16:00 local.
CREATED = """timezone(%(zone)s, %(first_day)s::date + ((g - 1) * %(days)s / %(n)s)::int
    + time '08:00' + ((g * 37) %% 480) * interval '1 minute')"""

# Status from the steps taken, latest first; shared by both kinds of case.
STATUS = """CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled' WHEN rejected_at IS NOT NULL THEN 'rejected'
    WHEN issued_at IS NOT NULL THEN 'issued' WHEN printed_at IS NOT NULL THEN 'printed'
    WHEN approved_at IS NOT NULL THEN 'approved' WHEN interviewed_at IS NOT NULL THEN 'interviewed'
    WHEN biometrics_at IS NOT NULL THEN 'biometrics_captured' WHEN paid_at IS NOT NULL THEN 'paid'
    WHEN verified_at IS NOT NULL THEN 'verified' ELSE 'submitted' END"""

STEPS = (
    "verified_at",
    "paid_at",
    "biometrics_at",
    "interviewed_at",
    "approved_at",
    "printed_at",
    "issued_at",
    "rejected_at",
    "cancelled_at",
)


def _taken(*planned: str) -> str:
    """A SELECT of the ``STEPS`` from their planned moments, each NULL unless reached by ``now``."""
    return "SELECT " + ", ".join(
        f"CASE WHEN ({moment}) <= %(now)s THEN ({moment}) END AS {step}"
        for step, moment in zip(STEPS, planned, strict=True)
    )


# Each step's planned moment (NULL when the case's outcome skips it), in the order of ``STEPS``.
PASSPORT_STEPS = (
    "created + interval '20 minutes'",
    "created + interval '2 hours'",
    "CASE WHEN outcome NOT BETWEEN 6 AND 9 THEN created + interval '1 day' END",
    "CASE WHEN outcome NOT BETWEEN 6 AND 9 THEN created + interval '1 day 30 minutes' END",
    "CASE WHEN outcome >= 10 THEN created + interval '2 days' END",
    "CASE WHEN outcome >= 10 THEN created + (1 + print_days) * interval '1 day' END",
    "CASE WHEN outcome >= 12 THEN created + (3 + print_days) * interval '1 day' END",
    "CASE WHEN outcome < 6 THEN created + interval '2 days' END",
    "CASE WHEN outcome BETWEEN 6 AND 9 THEN created + interval '6 hours' "
    "WHEN outcome BETWEEN 10 AND 11 THEN created + (31 + print_days) * interval '1 day' END",
)
PERMIT_STEPS = (
    "created + interval '30 minutes'",
    "created + interval '2 hours'",
    "CASE WHEN outcome NOT BETWEEN 5 AND 7 THEN created + interval '1 day' END",
    "CASE WHEN kind = 'ITAP' AND outcome NOT BETWEEN 5 AND 7 THEN created + interval '2 days' END",
    "CASE WHEN outcome >= 8 THEN created + CASE WHEN kind = 'ITAP' THEN 10 ELSE 5 END * interval '1 day' END",
    "NULL::timestamptz",
    "CASE WHEN outcome >= 8 THEN created + CASE WHEN kind = 'ITAP' THEN 12 ELSE 7 END * interval '1 day' END",
    "CASE WHEN outcome < 5 THEN created + interval '4 days' END",
    "CASE WHEN outcome BETWEEN 5 AND 7 THEN created + interval '6 hours' END",
)


# One office's passport applications over the year, with their applicants.
PASSPORTS_SQL = f"""
WITH people AS (
    INSERT INTO applications_applicant (nik, full_name, birth_place, birth_date, sex, address, phone, email)
    SELECT %(nik_prefix)s || to_char(born, 'DDMMYY') || lpad((g / 20000 + 1)::text, 4, '0'),
        'Pemohon ' || %(code)s || ' ' || g, %(city)s, born, 'M', 'Jl. Pahlawan No. ' || g || ', ' || %(city)s,
        '+62813' || lpad(g::text, 7, '0'), lower(%(code)s) || '.p' || g || '@bench.invalid'
    FROM generate_series(1, %(n)s) AS g, LATERAL (SELECT date '1960-01-01' + g %% 20000 AS born) AS birth
    RETURNING id
), numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS g FROM people)
INSERT INTO applications_passportapplication (
    office_id, reference, version, created_at, updated_at, created_by_id, applicant_id, status, application_type,
    previous_passport_number, passport_kind, validity_years, service, channel, priority, fee_idr, verified_at,
    paid_at, billing_code, amount_paid_idr, biometrics_captured_at, photo_ref, fingerprints_ref, interviewed_at,
    approved_at, rejected_at, rejection_reason, printed_at, sla_due_date, passport_number, passport_number_voided,
    passport_issue_date, passport_expiry_date, issued_at, cancelled_at, cancellation_reason, awaiting, ready_at
)
SELECT %(office)s, %(code)s || '-P-' || lpad(g::text, 6, '0'),
    1 + num_nonnulls(verified_at, paid_at, biometrics_at, interviewed_at, approved_at, printed_at, issued_at,
        rejected_at, cancelled_at),
    created, GREATEST(created, verified_at, paid_at, biometrics_at, interviewed_at, approved_at, printed_at,
        issued_at, rejected_at, cancelled_at),
    %(actor)s, id, status, kind, CASE WHEN kind = 'new' THEN '' ELSE 'A' || lpad(g::text, 7, '0') END,
    CASE WHEN g %% 3 = 0 THEN 'non_electronic' ELSE 'electronic' END, validity,
    CASE WHEN express THEN 'express' ELSE 'regular' END, CASE WHEN g %% 10 = 0 THEN 'walk_in' ELSE 'appointment' END,
    CASE WHEN g %% 10 = 0 THEN (ARRAY['elderly', 'child', 'pregnant', 'disability'])[g %% 4 + 1] ELSE '' END,
    fee, verified_at, paid_at, CASE WHEN paid_at IS NULL THEN '' ELSE lpad((%(office)s * 1000000 + g)::text, 15, '0') END,
    CASE WHEN paid_at IS NULL THEN NULL ELSE fee END, biometrics_at,
    CASE WHEN biometrics_at IS NULL THEN '' ELSE 'bio/p' || g || '/photo' END,
    CASE WHEN biometrics_at IS NULL THEN '' ELSE 'bio/p' || g || '/fp' END, interviewed_at, approved_at,
    rejected_at, CASE WHEN rejected_at IS NULL THEN '' ELSE 'Dokumen tidak sah' END, printed_at,
    interview_day + CASE extract(isodow FROM interview_day)::int WHEN 1 THEN 4 WHEN 6 THEN 5 WHEN 7 THEN 4 ELSE 6 END,
    CASE WHEN printed_at IS NULL THEN '' ELSE 'B' || lpad(%(office)s::text, 3, '0') || lpad(g::text, 5, '0') END,
    printed_at IS NOT NULL AND cancelled_at IS NOT NULL, printed_day, printed_day + validity * interval '1 year',
    issued_at, cancelled_at,
    CASE WHEN cancelled_at IS NULL THEN '' WHEN printed_at IS NULL THEN 'Dibatalkan pemohon'
        ELSE 'Tidak diambil dalam 30 hari' END,
    CASE status WHEN 'interviewed' THEN 'central_records' WHEN 'approved' THEN 'printing' ELSE '' END,
    CASE status WHEN 'interviewed' THEN interviewed_at WHEN 'approved' THEN approved_at END
FROM numbered,
LATERAL (SELECT ((g + %(office)s * 17) * 7919) %% 100 AS outcome,
    ((g + %(office)s * 29) * 31) %% 100 AS variety) AS dice,
LATERAL (SELECT {CREATED} AS created,
    CASE WHEN (g * 13) %% 20 = 0 THEN 8 WHEN (g * 13) %% 20 = 1 THEN 10 ELSE 2 + g %% 3 END AS print_days,
    CASE WHEN variety < 40 THEN 'new' WHEN variety < 90 THEN 'renewal'
        WHEN variety < 96 THEN 'replacement_lost' ELSE 'replacement_damaged' END AS kind,
    CASE WHEN g %% 7 = 0 THEN 5 ELSE 10 END AS validity, g %% 25 = 0 AS express) AS plan,
LATERAL (SELECT CASE WHEN g %% 3 = 0 THEN 350000 + 300000 * (validity / 10) ELSE 650000 + 300000 * (validity / 10) END
    + CASE WHEN express THEN 1000000 ELSE 0 END
    + CASE kind WHEN 'replacement_lost' THEN 1000000 WHEN 'replacement_damaged' THEN 500000 ELSE 0 END AS fee) AS tariff,
LATERAL ({_taken(*PASSPORT_STEPS)}) AS step,
LATERAL (SELECT {STATUS} AS status, timezone(%(zone)s, interviewed_at)::date AS interview_day,
    timezone(%(zone)s, printed_at)::date AS printed_day) AS state
"""

# One office's new stay permit applications over the year, with their foreigners.
PERMITS_SQL = f"""
WITH people AS (
    INSERT INTO permits_foreigner (
        full_name, nationality, passport_number, passport_expiry, previous_passport_number, birth_date, sex,
        address, phone, email
    )
    SELECT 'Foreigner ' || %(code)s || ' ' || g, (ARRAY['CHN', 'JPN', 'KOR', 'AUS', 'USA'])[g %% 5 + 1],
        'RP' || %(code)s || lpad(g::text, 7, '0'), date '2035-01-01', '', date '1970-01-01' + g %% 9000, 'F',
        'Jl. Pemuda No. ' || g || ', ' || %(city)s, '+6281' || lpad(g::text, 8, '0'),
        'wna.' || lower(%(code)s) || g || '@bench.invalid'
    FROM generate_series(1, %(n)s) AS g
    RETURNING id
), numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS g FROM people)
INSERT INTO permits_staypermitapplication (
    office_id, reference, version, created_at, updated_at, created_by_id, foreigner_id, sponsor_id, status,
    permit_type, application_kind, purpose, ground, married_since, requested_from, requested_until, filed_on,
    closed_on, national_approval, fee_idr, verified_at, paid_at, billing_code, amount_paid_idr,
    biometrics_captured_at, photo_ref, fingerprints_ref, interviewed_at, approved_at, rejected_at, rejection_reason,
    issued_at, cancelled_at, cancellation_reason, awaiting, ready_at
)
SELECT %(office)s, %(code)s || '-W-' || lpad(g::text, 6, '0'),
    1 + num_nonnulls(verified_at, paid_at, biometrics_at, interviewed_at, approved_at, issued_at, rejected_at,
        cancelled_at),
    created, GREATEST(created, verified_at, paid_at, biometrics_at, interviewed_at, approved_at, issued_at,
        rejected_at, cancelled_at),
    %(actor)s, id, (%(sponsors)s::bigint[])[(g - 1) %% cardinality(%(sponsors)s::bigint[]) + 1], status, kind, 'new',
    CASE kind WHEN 'ITK' THEN 'visit' WHEN 'ITAS' THEN 'work' ELSE 'family' END,
    CASE WHEN kind = 'ITAP' THEN 'marriage' ELSE '' END,
    CASE WHEN kind = 'ITAP' THEN filed - interval '3 years' END, filed + 7, filed + 7 + term, filed,
    timezone(%(zone)s, COALESCE(issued_at, rejected_at, cancelled_at))::date,
    approved_at IS NOT NULL AND (kind = 'ITAP' OR term > 365), fee, verified_at, paid_at,
    CASE WHEN paid_at IS NULL THEN '' ELSE lpad((%(office)s * 1000000 + g)::text, 15, '8') END,
    CASE WHEN paid_at IS NULL THEN NULL ELSE fee END, biometrics_at,
    CASE WHEN biometrics_at IS NULL THEN '' ELSE 'bio/w' || g || '/photo' END,
    CASE WHEN biometrics_at IS NULL THEN '' ELSE 'bio/w' || g || '/fp' END, interviewed_at, approved_at,
    rejected_at, CASE WHEN rejected_at IS NULL THEN '' ELSE 'Penjamin tidak memenuhi syarat' END, issued_at,
    cancelled_at, CASE WHEN cancelled_at IS NULL THEN '' ELSE 'Dibatalkan pemohon' END,
    CASE WHEN status = 'interviewed' OR (status = 'biometrics_captured' AND kind <> 'ITAP') THEN 'central_records'
        WHEN status = 'approved' THEN 'permit_issuance' ELSE '' END,
    CASE WHEN status = 'interviewed' THEN interviewed_at
        WHEN status = 'biometrics_captured' AND kind <> 'ITAP' THEN biometrics_at
        WHEN status = 'approved' THEN approved_at END
FROM numbered,
LATERAL (SELECT ((g + %(office)s * 17) * 7919) %% 100 AS outcome,
    ((g + %(office)s * 29) * 31) %% 100 AS variety) AS dice,
LATERAL (SELECT {CREATED} AS created,
    CASE WHEN variety < 20 THEN 'ITK' WHEN variety < 90 THEN 'ITAS' ELSE 'ITAP' END AS kind) AS plan,
LATERAL (SELECT timezone(%(zone)s, created)::date AS filed,
    CASE WHEN kind = 'ITK' THEN 59 WHEN kind = 'ITAP' THEN 1825 WHEN g %% 4 = 0 THEN 729 ELSE 179 END AS term,
    CASE WHEN kind = 'ITK' THEN 1000000 WHEN kind = 'ITAP' THEN 5000000 WHEN g %% 4 = 0 THEN 3750000
        ELSE 1600000 END AS fee) AS terms,
LATERAL ({_taken(*PERMIT_STEPS)}) AS step,
LATERAL (SELECT {STATUS} AS status) AS state
"""

# The permits of every issued application; ended ones were mostly cancelled when the holder left.
STAY_PERMITS_SQL = """
INSERT INTO permits_staypermit (
    number, permit_type, holder_id, sponsor_id, office_id, valid_from, valid_until, application_id, status, created_at
)
SELECT a.permit_type || '-' || a.reference, a.permit_type, a.foreigner_id, a.sponsor_id, a.office_id,
    a.requested_from, a.requested_until, a.id,
    CASE WHEN a.requested_until >= timezone(f.timezone, %(now)s)::date THEN 'active'
        WHEN a.id %% 10 < 2 THEN 'expired' ELSE 'cancelled' END,
    a.issued_at
FROM permits_staypermitapplication a JOIN offices_office f ON f.id = a.office_id
WHERE a.status = 'issued'
"""

# Half the expired permits' holders applied for an extension a week before the end, still pending.
EXTENSIONS_SQL = """
INSERT INTO permits_staypermitapplication (
    office_id, reference, version, created_at, updated_at, created_by_id, foreigner_id, sponsor_id, status,
    permit_type, application_kind, purpose, current_permit_id, ground, requested_from, requested_until, filed_on,
    national_approval, fee_idr, verified_at, paid_at, billing_code, amount_paid_idr, biometrics_captured_at,
    photo_ref, fingerprints_ref, rejection_reason, cancellation_reason, awaiting, ready_at
)
SELECT p.office_id, f.code || '-X-' || lpad(p.id::text, 7, '0'), 4, created, created + interval '1 day', %(actor)s,
    p.holder_id, p.sponsor_id, 'biometrics_captured', p.permit_type, 'extension',
    CASE p.permit_type WHEN 'ITK' THEN 'visit' ELSE 'work' END, p.id, '', p.valid_until + 1,
    p.valid_until + CASE p.permit_type WHEN 'ITK' THEN 60 ELSE 180 END, p.valid_until - 7, false,
    CASE p.permit_type WHEN 'ITK' THEN 1000000 ELSE 1600000 END, created + interval '30 minutes',
    created + interval '2 hours', lpad(p.id::text, 15, '7'), CASE p.permit_type WHEN 'ITK' THEN 1000000 ELSE 1600000 END,
    created + interval '1 day', 'bio/x' || p.id || '/photo', 'bio/x' || p.id || '/fp', '', '', 'central_records',
    created + interval '1 day'
FROM permits_staypermit p JOIN offices_office f ON f.id = p.office_id,
LATERAL (SELECT timezone(f.timezone, p.valid_until - 7 + time '09:00') AS created) AS filing
WHERE p.status = 'expired' AND p.id %% 2 = 0
"""


@dataclass
class Generated:
    passports: int = 0
    permits: int = 0
    stay_permits: int = 0
    extensions: int = 0
    seconds: float = 0.0


def _office_params(office: "Office", *, rank: int, actor_id: int, first_day: date, now: datetime) -> dict[str, Any]:
    """The parameters every per-office statement shares."""
    return {
        "office": office.pk,
        "code": office.code,
        "city": office.city,
        "zone": office.timezone,
        "actor": actor_id,
        "first_day": first_day,
        "days": SPAN_DAYS,
        "now": now,
        # Province, then the office's number within it as the regency, and district 01.
        "nik_prefix": f"{office.region.code}{rank:02d}01",
    }


def _split(office: "Office", count: int) -> tuple[int, int]:
    """(passports, permits) of an office's ``count`` cases, as its two capacities are."""
    capacity = office.passport_capacity + office.permit_capacity
    passports = round(count * office.passport_capacity / capacity)
    return passports, count - passports


def generate(*, cases: int, actor_id: int, first_day: date, now: datetime, history: bool = False) -> Generated:
    """Write the year of cases, the permits issued and the pending extensions; analyse the tables.

    ``history`` leaves the history triggers on, so each row gets the insert event the application
    writes for it (the HTTP suite reads the cases as the application does); without it the rows
    carry no history and the generation is faster (the reports read none).
    """
    import pgtrigger
    from django.db import connection, transaction

    from offices.models import Office

    started = time.perf_counter()
    offices = list(Office.objects.filter(is_active=True).select_related("region").order_by("code"))
    per_office = apportion(cases, [office.passport_capacity + office.permit_capacity for office in offices])
    ranks: dict[int, int] = {}
    made = Generated()
    # pgtrigger.ignore() without names would ignore every trigger, the history's included.
    triggers = contextlib.nullcontext() if history else pgtrigger.ignore(*TRIGGERS)
    with transaction.atomic(), triggers, connection.cursor() as cursor:
        for office, count in zip(offices, per_office, strict=True):
            ranks[office.region_id] = ranks.get(office.region_id, 0) + 1
            params = _office_params(
                office, rank=ranks[office.region_id], actor_id=actor_id, first_day=first_day, now=now
            )
            passports, permits = _split(office, count)
            if passports:
                cursor.execute(*positional(PASSPORTS_SQL, {**params, "n": passports}))
            if permits:
                sponsors_params = {**params, "n": -(-permits // PERMITS_PER_SPONSOR), "series": "9"}
                cursor.execute(*positional(SPONSORS_SQL, sponsors_params))
                sponsors = [row[0] for row in cursor.fetchall()]
                cursor.execute(*positional(PERMITS_SQL, {**params, "n": permits, "sponsors": sponsors}))
            made.passports += passports
            made.permits += permits
        cursor.execute(*positional(STAY_PERMITS_SQL, {"now": now}))
        made.stay_permits = cursor.rowcount
        cursor.execute(*positional(EXTENSIONS_SQL, {"actor": actor_id}))
        made.extensions = cursor.rowcount
    _store_by_time(*CASE_TABLES)
    analyze(*TABLES)
    made.seconds = time.perf_counter() - started
    return made


def _store_by_time(*tables: str) -> None:
    """Store the cases in the order they were taken in, as a database in service holds them.

    Written office by office, a region's month would sit in a few runs of pages; in service it
    is spread over the month's pages among every other office's cases, and reports read it so.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s", [table, "%(created_at)"]
            )
            (index,) = cursor.fetchone()
            cursor.execute(f"CLUSTER {table} USING {index}")


def analyze(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")

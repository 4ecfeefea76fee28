"""Benchmark of the supervisors' reports: a month of one region read on a year of a million cases.

Usage (on a database of its own, migrated; the offices are loaded here)::

    createdb imigrasi_bench_reports
    DATABASE_URL=postgres://user@host:5432/imigrasi_bench_reports python manage.py migrate
    DATABASE_URL=postgres://user@host:5432/imigrasi_bench_reports python -m bench.reports --cases 1000000

or ``make bench-reports`` with ``DATABASE_URL`` set (it migrates first). It refuses without
``DATABASE_URL`` and on a database that already holds cases, as ``bench.release`` does.

What it generates, in SQL (``INSERT … SELECT`` over ``generate_series``, a few statements per
office): ``--cases`` passport and stay permit applications spread over every office in proportion
to its capacities and over the 365 days before today (office hours, office-local time). Each case
has planned steps (verified, paid, biometrics, interview, approval, printing, hand-over or issue,
or a rejection or cancellation) and carries those reached by now, with the status, payment, SLA
due date, passport number, ``awaiting`` and ``ready_at`` they imply. Most cases end issued; some
are rejected, cancelled, or printed and never collected (cancelled after 30 days, the number
voided); about one passport in ten is printed after its due date. Every issued stay permit
application gets its ``StayPermit``. Of the permits already ended, most were cancelled when the
holder left, the rest expired: half of those with a timely extension still open (protected
stays), half without (overstays). The extensions come on top of ``--cases``. The case tables are
then stored in the order of ``created_at`` (``CLUSTER``), as cases taken in day after day are.

What it measures: the rollup rebuilt for the whole year (``rollup_refresh`` office by office and
month by month, as ``rebuild_rollups`` does); then, for the region with the most cases and the
last full month, as that region's supervisor, each registered report's ``rows`` read whole and its
API endpoint (its first page, through Django's test client), the median of five runs after one
warm-up, with the queries of each; and office-daily for the whole nation as a national
administrator. A report that fails is printed with its error and the others go on. For a report
whose ``rows`` take over 300 ms, the plan of its slowest statement is printed (``EXPLAIN ANALYZE``).
``--reads-only`` measures the reports again on a database a previous run filled.
"""

import argparse
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from bench.release import (
    GENERATED_TABLES,
    HISTORY_TRIGGERS,
    PERMITS_PER_SPONSOR,
    SPONSORS_SQL,
    QueryCounter,
    apportion,
    arguments_refusal,
    database_refusal,
    django_setup,
    migrations_refusal,
    positional,
)

if TYPE_CHECKING:  # Django is set up at run time, after the arguments are checked
    from django.contrib.auth.models import User
    from django.test import Client

    from offices.models import Office, Region
    from reports.definitions.base import Report

DEFAULT_CASES = 1_000_000
SPAN_DAYS = 365
RUNS = 5
SLOW_MS = 300.0
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


def generate(*, cases: int, actor_id: int, first_day: date, now: datetime) -> Generated:
    """Write the year of cases, the permits issued and the pending extensions; analyse the tables."""
    import pgtrigger
    from django.db import connection, transaction

    from offices.models import Office

    started = time.perf_counter()
    offices = list(Office.objects.filter(is_active=True).select_related("region").order_by("code"))
    per_office = apportion(cases, [office.passport_capacity + office.permit_capacity for office in offices])
    ranks: dict[int, int] = {}
    made = Generated()
    with transaction.atomic(), pgtrigger.ignore(*TRIGGERS), connection.cursor() as cursor:
        for office, count in zip(offices, per_office, strict=True):
            ranks[office.region_id] = ranks.get(office.region_id, 0) + 1
            params = _office_params(
                office, rank=ranks[office.region_id], actor_id=actor_id, first_day=first_day, now=now
            )
            passports, permits = _split(office, count)
            if passports:
                cursor.execute(*positional(PASSPORTS_SQL, {**params, "n": passports}))
            if permits:
                cursor.execute(*positional(SPONSORS_SQL, {**params, "n": -(-permits // PERMITS_PER_SPONSOR)}))
                sponsors = [row[0] for row in cursor.fetchall()]
                cursor.execute(*positional(PERMITS_SQL, {**params, "n": permits, "sponsors": sponsors}))
            made.passports += passports
            made.permits += permits
        cursor.execute(*positional(STAY_PERMITS_SQL, {"now": now}))
        made.stay_permits = cursor.rowcount
        cursor.execute(*positional(EXTENSIONS_SQL, {"actor": actor_id}))
        made.extensions = cursor.rowcount
    _store_by_time(*CASE_TABLES)
    _analyze(*TABLES)
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


def _analyze(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def rollup_build(*, first_day: date, counter: QueryCounter) -> tuple[float, int, int]:
    """The rollup of every office from its first day to its today, month by month as ``rebuild_rollups``.

    Returns (seconds, refreshes, queries).
    """
    from offices.models import Office
    from reports.management.commands.rebuild_rollups import months
    from reports.services import rollup_refresh

    started, before, refreshes = time.perf_counter(), counter.count, 0
    for office in Office.objects.filter(is_active=True).order_by("code"):
        for start, end in months(first_day, office.local_today()):
            rollup_refresh(office=office, start=start, end=end)
            refreshes += 1
    _analyze("reports_dailyrollup")
    return time.perf_counter() - started, refreshes, counter.count - before


@dataclass
class Timing:
    """The median of ``RUNS`` reads after a warm-up, the rows and queries of the last; or the error."""

    rows: int = 0
    queries: int = 0
    ms: float = 0.0
    error: str = ""

    def cells(self) -> str:
        return f"{self.rows:>7,} {self.queries:>7} {self.ms:>9.1f}" if not self.error else f"{'failed':>25}"


@dataclass
class SlowestStatement:
    """An execute wrapper keeping the slowest statement it saw: (sql, params, ms)."""

    sql: str = ""
    params: Any = None
    ms: float = 0.0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            if ms > self.ms:
                self.sql, self.params, self.ms = sql, params, ms


@dataclass
class Result:
    name: str
    rows: Timing
    api: Timing
    plan: list[str] = field(default_factory=list)


def measure(call: Callable[[], int], counter: QueryCounter) -> Timing:
    """Time ``call`` (which returns its rows): one warm-up, then the median of ``RUNS``; errors caught."""
    try:
        call()
        seconds = []
        for _run in range(RUNS):
            before, started = counter.count, time.perf_counter()
            rows = call()
            seconds.append(time.perf_counter() - started)
        return Timing(rows=rows, queries=counter.count - before, ms=median(seconds) * 1000)
    except Exception as error:  # a report under construction may fail: report it and go on
        traceback.print_exc()
        return Timing(error=f"{type(error).__name__}: {error}")


def api_call(client: "Client", url: str) -> Callable[[], int]:
    """GET ``url`` as the client's user (HTTPS, as production redirects to it); the rows of the page."""

    def call() -> int:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code} {response.content[:300]!r}")
        return len(response.json()["results"])

    return call


def slowest_plan(call: Callable[[], int]) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest statement ``call`` sends."""
    from django.db import connection

    slowest = SlowestStatement()
    with connection.execute_wrapper(slowest):
        call()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest.sql}", slowest.params)
        return [f"{slowest.ms:.0f} ms:", *(row[0] for row in cursor.fetchall())]


def report_result(*, name: str, report: "Report", user: "User", query: dict[str, Any], counter: QueryCounter) -> Result:
    """One report read as ``user``: its ``rows`` whole and its API page, for the filters in ``query``."""
    from urllib.parse import urlencode

    from django.test import Client

    from reports.filters import report_filters

    filters = report_filters(user=user, report=report, data=query)
    rows = measure(lambda: len(list(report.rows(filters))), counter)
    client = Client()
    client.force_login(user)
    params = {key: getattr(value, "code", value) for key, value in query.items()}
    api = measure(api_call(client, f"/api/v1/reports/{report.slug}/?{urlencode(params)}"), counter)
    plan = []
    if not rows.error and rows.ms > SLOW_MS:
        plan = slowest_plan(lambda: len(list(report.rows(filters))))
    return Result(name=name, rows=rows, api=api, plan=plan)


def busiest_region() -> "Region":
    """The region whose offices hold the most cases."""
    from collections import Counter

    from django.db.models import Count

    from applications.models import PassportApplication
    from offices.models import Region
    from permits.models import StayPermitApplication

    cases: Counter[int] = Counter()
    for model in (PassportApplication, StayPermitApplication):
        for row in model.objects.values("office__region").annotate(n=Count("pk")).order_by():
            cases[row["office__region"]] += row["n"]
    return Region.objects.get(pk=cases.most_common(1)[0][0])


def report_range(report: "Report", *, month: tuple[date, date], today: date) -> tuple[date, date]:
    """The month, or the report's own range when that looks ahead (what is still to come, not a past month)."""
    start, end = report.default_range(today)
    return (start, end) if end > today else month


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def reader(username: str, role: str, region: "Region | None" = None) -> "User":
    """A user holding ``role`` (at ``region`` for a supervisor, nationally otherwise)."""
    from django.contrib.auth import get_user_model

    from offices.models import Membership

    user, _created = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, role=role, office=None, region=region)
    return get_user_model().objects.get(pk=user.pk)


def fill(*, cases: int, admin: "User", now: datetime, out: Callable[[str], None]) -> None:
    """Generate the year of cases and rebuild its rollup, timing both."""
    from django.db import connection

    from reports.models import DailyRollup

    first_day = now.date() - timedelta(days=SPAN_DAYS)  # the last day of cases is yesterday: none in the future
    out(f"Reports benchmark: {cases:,} cases over every office, {first_day} to {now.date() - timedelta(days=1)}.")
    made = generate(cases=cases, actor_id=admin.pk, first_day=first_day, now=now)
    out(
        f"  generated {made.passports:,} passports, {made.permits:,} permit applications, {made.stay_permits:,} "
        f"permits issued and {made.extensions:,} pending extensions in {made.seconds:.1f} s (SQL, analysed)"
    )
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        seconds, refreshes, queries = rollup_build(first_day=first_day, counter=counter)
    out(
        f"  rollup rebuilt: {DailyRollup.objects.count():,} rows in {seconds:.1f} s, {refreshes:,} refreshes "
        f"(office by month), {queries:,} queries"
    )


def read(*, admin: "User", now: datetime, out: Callable[[str], None]) -> None:
    """Every registered report for the busiest region's last full month, and office-daily nationally."""
    from django.db import connection
    from django.utils import timezone

    from offices.roles import Role
    from reports.registry import REPORTS

    region = busiest_region()
    start, end = last_full_month(now.date())
    supervisor = reader(f"bench-supervisor-{region.code}", Role.REGIONAL_SUPERVISOR, region)
    out(f"  reading {start} to {end}, region {region.code} {region.name}, as its regional supervisor")
    counter = QueryCounter()
    results = []
    with connection.execute_wrapper(counter):
        for slug, report in REPORTS.items():
            first, last = report_range(report, month=(start, end), today=timezone.localdate())
            if (first, last) != (start, end):
                out(f"  {slug} looks ahead: it reads its own range, {first} to {last}")
            query = {"region": region, "start": first, "end": last}
            results.append(report_result(name=slug, report=report, user=supervisor, query=query, counter=counter))
        national = {"start": start, "end": end}
        office_daily = REPORTS["office-daily"]
        results.append(
            report_result(
                name="office-daily (nation)", report=office_daily, user=admin, query=national, counter=counter
            )
        )
    print_results(results, out)


def run(*, cases: int, reads_only: bool, out: Callable[[str], None]) -> None:
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from offices.roles import Role
    from offices.services import offices_load

    setup_test_environment()  # the test client's host is allowed, mail stays in memory
    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    offices_load()
    admin = reader("bench", Role.NATIONAL_ADMIN)
    now = timezone.now()
    if not reads_only:
        fill(cases=cases, admin=admin, now=now, out=out)
    read(admin=admin, now=now, out=out)


def print_results(results: list[Result], out: Callable[[str], None]) -> None:
    out("")
    out(f"  {'report':<24} {'rows':>7} {'queries':>7} {'rows() ms':>9}   {'page':>7} {'queries':>7} {'API ms':>9}")
    for result in results:
        out(f"  {result.name:<24} {result.rows.cells()}   {result.api.cells()}")
    for result in results:
        for timing, what in ((result.rows, "rows()"), (result.api, "API")):
            if timing.error:
                out(f"  {result.name} {what} failed: {timing.error}")
    for result in results:
        if result.plan:
            out("")
            out(f"  {result.name}: its slowest statement, {' '.join(result.plan[:1])}")
            for line in result.plan[1:]:
                out(f"    {line}")


def _reads_refusal() -> str | None:
    """Why ``--reads-only`` cannot run here: it needs the cases and rollup of a previous run."""
    from reports.models import DailyRollup

    if refusal := migrations_refusal():
        return refusal
    if not DailyRollup.objects.exists():
        return "--reads-only reads a database a previous run filled; this one has no rollup."
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"cases (default {DEFAULT_CASES:,})")
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="only read the reports, on a database a previous run filled (to measure reports changed since)",
    )
    args = parser.parse_args(argv)
    refusal = arguments_refusal(prog="bench.reports", writes="a million rows", cases=args.cases)
    if refusal is None:
        django_setup()
        refusal = _reads_refusal() if args.reads_only else database_refusal()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    run(cases=args.cases, reads_only=args.reads_only, out=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

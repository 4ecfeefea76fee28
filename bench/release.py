"""Benchmark of the release at national scale: a backlog of 700,000 held cases over every office.

Usage (on a database of its own, migrated; the offices are loaded here)::

    createdb imigrasi_bench
    DATABASE_URL=postgres://user@host:5432/imigrasi_bench python manage.py migrate
    DATABASE_URL=postgres://user@host:5432/imigrasi_bench python -m bench.release --cases 700000

or ``make bench`` with ``DATABASE_URL`` set (it migrates first). Without ``DATABASE_URL`` it
refuses, so that it never writes into the embedded development database; on a database that
already holds cases it refuses too (its numbers would not be the backlog's alone): drop and create
the database again to run it again.

What it does: loads the office list; writes ``--cases`` held cases in SQL (``INSERT … SELECT``
over ``generate_series``, a few statements per office), spread over the offices in proportion to
their daily capacities and, within an office, between passports (interviewed) and stay permits
(biometrics captured) as its two capacities are, with their applicants, foreigners and sponsors;
analyses the tables as a database in service would have; declares a national outage and resolves
it. Then it runs the release's own steps and times them: enlisting (``release_office_enlist`` for
each office, as ``release_enlist`` does, then ``release_enlist`` itself to close the step) and
scheduling (``release_office_schedule_chunk`` until each office is done, messages stored
included). It prints the seconds of each phase, cases per second, and the queries per office and
per chunk, counted with ``connection.execute_wrapper``: constant per office and per chunk, only
the number of chunks grows with an office's backlog.

The messages the chunks store are handed to an in-memory broker that nobody consumes (the
process sets ``CELERY_BROKER_URL=memory://localhost/``): sending mail is not what is measured, and no real
worker receives 700,000 messages to send. The generated rows carry no history of their own.
"""

import argparse
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

DEFAULT_CASES = 700_000
# How long the generated backlog took to build up before the outage was resolved.
BACKLOG_SPAN = timedelta(days=10)
HISTORY_TRIGGERS = (
    "applications.Applicant:insert_insert",
    "applications.PassportApplication:insert_insert",
    "permits.Foreigner:insert_insert",
    "permits.Sponsor:insert_insert",
    "permits.StayPermitApplication:insert_insert",
)
GENERATED_TABLES = (
    "applications_applicant",
    "applications_passportapplication",
    "permits_foreigner",
    "permits_sponsor",
    "permits_staypermitapplication",
)
PERMITS_PER_SPONSOR = 10


@dataclass
class QueryCounter:
    """Counts the statements Django sends; installed with ``connection.execute_wrapper``."""

    count: int = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Measure:
    """Seconds and statements of one phase, and the peak statements of its units."""

    seconds: float = 0.0
    queries: int = 0
    units: int = 0
    peak: int = 0
    per_office: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def unit(self, counter: QueryCounter, office: str | None = None) -> Iterator[None]:
        before, started = counter.count, time.perf_counter()
        yield
        self.seconds += time.perf_counter() - started
        spent = counter.count - before
        self.queries += spent
        self.units += 1
        self.peak = max(self.peak, spent)
        if office is not None:
            self.per_office[office] = self.per_office.get(office, 0) + spent


def django_setup() -> None:
    """Django for this process: production-like (DEBUG off), an in-memory broker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")
    os.environ.setdefault("DEBUG", "0")
    if os.environ["DEBUG"] in ("0", "false", "False", "off", ""):
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    import django

    django.setup()


def apportion(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing to ``total``."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda index: (counts[index] - shares[index], index))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def positional(sql: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
    """``sql`` with its ``%(name)s`` placeholders made positional, and their values in order.

    ``pgtrigger.ignore`` puts a positional statement before each query, and psycopg does not mix
    the two kinds.
    """
    names: list[str] = []

    def placeholder(match: re.Match) -> str:
        names.append(match[1])
        return "%s"

    return re.sub(r"%\((\w+)\)s", placeholder, sql), [values[name] for name in names]


def generate(*, cases: int, actor_id: int, until: datetime, series: int = 9) -> tuple[int, int]:
    """Write ``cases`` held cases over every active office; (passports, permits) written.

    ``series`` (a digit) sets the NIK's district and the sponsors' NIB lead apart from another
    generator's rows in the same database (the HTTP suite holds a backlog beside a year of cases).
    """
    import pgtrigger
    from django.db import connection, transaction

    from offices.models import Office

    offices = list(Office.objects.filter(is_active=True).select_related("region").order_by("code"))
    per_office = apportion(cases, [office.passport_capacity + office.permit_capacity for office in offices])
    rank_in_region: dict[int, int] = {}
    passports = permits = 0
    with transaction.atomic(), pgtrigger.ignore(*HISTORY_TRIGGERS), connection.cursor() as cursor:
        for office, count in zip(offices, per_office, strict=True):
            rank_in_region[office.region_id] = rank_in_region.get(office.region_id, 0) + 1
            office_passports = round(
                count * office.passport_capacity / (office.passport_capacity + office.permit_capacity)
            )
            office_permits = count - office_passports
            params = {
                "office": office.pk,
                "code": office.code,
                "city": office.city,
                "actor": actor_id,
                "start": until - BACKLOG_SPAN,
                "day": f"{(until - BACKLOG_SPAN):%y%m%d}",
                # Province, then the office's number within it as the regency, and district 01.
                "nik_prefix": f"{office.region.code}{rank_in_region[office.region_id]:02d}{series % 9 + 1:02d}",
                "series": str(series),
            }
            if office_passports:
                cursor.execute(
                    *positional(
                        PASSPORTS_SQL, {**params, "n": office_passports, "step": BACKLOG_SPAN / office_passports}
                    )
                )
            if office_permits:
                sponsors = -(-office_permits // PERMITS_PER_SPONSOR)
                cursor.execute(*positional(SPONSORS_SQL, {**params, "n": sponsors}))
                sponsor_ids = [row[0] for row in cursor.fetchall()]
                cursor.execute(
                    *positional(
                        PERMITS_SQL,
                        {**params, "n": office_permits, "step": BACKLOG_SPAN / office_permits, "sponsors": sponsor_ids},
                    )
                )
            passports += office_passports
            permits += office_permits
    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return passports, permits


# One office's passports, interviewed and waiting for central records since a moment of the span.
PASSPORTS_SQL = """
WITH people AS (
    INSERT INTO applications_applicant (nik, full_name, birth_place, birth_date, sex, address, phone, email)
    SELECT
        %(nik_prefix)s
            || lpad((extract(day FROM born)::int + CASE WHEN g %% 2 = 1 THEN 40 ELSE 0 END)::text, 2, '0')
            || to_char(born, 'MMYY') || lpad((g / 20000 + 1)::text, 4, '0'),
        'Pemohon ' || %(code)s || ' ' || g, %(city)s, born, CASE WHEN g %% 2 = 1 THEN 'F' ELSE 'M' END,
        'Jl. Pemuda No. ' || g || ', ' || %(city)s, '+62812' || lpad(g::text, 7, '0'),
        lower(%(code)s) || '.' || g || '@bench.invalid'
    FROM generate_series(1, %(n)s) AS g, LATERAL (SELECT date '1960-01-01' + g %% 20000 AS born) AS birth
    RETURNING id
), numbered AS (
    SELECT id, row_number() OVER (ORDER BY id) AS g FROM people
)
INSERT INTO applications_passportapplication (
    office_id, reference, version, created_at, updated_at, created_by_id, applicant_id, status, application_type,
    previous_passport_number, passport_kind, validity_years, service, channel, priority, fee_idr, verified_at,
    paid_at, billing_code, amount_paid_idr, biometrics_captured_at, photo_ref, fingerprints_ref, interviewed_at,
    sla_due_date, rejection_reason, passport_number, passport_number_voided, cancellation_reason, awaiting, ready_at
)
SELECT
    %(office)s, %(code)s || '-' || %(day)s || '-' || lpad(g::text, 4, '0'), 5, ready - interval '1 hour', ready,
    %(actor)s, id, 'interviewed', 'new', '', 'electronic', 10, 'regular', 'appointment', '', 950000,
    ready - interval '45 minutes', ready - interval '30 minutes', lpad(g::text, 15, '9'), 950000,
    ready - interval '15 minutes', 'bio/' || g || '/photo', 'bio/' || g || '/fp', ready, ready::date + 6, '', '',
    false, '', 'central_records', ready
FROM numbered, LATERAL (SELECT %(start)s::timestamptz + g * %(step)s::interval AS ready) AS moment
"""

SPONSORS_SQL = """
INSERT INTO permits_sponsor (kind, nib, nik, name, address, phone, email)
SELECT
    'company', %(series)s || lpad(%(office)s::text, 3, '0') || lpad(s::text, 9, '0'), '', 'PT Penjamin ' || %(code)s || ' ' || s,
    'Jl. Pandanaran No. ' || s || ', ' || %(city)s, '+62247' || lpad(s::text, 6, '0'),
    'hrd.' || lower(%(code)s) || s || '@bench.invalid'
FROM generate_series(1, %(n)s) AS s
RETURNING id
"""

# One office's new ITAS applications, biometrics captured and waiting for central records.
PERMITS_SQL = """
WITH people AS (
    INSERT INTO permits_foreigner (
        full_name, nationality, passport_number, passport_expiry, previous_passport_number, birth_date, sex,
        address, phone, email
    )
    SELECT
        'Foreigner ' || %(code)s || ' ' || g, (ARRAY['CHN', 'JPN', 'KOR', 'AUS', 'USA'])[g %% 5 + 1],
        'BN' || %(code)s || lpad(g::text, 7, '0'), date '2035-01-01', '', date '1970-01-01' + g %% 9000,
        CASE WHEN g %% 2 = 1 THEN 'F' ELSE 'M' END, 'Jl. Pemuda No. ' || g || ', ' || %(city)s,
        '+6281' || lpad(g::text, 8, '0'), 'wna.' || lower(%(code)s) || g || '@bench.invalid'
    FROM generate_series(1, %(n)s) AS g
    RETURNING id
), numbered AS (
    SELECT id, row_number() OVER (ORDER BY id) AS g FROM people
)
INSERT INTO permits_staypermitapplication (
    office_id, reference, version, created_at, updated_at, created_by_id, foreigner_id, sponsor_id, status,
    permit_type, application_kind, purpose, ground, requested_from, requested_until, filed_on, national_approval,
    fee_idr, verified_at, paid_at, billing_code, amount_paid_idr, biometrics_captured_at, photo_ref,
    fingerprints_ref, rejection_reason, cancellation_reason, awaiting, ready_at
)
SELECT
    %(office)s, %(code)s || '-WNA-' || %(day)s || '-' || lpad(g::text, 4, '0'), 4, ready - interval '1 hour', ready,
    %(actor)s, id, (%(sponsors)s::bigint[])[(g - 1) %% cardinality(%(sponsors)s::bigint[]) + 1], 'biometrics_captured',
    'ITAS', 'new', 'work', '', ready::date, ready::date + 179, ready::date, false, 1600000,
    ready - interval '30 minutes', ready - interval '15 minutes', lpad(g::text, 15, '8'), 1600000, ready,
    'bio/' || g || '/photo', 'bio/' || g || '/fp', '', '', 'central_records', ready
FROM numbered, LATERAL (SELECT %(start)s::timestamptz + g * %(step)s::interval AS ready) AS moment
"""


def arguments_refusal(*, prog: str, writes: str, cases: int) -> str | None:
    """Why a benchmark must not start with these arguments, or None: it only writes into a database of its own."""
    if not os.environ.get("DATABASE_URL"):
        return (
            f"{prog} writes {writes}: set DATABASE_URL to a database of its own "
            "(it never runs against the embedded development database)."
        )
    if cases < 1:
        return "--cases must be at least 1."
    return None


def migrations_refusal() -> str | None:
    """Why a benchmark cannot read or write this database yet, or None."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "The database is not migrated: run `python manage.py migrate` against it first."
    return None


def database_refusal() -> str | None:
    """Why a benchmark must not write into this database, or None."""
    from applications.models import PassportApplication
    from offices.models import Outage
    from permits.models import StayPermitApplication

    if refusal := migrations_refusal():
        return refusal
    if PassportApplication.objects.exists() or StayPermitApplication.objects.exists():
        return (
            "The database already holds cases; the benchmark writes its own backlog and needs a database without "
            "any. Drop and create it again (createdb), migrate, and run again."
        )
    if Outage.objects.active().exists():
        return "An outage is active on this database; the benchmark declares its own."
    return None


@dataclass
class Released:
    """What the HTTP suite reports of a release: the resolution's answer and the release's seconds."""

    cases: int
    resolve_seconds: float
    seconds: float


def run(*, cases: int, chunk_size: int, out: Callable[[str], None], series: int = 9) -> Released:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from casework.models import Notification
    from offices.models import Capability, Membership, Office, Outage, OutageScope
    from offices.outages import outage_declare, outage_resolve
    from offices.roles import Role
    from offices.services import offices_load
    from recovery.models import Release, ReleaseEntry, ReleaseOffice
    from recovery.services import release_enlist, release_finish, release_office_enlist, release_office_schedule_chunk

    offices_load()
    actor, _created = get_user_model().objects.get_or_create(username="bench")
    Membership.objects.get_or_create(user=actor, role=Role.NATIONAL_ADMIN, office=None, region=None)
    actor = get_user_model().objects.get(pk=actor.pk)

    out(f"Release benchmark: {cases:,} held cases over every office, chunks of {chunk_size:,}.")
    started = time.perf_counter()
    passports, permits = generate(cases=cases, actor_id=actor.pk, until=timezone.now(), series=series)
    offices = Office.objects.filter(is_active=True).count()
    out(
        f"  generated {passports:,} passports and {permits:,} permits at {offices} offices "
        f"in {time.perf_counter() - started:.1f} s (SQL, not part of the total)"
    )

    counter = QueryCounter()
    resolve, enlist, schedule = Measure(), Measure(), Measure()
    with connection.execute_wrapper(counter):
        outage = outage_declare(
            actor=actor, scope=OutageScope.NATIONAL, capabilities=list(Capability.values), reason="Benchmark"
        )
        with resolve.unit(counter):
            outage_resolve(actor=actor, outage=outage)
        release = Release.objects.select_related("outage").get(outage=outage)
        # release_enlist's loop, office by office, so that each office's statements are counted.
        active = list(Outage.objects.active().select_related("region", "office"))
        for office in Office.objects.filter(is_active=True).select_related("region").order_by("code"):
            with enlist.unit(counter, office.code):
                release_office_enlist(release=release, office=office, active_outages=active)
        with enlist.unit(counter):
            parts = release_enlist(release=release)
        for part in parts:
            more = True
            while more:
                with schedule.unit(counter, part.office.code):
                    more = release_office_schedule_chunk(part_id=part.pk, chunk_size=chunk_size)
        release_finish(release_id=release.pk)

    entries = ReleaseEntry.objects.filter(release_office__release=release)
    dated = entries.filter(expected_on__isnull=False).count()
    total = sum(ReleaseOffice.objects.filter(release=release).values_list("total", flat=True))
    messages = Notification.objects.filter(
        Q(dedupe_key__endswith=f":release{release.pk}") | Q(dedupe_key__contains=f":release{release.pk}:")
    ).count()
    release.refresh_from_db()
    seconds = resolve.seconds + enlist.seconds + schedule.seconds
    biggest = max(ReleaseOffice.objects.filter(release=release).values_list("total", flat=True))
    chunks_of_biggest = -(-biggest // chunk_size) + 1
    out(
        f"  released {total:,} cases, {dated:,} dated, {messages:,} messages stored; finished: {bool(release.finished_at)}"
    )
    out("")
    out(f"  {'phase':<34} {'seconds':>9} {'queries':>9}")
    out(f"  {'resolve':<34} {resolve.seconds:>9.2f} {resolve.queries:>9,}")
    out(f"  {f'enlist ({offices} offices)':<34} {enlist.seconds:>9.2f} {enlist.queries:>9,}")
    out(f"  {f'scheduling ({schedule.units:,} chunks)':<34} {schedule.seconds:>9.2f} {schedule.queries:>9,}")
    out(f"  {'total':<34} {seconds:>9.2f} {resolve.queries + enlist.queries + schedule.queries:>9,}")
    out(f"  cases per second: {total / seconds:,.0f}")
    out("")
    out(f"  queries to enlist an office, peak: {max(enlist.per_office.values())}")
    out(f"  queries per chunk, peak: {schedule.peak} (chunks of {chunk_size:,} cases)")
    out(
        f"  queries to schedule an office, peak: {max(schedule.per_office.values())} "
        f"(largest office: {biggest:,} cases, {chunks_of_biggest} chunks including the last, empty one)"
    )
    return Released(cases=total, resolve_seconds=resolve.seconds, seconds=seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.release", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"held cases (default {DEFAULT_CASES:,})")
    parser.add_argument("--chunk-size", type=int, default=None, help="entries dated per chunk (default: the job's)")
    args = parser.parse_args(argv)
    refusal = arguments_refusal(prog="bench.release", writes="hundreds of thousands of rows", cases=args.cases)
    if refusal is None:
        django_setup()
        refusal = database_refusal()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    from recovery.services import CHUNK_SIZE

    run(cases=args.cases, chunk_size=args.chunk_size or CHUNK_SIZE, out=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

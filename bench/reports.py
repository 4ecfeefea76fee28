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
    QueryCounter,
    arguments_refusal,
    database_refusal,
    django_setup,
    migrations_refusal,
)
from bench.year_of_cases import SPAN_DAYS, analyze, generate

if TYPE_CHECKING:  # Django is set up at run time, after the arguments are checked
    from django.contrib.auth.models import User
    from django.test import Client

    from offices.models import Region
    from reports.definitions.base import Report

DEFAULT_CASES = 1_000_000
RUNS = 5
SLOW_MS = 300.0


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
    analyze("reports_dailyrollup")
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

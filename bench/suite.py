"""The HTTP benchmark suite: the application served as deployed, measured beside bare baselines.

Usage (on a database of its own, migrated; ``make bench`` does both)::

    DATABASE_URL=postgres://user@host:5432/imigrasi_bench_http python -m bench.suite --cases 50000

What it does, in order: writes a year of cases over every office (``bench.year_of_cases``, with
their history and the rollup rebuilt, timed); creates the users it reads as; serves the
application with gunicorn on loopback (``bench.servers``: 4 workers, DEBUG off, a Redis cache, a
Redis broker and a Celery worker); measures each figure (``bench.figures``) at 1 and at 16
concurrent clients, in rounds that alternate the endpoint and its bare baseline so that the
machine's noise falls on both alike; measures intake and an action again with no broker (tasks
run eagerly in the request); reads the web workers' memory, and while a CSV export streams;
then releases a held backlog scaled to the run (``bench.release``: 700,000 cases at a million).
It writes ``BENCHMARKS.md`` (``bench.writeup``) with every figure and each target met or not.
"""

import argparse
import os
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from bench import load
from bench.figures import Spec, admin, reads, reports, writes
from bench.load import Sample
from bench.servers import Environment, Served, serve, static_collect, temporary_dir
from bench.targets import Figure
from bench.writeup import Extra, Run, write

DEFAULT_CASES = 20_000
FULL_CASES = 1_000_000
RELEASE_AT_FULL = 700_000
CLIENTS = (1, 16)

Out = Callable[[str], None]


def measure(spec: Spec, *, port: int, clients: int, rounds: int, seconds: float) -> Figure:
    """``rounds`` of the endpoint then its baseline (then the other way round), after a warm-up of each."""
    sample, baseline = Sample(), Sample()
    if spec.budget() is None:
        for source in (spec.source, spec.baseline):
            if source is not None:
                load.run(source, port=port, clients=clients, seconds=10, ok=spec.ok, sink=spec.sink, limit=clients)
    for round_ in range(rounds):
        pairs: list[tuple[load.Source | None, Sample, bool]] = [
            (spec.source, sample, True),
            (spec.baseline, baseline, False),
        ]
        for source, into, measured in pairs if round_ % 2 == 0 else reversed(pairs):
            if source is None:
                continue
            limit = None
            if measured and (budget := spec.budget()) is not None:
                limit = budget // (rounds - round_)
                if limit == 0:
                    continue
            into.add(
                load.run(
                    source,
                    port=port,
                    clients=clients,
                    seconds=seconds,
                    ok=spec.ok,
                    sink=spec.sink if measured else None,
                    limit=limit,
                )
            )
    return Figure(
        name=spec.name,
        kind=spec.kind,
        clients=clients,
        sample=sample,
        baseline=baseline if spec.baseline is not None else None,
    )


def measure_all(specs: list[Spec], *, port: int, rounds: int, seconds: float, out: Out) -> list[Figure]:
    figures = []
    for spec in specs:
        for clients in CLIENTS:
            figure = measure(spec, port=port, clients=clients, rounds=rounds, seconds=seconds)
            figures.append(figure)
            ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else "-"
            error = f"  first error: {figure.sample.first_error[:160]}" if figure.sample.errors else ""
            if figure.baseline is not None and figure.baseline.errors:
                error += f"  baseline errors: {figure.baseline.errors}, first: {figure.baseline.first_error[:160]}"
            out(
                f"  {spec.name[:58]:<58} {clients:>2}  p50 {figure.sample.percentile(50):7.1f}  "
                f"p95 {figure.sample.percentile(95):7.1f} ms  {figure.sample.throughput:7.1f}/s  "
                f"err {figure.sample.errors:>3}  vs bare {ratio}{error}"
            )
    return figures


def csv_streaming(served: Served, headers: dict[str, str], *, start: str, end: str) -> tuple[float, float, int]:
    """The RSS of the worker that grew most while the nation's office-daily CSV of the year streamed.

    Returns (its RSS before, its peak, the CSV's lines). Each worker is compared with itself, since
    which of them serves the download is not known in advance.
    """
    before = served.worker_rss_mb()
    peak = dict(before)
    result: dict[str, int] = {}

    def download() -> None:
        path = f"/api/v1/reports/office-daily/csv/?start={start}&end={end}"
        data = load.request("GET", path, headers={**headers, "Accept": "text/csv"})
        status, body = load.once(data, port=served.port)
        result["status"], result["lines"] = status, body.count(b"\n")

    thread = threading.Thread(target=download)
    thread.start()
    while thread.is_alive():
        for pid, size in served.worker_rss_mb().items():
            peak[pid] = max(peak.get(pid, 0.0), size)
        time.sleep(0.02)
    thread.join()
    if result.get("status") != 200:
        raise RuntimeError(f"CSV export: HTTP {result.get('status')}")
    grown = max(before, key=lambda pid: peak[pid] - before[pid])
    return before[grown], peak[grown], result["lines"]


def environment(args: argparse.Namespace) -> Environment:
    """The variables this process and the served ones share; set here before Django starts."""
    env = Environment(
        database_url=os.environ["DATABASE_URL"],
        redis_url=args.redis,
        secret_key=secrets.token_urlsafe(50),
        static_root=temporary_dir(),
    )
    for name, value in env.variables(broker=False).items():
        os.environ[name] = value
    return env


def run(args: argparse.Namespace, env: Environment, out: Out) -> Run:
    import redis
    from django.utils import timezone

    from bench.figures import Intake
    from bench.fixtures import fill, login, pick
    from bench.release import Released
    from bench.release import run as release_run
    from offices.services import offices_load
    from recovery.services import CHUNK_SIZE

    started = time.perf_counter()
    now = timezone.now()
    offices_load()
    filled = None
    if not args.reuse:
        out(f"HTTP suite: {args.cases:,} cases over a year, with their history; then the rollup rebuilt.")
        filled = fill(cases=args.cases, now=now)
        out(f"  generated in {filled.generate_seconds:.1f} s, rollup rebuilt in {filled.rollup_seconds:.1f} s")
    picks = pick(now=now)
    redis.Redis.from_url(env.redis_url).flushdb()  # this run's own Redis database: throttles, queues
    static_collect(env)
    logs = temporary_dir()
    out(f"  serving logs in {logs}")
    figures: list[Figure] = []
    extra = Extra()
    loads = [os.getloadavg()[0]]
    intake = Intake()
    kwargs = {"rounds": args.rounds, "seconds": args.seconds, "out": out}
    with serve(env, port=args.port, broker=True, log_dir=logs) as served:
        for who in (picks.national, picks.desk, picks.low_desk, picks.supervisor):
            login(who, port=served.port)
        out("  with a broker (Redis) and a Celery worker:")
        figures += measure_all(reads(picks), port=served.port, **kwargs)
        figures += measure_all(writes(picks, intake, "broker"), port=served.port, **kwargs)
        figures += measure_all(admin(picks), port=served.port, **kwargs)
        figures += measure_all(reports(picks, timezone.localdate()), port=served.port, **kwargs)
        extra.worker_rss_mb = max(served.worker_rss_mb().values())
        first_day = now.date() - timedelta(days=365)
        extra.csv_before_mb, extra.csv_peak_mb, extra.csv_lines = csv_streaming(
            served, picks.national.api(), start=first_day.isoformat(), end=now.date().isoformat()
        )
        extra.worker_rss_mb = max(extra.worker_rss_mb, extra.csv_peak_mb, *served.worker_rss_mb().values())
    with serve(env, port=args.port, broker=False, log_dir=logs) as served:
        out("  without a broker (tasks run in the request):")
        figures += measure_all(writes(picks, intake, "eager"), port=served.port, **kwargs)
    loads.append(os.getloadavg()[0])
    released: Released | None = None
    if not args.no_release:
        cases = max(1, round(RELEASE_AT_FULL * args.cases / FULL_CASES))
        released = release_run(cases=cases, chunk_size=CHUNK_SIZE, out=out, series=6)
    return Run(
        cases=args.cases,
        filled=filled,
        figures=figures,
        extra=extra,
        released=released,
        seconds=time.perf_counter() - started,
        rounds=args.rounds,
        round_seconds=args.seconds,
        notes=[
            f"- The machine's load average (1 minute) was {loads[0]:.1f} when the HTTP figures began and "
            f"{loads[1]:.1f} when they ended, on {os.cpu_count()} cores."
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("SCALE") or DEFAULT_CASES))
    parser.add_argument("--rounds", type=int, default=2, help="rounds of endpoint then baseline per figure")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds of each run within a round")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10", help="broker and cache (a database of its own)")
    parser.add_argument("--output", default="BENCHMARKS.md")
    parser.add_argument("--reuse", action="store_true", help="measure a database a previous run filled")
    parser.add_argument("--no-release", action="store_true", help="leave out the release of a held backlog")
    args = parser.parse_args(argv)
    from bench.release import arguments_refusal, database_refusal, django_setup, migrations_refusal

    refusal = arguments_refusal(prog="bench.suite", writes="a year of cases", cases=args.cases)
    if refusal is None:
        env = environment(args)
        django_setup()
        refusal = migrations_refusal() if args.reuse else database_refusal()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    try:
        result = run(args, env, out=lambda line: print(line, flush=True))
    finally:
        shutil.rmtree(env.static_root, ignore_errors=True)
    write(result, args.output)
    print(f"Written: {args.output} ({result.seconds:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

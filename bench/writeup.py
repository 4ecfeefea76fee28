"""``BENCHMARKS.md``: the machine, the scale, every figure beside its baseline, each target met or not."""

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.fixtures import Filled
from bench.release import Released
from bench.targets import WRITE, Figure, Verdict, figure_verdicts, value_verdict

FULL = 1_000_000


@dataclass
class Extra:
    """What is measured once rather than per figure: memory."""

    worker_rss_mb: float = 0.0
    csv_before_mb: float = 0.0
    csv_peak_mb: float = 0.0
    csv_lines: int = 0


@dataclass
class Run:
    cases: int
    filled: Filled | None
    figures: list[Figure]
    extra: Extra
    released: Released | None
    seconds: float
    rounds: int
    round_seconds: float
    notes: list[str] = field(default_factory=list)


def machine() -> list[str]:
    """Cores, memory, PostgreSQL's version and the settings that decide its plans."""
    from django.db import connection

    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    gib = int(memory.split()[1]) / 1024 / 1024
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        names = ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "max_connections", "jit")
        settings = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            settings.append(f"`{name}` {cursor.fetchone()[0]}")
    return [
        f"- {os.cpu_count()} cores ({model}), {gib:.0f} GiB of memory",
        f"- PostgreSQL {version}: {', '.join(settings)} (the application turns `jit` off on its connections)",
        "- gunicorn with the repository's `gunicorn.conf.py`: 4 sync workers, on loopback; Redis for the cache "
        "and the broker, one Celery worker (concurrency 1)",
    ]


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def figure_table(figures: list[Figure]) -> list[str]:
    lines = [
        "| figure | clients | p50 ms | p95 ms | p99 ms | req/s | errors | bare p50 ms | bare req/s | ratio (p50) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for figure in figures:
        sample, bare = figure.sample, figure.baseline
        bare_cells = (
            f"{_ms(bare.percentile(50))} | {bare.throughput:,.0f}" if bare is not None and bare.latencies else "- | -"
        )
        ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "-"
        lines.append(
            f"| {figure.name} | {figure.clients} | {_ms(sample.percentile(50))} | {_ms(sample.percentile(95))} | "
            f"{_ms(sample.percentile(99))} | {sample.throughput:,.0f} | {sample.errors} | {bare_cells} | {ratio} |"
        )
    return lines


def verdicts(run: Run) -> list[Verdict]:
    found = [verdict for figure in run.figures for verdict in figure_verdicts(figure)]
    for figure in run.figures:
        if figure.kind == WRITE and figure.name.endswith("eager"):
            brokered = next(
                (
                    other
                    for other in run.figures
                    if other.clients == figure.clients and other.name == figure.name.replace("eager", "broker")
                ),
                None,
            )
            if brokered is not None and brokered.sample.latencies and figure.sample.latencies:
                ratio = figure.sample.percentile(50) / brokered.sample.percentile(50)
                found.append(
                    value_verdict(
                        f"{figure.name.rsplit(', ', 1)[0]} @ {figure.clients}",
                        "without a broker ≤ 2x with one (p50)",
                        ratio,
                        2,
                        "x",
                    )
                )
    if run.filled is not None:
        found.append(value_verdict("rollup rebuild of the year", "≤ 120 s", run.filled.rollup_seconds, 120, "s"))
    if run.released is not None:
        rate = run.released.cases / run.released.seconds if run.released.seconds else 0.0
        found.append(
            value_verdict(
                f"release of {run.released.cases:,} held cases ({run.released.seconds:.1f} s)",
                "700,000 in ≤ 60 s: ≥ 11,667 cases/s",
                rate,
                700_000 / 60,
                "cases/s",
                at_most=False,
            )
        )
        found.append(value_verdict("resolving the outage", "≤ 200 ms", run.released.resolve_seconds * 1000, 200, "ms"))
    extra = run.extra
    found.append(value_verdict("web worker memory (peak RSS)", "≤ 250 MB", extra.worker_rss_mb, 250, "MB"))
    found.append(
        value_verdict(
            f"CSV export streaming ({extra.csv_lines:,} lines): growth of a worker's RSS",
            "flat (≤ 20 MB)",
            extra.csv_peak_mb - extra.csv_before_mb,
            20,
            "MB",
        )
    )
    return found


def write(run: Run, path: str) -> None:
    """The whole document, replacing ``path``."""
    scale = f"{run.cases:,} cases" + ("" if run.cases >= FULL else f" (the targets are for {FULL:,})")
    found = verdicts(run)
    met = sum(verdict.met for verdict in found)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.suite`, described in [bench/README.md](bench/README.md)). "
        "Every figure is the application served by gunicorn as deployed, called over HTTP the way its clients "
        "call it, beside a bare baseline served by the same workers from the same rows.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the whole run took {run.seconds / 60:.1f} minutes",
        f"- Scale: {scale}",
        *machine(),
        f"- Each figure: a warm-up (one request per client), then {run.rounds} rounds of {run.round_seconds:g} s on the endpoint and "
        f"{run.round_seconds:g} s on its baseline, alternating which goes first",
        "",
        f"**Targets met: {met} of {len(found)}**" + ("" if run.cases >= FULL else f", at {run.cases:,} cases."),
        "",
        "## Figures",
        "",
        *figure_table(run.figures),
        "",
        "## Targets",
        "",
        "| subject | target | measured | met |",
        "|---|---|---|---|",
        *(
            f"| {verdict.subject} | {verdict.target} | {verdict.measured} | "
            f"{'met' if verdict.met else '**not met**'}{'' if run.cases >= FULL else f' (at {run.cases:,})'} |"
            for verdict in found
        ),
        "",
        "## Phases",
        "",
    ]
    if run.filled is not None:
        lines.append(
            f"- Generating {run.filled.cases:,} cases with their history: {run.filled.generate_seconds:.1f} s; "
            f"rebuilding the rollup of the year: {run.filled.rollup_seconds:.1f} s ({run.filled.rollup_rows:,} rows)"
        )
    if run.released is not None:
        lines.append(
            f"- Release of {run.released.cases:,} held cases: {run.released.seconds:.1f} s; the resolution "
            f"answered in {run.released.resolve_seconds * 1000:.0f} ms"
        )
    extra = run.extra
    lines.append(
        f"- Web workers' peak RSS {extra.worker_rss_mb:.0f} MB; while the nation's office-daily CSV of the year "
        f"({extra.csv_lines:,} lines) streamed, the worker that grew most went from {extra.csv_before_mb:.0f} to "
        f"{extra.csv_peak_mb:.0f} MB"
    )
    lines += ["", "## Notes", "", *NOTES, *run.notes, ""]
    Path(path).write_text("\n".join(lines))


NOTES = [
    "- The machine is shared: other test suites ran on its two cores during the run, so the figures are "
    "noisy (a run's milliseconds vary by a fifth or more); the endpoint and its baseline alternate within "
    "each figure so the noise falls on both alike. The figures are to be measured again on a quiet machine.",
    "- The load generator runs in the same machine (one Python process, one thread per client, raw HTTP/1.1 "
    "on sockets); at 16 clients it takes part of the two cores from gunicorn and PostgreSQL, for the endpoint "
    "and its baseline alike.",
    "- Data: a year of passport and stay permit cases over every office, in proportion to their capacities "
    "(`bench/year_of_cases.py`), each with the insert event of its history (the triggers were on), though not "
    "one event per step taken as the application writes; the rollup rebuilt from them. Ids were given office "
    "by office (offices in code order), the tables stored in the order the cases were taken in (`CLUSTER` on "
    "`created_at`, offices interleaved as in service); the office with the lowest ids is measured beside SMG, "
    "since newest-first lists find its cases last.",
    "- The per-user API throttle is lifted on the served processes (a few bench users send what thousands of "
    "clerks would); its Redis round trip is still paid. Requests carry `X-Forwarded-Proto: https`, as from the "
    "TLS-terminating balancer. Admin pages are read with a session cookie made as the login form makes it.",
    "- Baselines (`bench/baseline.py`): plain DRF views with no authentication, scoping, personal-data log or "
    "workflow, reading the same rows in the same order and page size, the person joined. Admin pages are set "
    "beside the bare list of 100 rows or the bare detail; reports beside the bare first page of the rollup rows "
    "they start from; intake beside inserting the applicant and the application; the action beside writing the "
    "status and version.",
    "- Intake and the action are each measured with a broker (Redis, a Celery worker) and without one (tasks run "
    "in the request, `CELERY_TASK_ALWAYS_EAGER`), on a gunicorn started again without the broker.",
    "- The release runs in the suite's own process after the HTTP figures, on a national backlog scaled to the "
    "run (700,000 held cases at a million), as `bench/release.py` measures it.",
]

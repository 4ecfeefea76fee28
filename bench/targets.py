"""The performance issue's targets, as checks on the figures the suite measured.

Each target is stated for 1,000,000 cases on 2 cores; a run at a smaller scale is checked against
the same numbers and its verdicts name the scale. A figure is one endpoint at one number of
concurrent clients, with its bare baseline read in the same rounds.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bench.load import Sample

# The kinds of figure and what the issue asks of each.
DETAIL, LIST, WRITE, ADMIN, REPORT_REGION, REPORT_NATION = "detail", "list", "write", "admin", "region", "nation"


@dataclass
class Figure:
    """One endpoint measured at ``clients``, beside its baseline (``None`` where it has none)."""

    name: str
    kind: str
    clients: int
    sample: Sample
    baseline: Sample | None = None

    @property
    def ratio(self) -> float | None:
        """p50 over the baseline's p50."""
        if self.baseline is None or not self.baseline.latencies or not self.sample.latencies:
            return None
        return self.sample.percentile(50) / self.baseline.percentile(50)


@dataclass(frozen=True)
class Check:
    """A target that applies to figures of ``kinds`` at ``clients``: its words and its test."""

    words: str
    kinds: tuple[str, ...]
    clients: int
    test: Callable[[Figure], bool]


def _p95_under(ms: float) -> Callable[[Figure], bool]:
    return lambda figure: figure.sample.percentile(95) <= ms


def _throughput_over(rate: float) -> Callable[[Figure], bool]:
    return lambda figure: figure.sample.throughput >= rate


def _ratio_under(limit: float) -> Callable[[Figure], bool]:
    return lambda figure: figure.ratio is not None and figure.ratio <= limit


def _no_errors(figure: Figure) -> bool:
    return figure.sample.errors == 0


def _tail(figure: Figure) -> bool:
    return figure.sample.percentile(99) <= 3 * figure.sample.percentile(50)


READS = (DETAIL, LIST)
CHECKS = (
    Check("≤ 2x bare baseline (p50)", READS, 1, _ratio_under(2)),
    Check("≤ 2x bare baseline (p50)", READS, 16, _ratio_under(2)),
    Check("p95 ≤ 25 ms", (DETAIL,), 1, _p95_under(25)),
    Check("p95 ≤ 50 ms", (LIST,), 1, _p95_under(50)),
    Check("p99 ≤ 3x p50", (*READS, WRITE, ADMIN, REPORT_REGION, REPORT_NATION), 1, _tail),
    Check("≥ 500 req/s", (DETAIL,), 16, _throughput_over(500)),
    Check("≥ 250 req/s", (LIST,), 16, _throughput_over(250)),
    Check("≥ 200 req/s", (WRITE,), 16, _throughput_over(200)),
    Check("p95 ≤ 150 ms", (*READS, WRITE), 16, _p95_under(150)),
    Check("0 errors", (*READS, WRITE, ADMIN, REPORT_REGION, REPORT_NATION), 16, _no_errors),
    Check("0 errors", (*READS, WRITE, ADMIN, REPORT_REGION, REPORT_NATION), 1, _no_errors),
    Check("≤ 100 ms (p95)", (ADMIN,), 1, _p95_under(100)),
    Check("≤ 100 ms (p95)", (REPORT_REGION,), 1, _p95_under(100)),
    Check("≤ 500 ms (p95)", (REPORT_NATION,), 1, _p95_under(500)),
    Check("≥ 50 req/s", (REPORT_REGION, REPORT_NATION), 16, _throughput_over(50)),
)


@dataclass(frozen=True)
class Verdict:
    subject: str
    target: str
    measured: str
    met: bool


def figure_verdicts(figure: Figure) -> list[Verdict]:
    """Every target that applies to ``figure``, checked."""
    verdicts = []
    for check in CHECKS:
        if figure.kind in check.kinds and figure.clients == check.clients:
            verdicts.append(
                Verdict(
                    subject=f"{figure.name} @ {figure.clients}",
                    target=check.words,
                    measured=_measured(check, figure),
                    met=check.test(figure),
                )
            )
    return verdicts


def _measured(check: Check, figure: Figure) -> str:
    sample = figure.sample
    if "baseline" in check.words:
        return f"{figure.ratio:.2f}x" if figure.ratio is not None else "no baseline"
    if "req/s" in check.words:
        return f"{sample.throughput:,.0f} req/s"
    if "errors" in check.words:
        return f"{sample.errors} errors" + (f" ({sample.first_error[:80]})" if sample.first_error else "")
    if "p99" in check.words:
        return f"p99 {sample.percentile(99):.1f} / p50 {sample.percentile(50):.1f} ms"
    return f"p95 {sample.percentile(95):.1f} ms"


def value_verdict(subject: str, target: str, value: float, limit: float, unit: str, *, at_most: bool = True) -> Verdict:
    """A single measured value against its limit."""
    met = value <= limit if at_most else value >= limit
    return Verdict(subject=subject, target=target, measured=f"{value:,.1f} {unit}", met=met)

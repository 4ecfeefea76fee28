"""Charts over days, drawn on the server as inline SVG: nothing to load, nothing from elsewhere.

Offices run on closed networks, so the dashboard cannot fetch a charting library; and a page
that draws without JavaScript works in any browser. ``day_chart`` turns daily values into a
description with every coordinate computed (bars, line points, shaded bands, ticks), and the
template ``admin/reports/dashboard/chart.html`` only writes it out as ``<svg>``, with the same
numbers in a table under it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise

# The drawing's own units (the viewBox); the page scales it to its width.
WIDTH = 720
HEIGHT = 240
LEFT = 56
RIGHT = 8
TOP = 12
BOTTOM = 28
# The share of a day's slot its bars take, the rest left as a gap between days.
BAR_SHARE = 0.8
# About how many labels the axes carry.
Y_TICKS = 5
X_LABELS = 7

Value = float | int | None


def nice_step(span: float, count: int = Y_TICKS) -> float:
    """A round step (1, 2 or 5 times a power of ten) dividing ``span`` into about ``count`` parts."""
    if span <= 0:
        return 1
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def nice_ticks(maximum: float, count: int = Y_TICKS, *, integer: bool = True) -> list[float]:
    """Ticks from 0 to the first round number at or above ``maximum``, every ``nice_step``.

    Counts step by whole numbers at least (no tick at 0.5 cases); a chart of zeros gets 0 and 1.
    """
    step = nice_step(maximum, count)
    if integer:
        step = max(1, step)
    top = max(step, math.ceil(maximum / step - 1e-9) * step)
    ticks = [round(index * step, 10) for index in range(round(top / step) + 1)]
    return [int(tick) if float(tick).is_integer() else tick for tick in ticks]


@dataclass(frozen=True)
class Series:
    """One named row of daily values, drawn as bars or as a line; None is a day without a value."""

    name: str | Promise
    values: Sequence[Value]
    style: str = "bar"  # or "line"
    percent: bool = False


@dataclass(frozen=True)
class Band:
    """Days to shade (both included), such as an outage, with what it stands for."""

    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Mark:
    """One drawn value: a bar (``width``/``height``) or a line's point, with its day and value."""

    x: float
    y: float
    width: float
    height: float
    day: date
    value: Value


@dataclass(frozen=True)
class DrawnSeries:
    index: int
    name: str | Promise
    style: str
    # Bars of zero are left out (the table shows them); a line has a point for every known value.
    marks: list[Mark]
    # Lines only: each unbroken run of points as an SVG ``points`` list; a day without a value breaks it.
    paths: list[str]


@dataclass(frozen=True)
class DrawnBand:
    x: float
    width: float
    band: Band


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class Label:
    x: float
    day: date


@dataclass(frozen=True)
class Row:
    """One day of the table under the chart: its values in series order and the bands covering it."""

    day: date
    values: list[Value]
    bands: list[str]


@dataclass(frozen=True)
class Chart:
    """Everything the template draws, in the drawing's units."""

    slug: str
    title: str | Promise
    percent: bool
    series: list[DrawnSeries]
    bands: list[DrawnBand]
    ticks: list[Tick]
    labels: list[Label]
    rows: list[Row]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".")


def day_chart(
    *, slug: str, title: str | Promise, start: date, series: Sequence[Series], bands: Sequence[Band] = ()
) -> Chart:
    """The chart of ``series`` over the days from ``start`` (one value a day), with ``bands`` shaded.

    Bars of several series stand side by side in their day's slot; lines join the slot centres.
    A percentage chart always spans 0 to 100 %, whatever its values.
    """
    days = [start + timedelta(days=index) for index in range(max(len(s.values) for s in series))]
    percent = all(s.percent for s in series)
    known = [value for s in series for value in s.values if value is not None]
    ticks = [0, 0.25, 0.5, 0.75, 1] if percent else nice_ticks(max(known, default=0))
    top = ticks[-1]
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(days)
    baseline = HEIGHT - BOTTOM

    def y_of(value: float) -> float:
        return baseline - plot_height * value / top

    bars = [s for s in series if s.style == "bar"]
    bar_width = slot * BAR_SHARE / max(1, len(bars))
    drawn: list[DrawnSeries] = []
    for index, each in enumerate(series):
        marks: list[Mark] = []
        paths: list[str] = []
        run: list[str] = []
        for position, (day, value) in enumerate(zip(days, each.values, strict=False)):
            centre = LEFT + slot * (position + 0.5)
            if value is None:
                if run:
                    paths.append(" ".join(run))
                run = []
                continue
            y = round(y_of(value), 2)
            if each.style == "bar":
                if value:  # a zero bar has no height: the table under the chart shows it
                    x = LEFT + slot * position + slot * (1 - BAR_SHARE) / 2 + bar_width * bars.index(each)
                    marks.append(
                        Mark(
                            x=round(x, 2),
                            y=y,
                            width=round(bar_width, 2),
                            height=round(baseline - y, 2),
                            day=day,
                            value=value,
                        )
                    )
            else:
                marks.append(Mark(x=round(centre, 2), y=y, width=0, height=0, day=day, value=value))
                run.append(f"{_fmt(centre)},{_fmt(y)}")
        if run:
            paths.append(" ".join(run))
        drawn.append(DrawnSeries(index=index, name=each.name, style=each.style, marks=marks, paths=paths))

    drawn_bands = []
    last = days[-1]
    for band in bands:
        first_day, last_day = max(band.start, start), min(band.end, last)
        if first_day > last_day:
            continue
        x = LEFT + slot * (first_day - start).days
        width = slot * ((last_day - first_day).days + 1)
        drawn_bands.append(DrawnBand(x=round(x, 2), width=round(width, 2), band=band))

    every = max(1, math.ceil(len(days) / X_LABELS))
    return Chart(
        slug=slug,
        title=title,
        percent=percent,
        series=drawn,
        bands=drawn_bands,
        ticks=[Tick(y=round(y_of(value), 2), value=value) for value in ticks],
        labels=[Label(x=round(LEFT + slot * (i + 0.5), 2), day=day) for i, day in enumerate(days) if i % every == 0],
        rows=[
            Row(
                day=day,
                values=[s.values[i] if i < len(s.values) else None for s in series],
                bands=[b.label for b in bands if b.start <= day <= b.end],
            )
            for i, day in enumerate(days)
        ],
    )

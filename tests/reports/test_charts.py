"""The charts: round ticks, bars and lines placed by day, shaded bands, and the SVG drawn from them."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Band, Series, day_chart, nice_step, nice_ticks

MARCH_1 = date(2026, 3, 1)
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BASELINE = HEIGHT - BOTTOM


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (100, [0, 20, 40, 60, 80, 100]),
        (101, [0, 50, 100, 150]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_ticks_are_round_and_reach_the_maximum(maximum, ticks):
    assert nice_ticks(maximum) == ticks


def test_fractions_step_below_one_unless_counting():
    assert nice_step(0.8) == 0.2
    assert nice_ticks(0.8, integer=False) == [0, 0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(0.8) == [0, 1]


class TestDayChart:
    def test_bars_of_two_series_stand_side_by_side_in_their_day(self):
        chart = day_chart(
            slug="intake",
            title="Intake",
            start=MARCH_1,
            series=[Series("received", [4, 0, 8, 2]), Series("issued", [1, 2, 0, 0])],
        )
        received, issued = chart.series
        assert [mark.day.day for mark in received.marks] == [1, 3, 4]  # a zero draws no bar
        assert [mark.day.day for mark in issued.marks] == [1, 2]
        slot = (WIDTH - LEFT - RIGHT) / 4
        first, other = received.marks[0], issued.marks[0]
        assert first.x == pytest.approx(LEFT + slot * 0.1, abs=0.01)
        assert other.x == pytest.approx(first.x + slot * 0.4, abs=0.01)
        assert first.width == pytest.approx(slot * 0.4, abs=0.01)
        # Ticks 0 to 8: a bar of 4 reaches half way, one of 8 the top.
        assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
        assert first.height == pytest.approx(PLOT_HEIGHT / 2, abs=0.01)
        assert received.marks[1].y == pytest.approx(TOP, abs=0.01)
        assert [row.values for row in chart.rows] == [[4, 1], [0, 2], [8, 0], [2, 0]]

    def test_a_line_breaks_on_days_without_a_value(self):
        chart = day_chart(
            slug="sla", title="SLA", start=MARCH_1, series=[Series("met", [1.0, 0.5, None, 0.25], "line", True)]
        )
        (line,) = chart.series
        slot = (WIDTH - LEFT - RIGHT) / 4
        assert len(line.marks) == 3
        assert len(line.paths) == 2
        first_x = round(LEFT + slot / 2, 2)
        assert line.paths[0].startswith(f"{first_x:g},{TOP:g} ")
        assert chart.percent
        assert [tick.value for tick in chart.ticks] == [0, 0.25, 0.5, 0.75, 1]
        assert line.marks[1].y == pytest.approx(BASELINE - PLOT_HEIGHT / 2, abs=0.01)

    def test_bands_are_clipped_to_the_range_and_those_outside_left_out(self):
        chart = day_chart(
            slug="intake",
            title="Intake",
            start=MARCH_1,
            series=[Series("received", [1] * 10)],
            bands=[
                Band(date(2026, 2, 25), date(2026, 3, 2), "early"),
                Band(date(2026, 3, 5), date(2026, 3, 5), "one day"),
                Band(date(2026, 3, 12), date(2026, 3, 14), "after"),
            ],
        )
        slot = (WIDTH - LEFT - RIGHT) / 10
        assert [(band.band.label, band.x, band.width) for band in chart.bands] == [
            ("early", LEFT, pytest.approx(2 * slot)),
            ("one day", pytest.approx(LEFT + 4 * slot), pytest.approx(slot)),
        ]
        assert [row.bands for row in chart.rows[:2]] == [["early"], ["early"]]
        assert chart.rows[4].bands == ["one day"]
        assert chart.rows[2].bands == []

    def test_a_long_range_carries_about_seven_day_labels(self):
        chart = day_chart(slug="backlog", title="Backlog", start=MARCH_1, series=[Series("open", [3] * 60, "line")])
        assert [label.day.day for label in chart.labels][:3] == [1, 10, 19]
        assert len(chart.labels) == 7

    def test_a_chart_of_zeros_still_has_a_scale(self):
        chart = day_chart(slug="intake", title="Intake", start=MARCH_1, series=[Series("received", [0, 0])])
        assert [tick.value for tick in chart.ticks] == [0, 1]
        assert chart.series[0].marks == []


class TestSvg:
    def render(self, chart) -> str:
        with translation.override("id"):
            return render_to_string("admin/reports/dashboard/chart.html", {"chart": chart})

    def test_bars_points_bands_and_the_table_under_it(self):
        chart = day_chart(
            slug="intake",
            title="Intake",
            start=MARCH_1,
            series=[Series("received", [4, 0, 1250]), Series("issued", [1, 1, None], "line")],
            bands=[Band(date(2026, 3, 2), date(2026, 3, 3), "Outage #7 (SMG): Passport printing")],
        )
        html = self.render(chart)
        svg = html[: html.index("</svg>")]
        assert 'role="img"' in svg
        assert 'aria-labelledby="chart-intake-title"' in svg
        assert '<title id="chart-intake-title">Intake</title>' in svg
        assert svg.count('class="chart-bar"') == 2
        assert svg.count('class="chart-point"') == 2
        assert svg.count("<polyline") == 1
        assert svg.count('class="chart-band"') == 1
        assert "Outage #7 (SMG): Passport printing" in svg
        # Coordinates stay in SVG's own notation even where the language writes 1,5 for 1.5.
        for number in re.findall(r'(?:x|y|width|height|cx|cy)="([^"]*)"', svg):
            assert "," not in number
        assert "1.250" in html  # the values, though, are shown as the reader writes them
        table = html[html.index("<table>") :]
        assert table.count("<tr>") == 4  # the header and a row per day
        assert "Outage #7" in table

    def test_a_percentage_chart_labels_its_ticks_in_percent(self):
        chart = day_chart(slug="sla", title="SLA", start=MARCH_1, series=[Series("met", [0.5, None], "line", True)])
        html = self.render(chart)
        assert ">100 %</text>" in html
        assert "50,0 %" in html

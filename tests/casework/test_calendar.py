"""Working days: weekdays that are not Indonesian public holidays."""

from datetime import date

import pytest

from casework.calendar import is_working_day, working_days_after


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 12, 19), True),  # Friday
        (date(2025, 12, 20), False),  # Saturday
        (date(2025, 12, 21), False),  # Sunday
        (date(2025, 12, 25), False),  # Christmas, a Thursday
        (date(2025, 8, 17), False),  # Independence Day (a Sunday anyway)
        (date(2026, 1, 1), False),  # New Year, a Thursday
        (date(2025, 3, 31), False),  # Idul Fitri 1446, a Monday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 12, 15), 4, date(2025, 12, 19)),  # Monday: same week
        (date(2025, 12, 19), 4, date(2025, 12, 26)),  # Friday: weekend and Christmas skipped
        (date(2025, 12, 20), 1, date(2025, 12, 22)),  # from a Saturday
        (date(2025, 12, 26), 4, date(2026, 1, 2)),  # across the year and New Year
        (date(2025, 12, 19), 0, date(2025, 12, 19)),
    ],
)
def test_working_days_after(start, days, expected):
    assert working_days_after(start, days) == expected

"""Working days: weekdays that are not Indonesian public holidays, in an office's local dates."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def holidays_of(year: int) -> frozenset[date]:
    """Indonesia's public holidays of ``year`` (national days and the observed religious ones)."""
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_of(day.year)


def working_days_after(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current

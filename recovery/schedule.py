"""The day plan of a release: how many held cases an office serves on each of its local days.

Pure functions of the office's capacity, so that a plan can be computed again and give the same
dates (the release job stores it once; the impact view projects one for a backlog still held).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.calendar import holidays_of, is_working_day

# A plan longer than this is a misconfigured capacity, not a backlog: stop rather than loop.
HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Boost:
    """Overtime on working days and Saturday sessions over a period, set by the office head."""

    starts_on: date
    ends_on: date
    weekday_extra: int = 0
    saturday: int = 0


@dataclass(frozen=True)
class Slowdown:
    """A degraded outage: ``percent`` of the normal capacity from ``starts_on`` through ``until``.

    None for either end: no known start (in force from the first day asked) or end.
    """

    percent: int
    until: date | None = None
    starts_on: date | None = None
    outage_id: int | None = None

    def in_force(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (self.until is None or day <= self.until)


def reduced(normal: int, slowdowns: Iterable[Slowdown]) -> int:
    """``normal`` at the lowest share of ``slowdowns``, never below one case a day; as is without any."""
    shares = [slowdown.percent for slowdown in slowdowns]
    return max(1, normal * min(shares) // 100) if shares else normal


@dataclass(frozen=True)
class DailyCapacity:
    """What one office can serve of one queue on a given local day.

    On a working day (Monday to Friday, not an Indonesian public holiday): the normal capacity,
    reduced to the lowest share of any slowdown still running that day (never below one case,
    so a plan always ends), plus the overtime of the periods covering the day. On a Saturday that
    is not a holiday: the Saturday sessions of those periods. Sundays and holidays: nothing. Days
    already promised to an earlier release (``booked``) are taken off.
    """

    normal: int
    boosts: tuple[Boost, ...] = ()
    slowdowns: tuple[Slowdown, ...] = ()
    booked: dict[date, int] = field(default_factory=dict)

    def on(self, day: date) -> int:
        covering = [boost for boost in self.boosts if boost.starts_on <= day <= boost.ends_on]
        if is_working_day(day):
            capacity = reduced(self.normal, [slowdown for slowdown in self.slowdowns if slowdown.in_force(day)])
            capacity += sum(boost.weekday_extra for boost in covering)
        elif day.weekday() == 5 and day not in holidays_of(day.year):
            capacity = sum(boost.saturday for boost in covering)
        else:
            capacity = 0
        return max(0, capacity - self.booked.get(day, 0))


def plan_allocate(*, total: int, after: date, capacity: DailyCapacity) -> list[tuple[date, int]]:
    """Fill the days after ``after`` up to their capacity until ``total`` cases have a day."""
    plan: list[tuple[date, int]] = []
    remaining = total
    day = after
    while remaining > 0:
        day += timedelta(days=1)
        if (day - after).days > HORIZON_DAYS:
            raise ValueError(f"no capacity to serve {remaining} cases within {HORIZON_DAYS} days")
        served = min(remaining, capacity.on(day))
        if served:
            plan.append((day, served))
            remaining -= served
    return plan


def plan_booked(plans: Iterable[list[tuple[date, int]]]) -> dict[date, int]:
    """The cases already promised per day by ``plans``."""
    booked: dict[date, int] = {}
    for plan in plans:
        for day, count in plan:
            booked[day] = booked.get(day, 0) + count
    return booked

"""The day plan, computed by hand across a weekend and a public holiday, with overtime."""

from datetime import date

import pytest

from recovery.schedule import Boost, DailyCapacity, Slowdown, plan_allocate

# Tuesday 22 December 2026; Friday the 25th is Christmas Day.
TUESDAY = date(2026, 12, 22)


def test_plain_capacity_skips_the_holiday_and_the_weekend():
    plan = plan_allocate(total=10, after=TUESDAY, capacity=DailyCapacity(normal=3))

    assert plan == [(date(2026, 12, 23), 3), (date(2026, 12, 24), 3), (date(2026, 12, 28), 3), (date(2026, 12, 29), 1)]


def test_overtime_and_a_saturday_session_fill_more_days():
    boost = Boost(starts_on=date(2026, 12, 23), ends_on=date(2026, 12, 26), weekday_extra=2, saturday=4)

    plan = plan_allocate(total=16, after=TUESDAY, capacity=DailyCapacity(normal=3, boosts=(boost,)))

    # Wed 3+2, Thu 3+2, Fri Christmas, Sat session 4, Sun closed, Mon 3 (the overtime has ended): 5+5+4+2.
    assert plan == [(date(2026, 12, 23), 5), (date(2026, 12, 24), 5), (date(2026, 12, 26), 4), (date(2026, 12, 28), 2)]


def test_a_saturday_that_is_a_holiday_has_no_session():
    # Saturday 21 March 2026 is Idul Fitri; Saturday the 28th is an ordinary Saturday.
    boost = Boost(starts_on=date(2026, 3, 20), ends_on=date(2026, 3, 28), saturday=2)

    plan = plan_allocate(total=9, after=date(2026, 3, 19), capacity=DailyCapacity(normal=1, boosts=(boost,)))

    ones = [(date(2026, 3, day), 1) for day in (20, 23, 24, 25, 26, 27)]
    assert plan == [*ones, (date(2026, 3, 28), 2), (date(2026, 3, 30), 1)]


def test_a_weekday_holiday_has_no_overtime_either():
    # Monday 17 August 2026 is Independence Day.
    boost = Boost(starts_on=date(2026, 8, 14), ends_on=date(2026, 8, 18), weekday_extra=5)

    plan = plan_allocate(total=8, after=date(2026, 8, 13), capacity=DailyCapacity(normal=1, boosts=(boost,)))

    assert plan == [(date(2026, 8, 14), 6), (date(2026, 8, 18), 2)]


def test_a_slowdown_reduces_the_days_it_covers_only():
    slow = Slowdown(percent=40, until=date(2026, 12, 24))

    plan = plan_allocate(total=12, after=TUESDAY, capacity=DailyCapacity(normal=10, slowdowns=(slow,)))

    assert plan == [(date(2026, 12, 23), 4), (date(2026, 12, 24), 4), (date(2026, 12, 28), 4)]


def test_a_slowdown_never_stops_an_office_entirely():
    plan = plan_allocate(total=2, after=TUESDAY, capacity=DailyCapacity(normal=2, slowdowns=(Slowdown(percent=10),)))

    assert plan == [(date(2026, 12, 23), 1), (date(2026, 12, 24), 1)]


def test_days_promised_to_an_earlier_release_are_filled_after_it():
    booked = {date(2026, 12, 23): 3, date(2026, 12, 24): 1}

    plan = plan_allocate(total=4, after=TUESDAY, capacity=DailyCapacity(normal=3, booked=booked))

    assert plan == [(date(2026, 12, 24), 2), (date(2026, 12, 28), 2)]


def test_no_capacity_at_all_is_an_error_not_an_endless_loop():
    with pytest.raises(ValueError, match="no capacity"):
        plan_allocate(total=1, after=TUESDAY, capacity=DailyCapacity(normal=0))

"""An outage's announced end lies after now and at most a year ahead, whoever declares it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=JAKARTA)


def declare(actor, expected_end):
    return outage_declare(
        actor=actor,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.PRINTING],
        reason="Printer pusat",
        expected_end=expected_end,
    )


def refusal_codes(error: ValidationError) -> dict[str, list[str]]:
    return {name: [item.code for item in errors] for name, errors in error.error_dict.items()}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("expected_end", "code"),
    [
        pytest.param(NOW, "in-past", id="now"),
        pytest.param(NOW - timedelta(minutes=1), "in-past", id="a-minute-ago"),
        pytest.param(datetime(2020, 1, 1, tzinfo=JAKARTA), "in-past", id="2020"),
        # Jakarta's year-1 offset (+07:07:12) puts this before the year 1 in UTC: stored, psycopg
        # could not read it back and every page listing outages failed.
        pytest.param(datetime(1, 1, 1, tzinfo=JAKARTA), "in-past", id="year-1"),
        pytest.param(datetime(2027, 11, 27, 9, 1, tzinfo=JAKARTA), "too-far", id="a-year-and-a-minute"),
        pytest.param(datetime(9999, 12, 31, 23, 59, tzinfo=JAKARTA), "too-far", id="year-9999"),
    ],
)
def test_an_end_not_ahead_within_a_year_is_refused(offices, national_admin, expected_end, code):
    with pytest.raises(ValidationError) as refusal:
        declare(national_admin, expected_end)

    assert refusal_codes(refusal.value) == {"expected_end": [code]}
    assert not Outage.objects.exists()


@pytest.mark.parametrize(
    "expected_end",
    [
        pytest.param(None, id="not-announced"),
        pytest.param(NOW + timedelta(minutes=1), id="in-a-minute"),
        pytest.param(datetime(2027, 11, 27, 9, 0, tzinfo=JAKARTA), id="a-year-ahead"),
    ],
)
def test_an_end_ahead_within_a_year_is_kept(offices, national_admin, expected_end):
    outage = declare(national_admin, expected_end)

    assert Outage.objects.get(pk=outage.pk).expected_end == expected_end

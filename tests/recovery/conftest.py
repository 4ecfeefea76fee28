"""Fixtures of the recovery tests: a small Semarang, its head, a job that starts only when told, and
a clock for the tests written against the calendar of December 2026."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from offices.models import Office
from offices.roles import Role
from recovery import services


@pytest.fixture
def small_smg(smg) -> Office:
    """Semarang serving 3 passports and 1 permit a day, so that plans are short to compute by hand."""
    Office.objects.filter(pk=smg.pk).update(passport_capacity=3, permit_capacity=1)
    smg.refresh_from_db()
    return smg


@pytest.fixture
def head(member, smg):
    return member(Role.OFFICE_HEAD, office=smg)


@pytest.fixture
def no_job(monkeypatch):
    """No job starts on commit: the test runs it, as a worker would, or not at all (a lost task)."""
    monkeypatch.setattr(services, "release_enqueue", lambda *, release_id: None)


@pytest.fixture
def late_november_2026() -> Iterator[None]:
    """The clock set to 10:00 WIB on Friday 27 November 2026, and ticking on from there.

    For the tests whose plans are worked out by hand on the calendar of December 2026 (a release
    resolved on Tuesday 22 December, the week of Christmas, recovery periods later that month):
    their dates must stay in the offices' future whatever day the tests run.
    """
    with time_machine.travel(datetime(2026, 11, 27, 3, tzinfo=UTC), tick=True):
        yield

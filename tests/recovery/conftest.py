"""Fixtures of the recovery tests: a small Semarang, its head, and a job that starts only when told."""

import pytest

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

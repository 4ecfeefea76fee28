"""Storing the rollup: a refresh writes what differs and nothing else; case changes refresh their day."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from applications.models import PassportApplication
from applications.services import application_act, application_submit, applications_expire
from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from permits.services import permit_application_submit
from reports.models import DailyRollup
from reports.services import RollupChange, rollup_refresh
from reports.signals import rollup_on_case_change
from tests.applications.service_factories import applicant_data
from tests.permits.factories import intake
from tests.recovery.helpers import held, local
from tests.reports.helpers import passport, utc

pytestmark = pytest.mark.django_db

MARCH_1, MARCH_5 = date(2026, 3, 1), date(2026, 3, 5)


def stored(office) -> dict[tuple[date, str, str], int]:
    return {(row.day, row.measure, row.key): row.value for row in DailyRollup.objects.filter(office=office)}


@pytest.fixture
def march(smg):
    """Three passports at Semarang in early March: received on 1 and 2 March, one verified on 3 March."""
    passport(smg, created_at=utc(3, 1, 3))
    passport(smg, created_at=utc(3, 1, 4))
    passport(smg, status="verified", created_at=utc(3, 2, 3), verified_at=utc(3, 3, 3))
    return smg


def test_a_refresh_stores_every_non_zero_measure_and_a_second_finds_nothing(march, sby):
    DailyRollup.objects.create(office=sby, day=MARCH_1, measure="passport_received", key="new:appointment", value=7)

    first = rollup_refresh(office=march, start=MARCH_1, end=MARCH_5)

    assert (first.added, first.changed, first.removed) == (3, 0, 0)
    assert first.changes == [
        RollupChange(day=MARCH_1, measure="passport_received", key="new:appointment", old=0, new=2),
        RollupChange(day=date(2026, 3, 2), measure="passport_received", key="new:appointment", old=0, new=1),
        RollupChange(day=date(2026, 3, 3), measure="passport_verified", key="new", old=0, new=1),
    ]
    assert stored(march) == {
        (MARCH_1, "passport_received", "new:appointment"): 2,
        (date(2026, 3, 2), "passport_received", "new:appointment"): 1,
        (date(2026, 3, 3), "passport_verified", "new"): 1,
    }
    second = rollup_refresh(office=march, start=MARCH_1, end=MARCH_5)
    assert not second
    assert (second.added, second.changed, second.removed, second.changes) == (0, 0, 0, [])
    assert stored(sby) == {(MARCH_1, "passport_received", "new:appointment"): 7}  # another office untouched


def test_a_refresh_repairs_exactly_the_rows_that_were_tampered_with(march):
    rollup_refresh(office=march, start=MARCH_1, end=MARCH_5)
    DailyRollup.objects.filter(office=march, day=MARCH_1).update(value=5)
    DailyRollup.objects.filter(office=march, measure="passport_verified").delete()
    DailyRollup.objects.create(office=march, day=MARCH_5, measure="passport_issued", key="new", value=3)
    DailyRollup.objects.create(office=march, day=date(2026, 3, 6), measure="passport_issued", key="new", value=4)

    diff = rollup_refresh(office=march, start=MARCH_1, end=MARCH_5)

    assert (diff.added, diff.changed, diff.removed) == (1, 1, 1)
    assert diff.changes == [
        RollupChange(day=MARCH_1, measure="passport_received", key="new:appointment", old=5, new=2),
        RollupChange(day=date(2026, 3, 3), measure="passport_verified", key="new", old=0, new=1),
        RollupChange(day=MARCH_5, measure="passport_issued", key="new", old=3, new=0),
    ]
    assert stored(march) == {
        (MARCH_1, "passport_received", "new:appointment"): 2,
        (date(2026, 3, 2), "passport_received", "new:appointment"): 1,
        (date(2026, 3, 3), "passport_verified", "new"): 1,
        (date(2026, 3, 6), "passport_issued", "new"): 4,  # outside the range: left alone
    }


def test_a_refresh_takes_a_fixed_number_of_queries(march, django_assert_num_queries):
    # Savepoint, lock, the two measure queries, the stored rows, one upsert, savepoint released.
    with django_assert_num_queries(7):
        rollup_refresh(office=march, start=MARCH_1, end=MARCH_5)
    for day in range(1, 28):
        passport(march, created_at=utc(3, day, 5))
    DailyRollup.objects.filter(office=march, day=MARCH_1).update(value=9)  # one row to change, one to delete
    DailyRollup.objects.create(office=march, day=MARCH_5, measure="passport_issued", key="new", value=3)
    with django_assert_num_queries(8):  # and one delete
        diff = rollup_refresh(office=march, start=MARCH_1, end=date(2026, 3, 31))
    assert (diff.added, diff.changed, diff.removed) == (25, 2, 1)  # 3 to 27 March added; 1 and 2 March changed


def test_submissions_and_transitions_refresh_the_office_s_day_once_committed(
    smg, member, django_capture_on_commit_callbacks
):
    today = smg.local_today()
    desk = member(Role.FRONT_DESK, office=smg)
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(
            actor=desk,
            office=smg,
            applicant=applicant_data(),
            application_type="new",
            passport_kind="electronic",
            validity_years=5,
            channel="appointment",
        )
    assert stored(smg) == {(today, "passport_received", "new:appointment"): 1}

    with django_capture_on_commit_callbacks(execute=True):
        application_act(application=application, action="verify", actor=desk)
    with django_capture_on_commit_callbacks(execute=True):
        permit_application_submit(actor=desk, **intake(office=smg))
    assert stored(smg) == {
        (today, "passport_received", "new:appointment"): 1,
        (today, "passport_verified", "new"): 1,
        (today, "permit_received", "ITAS"): 1,
    }


def test_an_expiry_refreshes_the_office_s_day(smg, django_capture_on_commit_callbacks):
    old = passport(smg, status="incomplete", created_at=utc(1, 5, 3), documents_returned_at=utc(1, 5, 4))
    with django_capture_on_commit_callbacks(execute=True):
        expired = applications_expire(
            status=Status.INCOMPLETE, older_than=timedelta(days=14), field="documents_returned_at", reason="Lewat"
        )
    assert expired == 1
    assert PassportApplication.objects.get(pk=old.pk).status == Status.CANCELLED
    assert stored(smg) == {(smg.local_today(), "passport_cancelled", "new"): 1}


def test_nothing_is_refreshed_when_the_change_rolls_back(smg, member, django_capture_on_commit_callbacks):
    desk = member(Role.FRONT_DESK, office=smg)
    application = passport(smg, created_at=utc(3, 1, 3))

    def verify_then_fail() -> None:
        with transaction.atomic():
            application_act(application=application, action="verify", actor=desk)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        verify_then_fail()
    assert callbacks == []
    assert stored(smg) == {}


def test_the_receiver_queries_nothing_and_registers_one_callback(
    smg, django_assert_num_queries, django_capture_on_commit_callbacks
):
    application = PassportApplication.objects.select_related("office").get(pk=passport(smg, created_at=utc(3, 1, 3)).pk)
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(0):
        rollup_on_case_change(sender=PassportApplication, case=application)
    assert len(callbacks) == 1


def test_resolving_an_outage_refreshes_the_covered_office_s_days_since_its_declaration(
    smg, sby, national_admin, django_capture_on_commit_callbacks
):
    today = smg.local_today()
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="Printer"
    )
    Outage.objects.filter(pk=outage.pk).update(declared_at=local(today - timedelta(days=2), 10))
    held(smg, 2, start=local(today - timedelta(days=3), 9), status=Status.APPROVED)
    held(sby, 1, start=local(today - timedelta(days=3), 9), status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        outage_resolve(actor=national_admin, outage=Outage.objects.get(pk=outage.pk))

    # Held at the end of the day before yesterday and yesterday; released today.
    assert {key: value for key, value in stored(smg).items() if key[1] == "held"} == {
        (today - timedelta(days=2), "held", "passport"): 2,
        (today - timedelta(days=1), "held", "passport"): 2,
    }
    assert stored(sby) == {}  # not covered: not refreshed


def test_a_slowdown_s_resolution_refreshes_nothing(smg, national_admin, django_capture_on_commit_callbacks):
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.PRINTING],
        reason="Slow",
        capacity_percent=50,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outage_resolve(actor=national_admin, outage=outage)
    assert callbacks == []
    assert DailyRollup.objects.count() == 0

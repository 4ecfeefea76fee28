"""Protected stays and overstays: the permits app's rule, listed per permit over the offices in scope."""

from datetime import timedelta

import pytest
from django.utils.translation import gettext

from offices.roles import Role
from permits.fees import OVERSTAY_FINE_PER_DAY
from permits.models import PermitStatus, StayPermit, StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import StayPermitFactory, extension_of
from tests.reports.api_helpers import report_get, report_rows
from tests.support.api import client_for, invalid_param_pairs


def ended(office, number, days_ago, **fields):
    """A permit of ``office`` whose last day was ``days_ago`` days before the office's own today."""
    return StayPermitFactory(
        office=office, number=number, valid_until=office.local_today() - timedelta(days=days_ago), **fields
    )


def filed_on_time(permit, *, desk, filed_days_ago, **fields):
    """An extension of ``permit`` filed ``filed_days_ago`` days ago (before the permit ended), then ``fields``.

    Filed while the permit still runs, as the rules require; then dated back with the permit.
    """
    office = permit.office
    last_day = permit.valid_until
    StayPermit.objects.filter(pk=permit.pk).update(
        valid_from=office.local_today(), valid_until=office.local_today() + timedelta(days=10)
    )
    permit.refresh_from_db()
    application = permit_application_submit(actor=desk, **extension_of(permit, office=office))
    StayPermit.objects.filter(pk=permit.pk).update(valid_from=last_day - timedelta(days=364), valid_until=last_day)
    StayPermitApplication.objects.filter(pk=application.pk).update(
        filed_on=office.local_today() - timedelta(days=filed_days_ago), **fields
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def stays(offices, member):
    """Ended permits in Semarang (WIB), Denpasar (WITA) and Jayapura (WIT), each day counted from its office's today."""
    smg, dps, djj = offices["SMG"], offices["DPS"], offices["DJJ"]
    desk = member(Role.FRONT_DESK, office=smg)
    today = smg.local_today()
    ended(smg, "SMG-A", 10)  # overstaying since 9 days ago: 10 days
    protected = filed_on_time(ended(smg, "SMG-B", 20), desk=desk, filed_days_ago=25)
    filed_on_time(
        ended(smg, "SMG-C", 30),
        desk=desk,
        filed_days_ago=35,
        status=Status.REJECTED,
        closed_on=today - timedelta(days=5),
    )  # protected until refused 5 days ago: overstaying 5 days since
    covered = ended(smg, "SMG-D", 15)  # the holder has a later permit
    StayPermitFactory(office=smg, number="SMG-D2", holder=covered.holder, valid_until=today + timedelta(days=100))
    ended(smg, "SMG-E", -5)  # still runs
    ended(smg, "SMG-F", 400)  # before the default range
    ended(smg, "SMG-G", 3, permit_type="ITK")
    ended(smg, "SMG-H", 12, status=PermitStatus.CANCELLED)  # cancelled: never counts
    ended(dps, "DPS-A", 1, status=PermitStatus.EXPIRED)
    ended(djj, "DJJ-A", 2)
    return {"offices": offices, "protected": protected, "today": today}


def states(rows):
    return [(row["number"], row["state"], row["days_overstayed"], row["fine"], row["application"]) for row in rows]


def fine(days):
    return days * OVERSTAY_FINE_PER_DAY


def test_protected_and_overstaying_permits_longest_ended_first(stays, national_admin):
    rows = report_rows(national_admin, "protected-stays")
    assert states(rows) == [
        ("SMG-C", "overstaying", 5, fine(5), None),
        ("SMG-B", "protected", 0, 0, stays["protected"].reference),
        ("SMG-A", "overstaying", 10, fine(10), None),
        ("SMG-G", "overstaying", 3, fine(3), None),
        ("DJJ-A", "overstaying", 2, fine(2), None),
        ("DPS-A", "overstaying", 1, fine(1), None),
    ]
    today = stays["today"]
    smg_c, smg_b = rows[0], rows[1]
    assert smg_c["since"] == (today - timedelta(days=4)).isoformat()
    assert smg_b["since"] == (today - timedelta(days=19)).isoformat()
    assert smg_b["valid_until"] == (today - timedelta(days=20)).isoformat()
    assert (smg_b["office"], smg_b["permit_type"], smg_b["nationality"]) == ("SMG", "ITAS", "AUS")
    # The permits admin's words for the states, in the reader's language.
    assert [smg_c["state_label"], smg_b["state_label"]] == [gettext("Overstaying"), gettext("Protected stay")]


def test_the_range_filters_the_permits_last_day(stays, national_admin):
    today = stays["today"]
    rows = report_rows(
        national_admin,
        "protected-stays",
        start=(today - timedelta(days=400)).isoformat(),
        end=(today - timedelta(days=10)).isoformat(),
    )
    assert [row["number"] for row in rows] == ["SMG-F", "SMG-C", "SMG-B", "SMG-A"]
    assert states(rows)[0] == ("SMG-F", "overstaying", 400, fine(400), None)


def test_a_permit_type_keeps_that_type(stays, national_admin):
    rows = report_rows(national_admin, "protected-stays", permit_type="ITK")
    assert states(rows) == [("SMG-G", "overstaying", 3, fine(3), None)]


def test_an_application_type_is_not_a_filter(stays, national_admin):
    response = report_get(national_admin, "protected-stays", application_type="new")
    assert invalid_param_pairs(response) == [("application_type", "unknown-parameter")]


class TestScope:
    def test_an_office_head_reads_their_office(self, stays, member):
        head = member(Role.OFFICE_HEAD, office=stays["offices"]["DJJ"])
        assert [row["number"] for row in report_rows(head, "protected-stays")] == ["DJJ-A"]

    def test_a_regional_supervisor_reads_their_region(self, stays, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=stays["offices"]["SMG"].region)
        assert {row["office"] for row in report_rows(supervisor, "protected-stays")} == {"SMG"}

    def test_a_national_administrator_reads_every_office(self, stays, national_admin):
        assert {row["office"] for row in report_rows(national_admin, "protected-stays")} == {"DJJ", "DPS", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, stays, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=stays["offices"]["SMG"].region)
        response = report_get(supervisor, "protected-stays", office="DPS")
        assert invalid_param_pairs(response) == [("office", "does_not_exist")]


@pytest.mark.parametrize(("more", "rows"), [((), 6), (("SBY", "SKT", "CLP"), 12)], ids=["three", "six"])
def test_a_fixed_number_of_queries(stays, member, national_admin, django_assert_num_queries, more, rows):
    for code in more:
        office = stays["offices"][code]
        ended(office, f"{code}-A", 7)
        filed_on_time(ended(office, f"{code}-B", 8), desk=member(Role.FRONT_DESK, office=office), filed_days_ago=9)
    client = client_for(national_admin)
    # The session, its user, the reader's memberships and the offices overseen; the ended permits
    # with where each holder stands; the protecting applications and the active outages; the
    # personal-data access log's insert (the report names the holders).
    with django_assert_num_queries(8):
        response = client.get("/api/v1/reports/protected-stays/", {"page_size": 1000})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows

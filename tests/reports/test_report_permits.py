"""Permits by type and nationality, and permits expiring: read from the permit tables, by office-local dates."""

from datetime import timedelta

import pytest
from django_countries import countries

from offices.roles import Role
from permits.models import Foreigner, PermitStatus, StayPermitApplication
from permits.services import permit_application_submit
from tests.permits.factories import ForeignerFactory, StayPermitFactory, extension_of
from tests.reports.api_helpers import report_get, report_rows
from tests.reports.helpers import permit, utc
from tests.support.api import client_for, invalid_param_pairs

MARCH = {"start": "2026-03-02", "end": "2026-03-31"}


@pytest.fixture
def application(member):
    """Makes a permit application whose foreigner is of ``nationality``, its steps dated by ``fields``."""
    desks = {}

    def make(office, *, number, nationality, **fields):
        if office.pk not in desks:
            desks[office.pk] = member(Role.FRONT_DESK, office=office)
        case = permit(office, desks[office.pk], number=number, **fields)
        Foreigner.objects.filter(pk=case.foreigner_id).update(nationality=nationality)
        return case

    return make


@pytest.fixture
def applications(offices, application):
    """Applications in Denpasar (WITA), Semarang (WIB) and Jayapura (WIT), dated around local midnights."""
    smg, dps, djj = offices["SMG"], offices["DPS"], offices["DJJ"]
    # Denpasar, UTC+8: 16:00 UTC is midnight.
    application(
        dps,
        number="D1",
        nationality="GBR",
        created_at=utc(3, 1, 16, 30),  # 2 March 00:30: in
        approved_at=utc(3, 5, 1),
        issued_at=utc(3, 31, 16),  # 1 April 00:00: out
    )
    application(
        dps,
        number="D2",
        nationality="GBR",
        created_at=utc(3, 1, 15, 30),  # 1 March 23:30: out
        rejected_at=utc(3, 3, 15),
    )
    application(
        dps,
        number="D3",
        nationality="AUS",
        created_at=utc(3, 2, 3),
        cancelled_at=utc(3, 31, 15, 59),  # 31 March 23:59: in
    )
    application(
        dps,
        number="D4",
        nationality="GBR",
        permit_type="ITAP",
        created_at=utc(3, 10, 3),
        approved_at=utc(3, 11, 3),
        issued_at=utc(3, 12, 3),
    )
    # Semarang, UTC+7: 17:00 UTC is midnight.
    application(smg, number="S1", nationality="JPN", created_at=utc(3, 1, 17), issued_at=utc(3, 4, 3))
    application(
        smg,
        number="S2",
        nationality="JPN",
        permit_type="ITK",
        created_at=utc(2, 10, 3),
        approved_at=utc(3, 1, 16, 59),  # 1 March 23:59: out
        issued_at=utc(3, 1, 17, 1),  # 2 March 00:01: in
    )
    # Jayapura, UTC+9: 15:00 UTC is midnight.
    application(
        djj,
        number="J1",
        nationality="AUS",
        created_at=utc(3, 31, 14, 59),  # 31 March 23:59: in
        rejected_at=utc(3, 31, 15),  # 1 April 00:00: out
    )
    application(djj, number="J2", nationality="AUS", created_at=utc(1, 10, 3))  # nothing in March
    return offices


def counts(rows):
    return [
        (
            row["office"],
            row["permit_type"],
            row["nationality"],
            row["received"],
            row["approved"],
            row["rejected"],
            row["issued"],
            row["cancelled"],
        )
        for row in rows
    ]


EVERY_ROW = [
    ("DJJ", "ITAS", "AUS", 1, 0, 0, 0, 0),
    ("DPS", "ITAP", "GBR", 1, 1, 0, 1, 0),
    ("DPS", "ITAS", "AUS", 1, 0, 0, 0, 1),
    ("DPS", "ITAS", "GBR", 1, 1, 1, 0, 0),
    ("SMG", "ITAS", "JPN", 1, 0, 0, 1, 0),
    ("SMG", "ITK", "JPN", 0, 0, 0, 1, 0),
]


class TestByTypeAndNationality:
    def test_each_step_on_its_own_office_local_day(self, applications, national_admin):
        rows = report_rows(national_admin, "permits", **MARCH)
        assert counts(rows) == EVERY_ROW
        assert (rows[0]["office_name"], rows[0]["nationality_name"]) == (
            applications["DJJ"].name,
            str(countries.name("AU")),
        )

    def test_the_day_before_by_each_office_s_own_midnight(self, applications, national_admin):
        rows = report_rows(national_admin, "permits", start="2026-03-01", end="2026-03-01")
        assert counts(rows) == [("DPS", "ITAS", "GBR", 1, 0, 0, 0, 0), ("SMG", "ITK", "JPN", 0, 1, 0, 0, 0)]

    def test_a_permit_type_keeps_that_type(self, applications, national_admin):
        rows = report_rows(national_admin, "permits", permit_type="ITAS", **MARCH)
        assert counts(rows) == [row for row in EVERY_ROW if row[1] == "ITAS"]

    def test_an_application_type_is_not_a_filter_of_permits(self, applications, national_admin):
        response = report_get(national_admin, "permits", application_type="new")
        assert invalid_param_pairs(response) == [("application_type", "unknown-parameter")]

    def test_an_office_head_reads_their_office(self, applications, member):
        head = member(Role.OFFICE_HEAD, office=applications["SMG"])
        assert {row["office"] for row in report_rows(head, "permits", **MARCH)} == {"SMG"}

    def test_a_regional_supervisor_reads_their_region(self, applications, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=applications["DPS"].region)
        assert {row["office"] for row in report_rows(supervisor, "permits", **MARCH)} == {"DPS"}

    def test_a_national_administrator_reads_every_office(self, applications, national_admin):
        assert {row["office"] for row in report_rows(national_admin, "permits", **MARCH)} == {"DJJ", "DPS", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, applications, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=applications["DPS"].region)
        assert invalid_param_pairs(report_get(supervisor, "permits", office="SMG")) == [("office", "does_not_exist")]

    @pytest.mark.parametrize(("more", "rows"), [((), 6), (("SBY", "SKT", "CLP"), 9)], ids=["three", "six"])
    def test_a_fixed_number_of_queries(
        self, applications, application, national_admin, django_assert_num_queries, more, rows
    ):
        for index, code in enumerate(more):
            application(applications[code], number=f"M{index}", nationality="NLD", created_at=utc(3, 3, 3))
        client = client_for(national_admin)
        # The session, its user, the reader's memberships and the offices overseen; then one query.
        with django_assert_num_queries(5):
            response = client.get("/api/v1/reports/permits/", {**MARCH, "page_size": 1000})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == rows


@pytest.fixture
def expiring(offices, member):
    """Active permits ending around the next 60 days in Semarang and Denpasar, one with an extension filed."""
    smg, dps = offices["SMG"], offices["DPS"]
    today = smg.local_today()
    holder = ForeignerFactory(full_name="Ann Lee", nationality="GBR")
    renewing = StayPermitFactory(
        office=smg, number="SMG-ITAS-1", holder=holder, valid_until=today + timedelta(days=20), sponsor__name="PT Satu"
    )
    StayPermitFactory(office=smg, number="SMG-ITAS-2", valid_until=today, sponsor__name="PT Dua")
    StayPermitFactory(office=smg, number="SMG-ITK-1", permit_type="ITK", valid_until=today + timedelta(days=60))
    StayPermitFactory(office=smg, number="SMG-ITAS-3", valid_until=today + timedelta(days=61))  # past the range
    StayPermitFactory(office=smg, number="SMG-ITAS-4", valid_until=today - timedelta(days=1))  # ended yesterday
    StayPermitFactory(
        office=smg, number="SMG-ITAS-5", valid_until=today + timedelta(days=5), status=PermitStatus.EXPIRED
    )
    StayPermitFactory(
        office=dps, number="DPS-ITAP-1", permit_type="ITAP", valid_until=dps.local_today() + timedelta(days=30)
    )
    desk = member(Role.FRONT_DESK, office=smg)
    filed = permit_application_submit(actor=desk, **extension_of(renewing, office=smg))
    return {"offices": offices, "filed": filed, "today": today}


def listed(rows):
    return [(row["office"], row["number"], row["days_left"], row["pending_application"]) for row in rows]


class TestExpiring:
    def test_active_permits_ending_today_through_sixty_days_soonest_first(self, expiring, national_admin):
        rows = report_rows(national_admin, "permits-expiring")
        assert listed(rows) == [
            ("SMG", "SMG-ITAS-2", 0, None),
            ("SMG", "SMG-ITAS-1", 20, expiring["filed"].reference),
            ("DPS", "DPS-ITAP-1", 30, None),
            ("SMG", "SMG-ITK-1", 60, None),
        ]
        renewing = rows[1]
        assert (renewing["holder"], renewing["nationality"], renewing["sponsor"], renewing["permit_type"]) == (
            "Ann Lee",
            "GBR",
            "PT Satu",
            "ITAS",
        )
        assert renewing["valid_until"] == (expiring["today"] + timedelta(days=20)).isoformat()

    def test_a_closed_application_is_no_longer_pending(self, expiring, national_admin):
        StayPermitApplication.objects.filter(pk=expiring["filed"].pk).update(status="rejected")
        rows = report_rows(national_admin, "permits-expiring", office="SMG")
        assert [row["pending_application"] for row in rows] == [None, None, None]

    def test_a_range_given_lists_the_permits_ending_in_it(self, expiring, national_admin):
        today = expiring["today"]
        rows = report_rows(
            national_admin, "permits-expiring", start=(today - timedelta(days=1)).isoformat(), end=today.isoformat()
        )
        assert [(row["number"], row["days_left"]) for row in rows] == [("SMG-ITAS-4", -1), ("SMG-ITAS-2", 0)]

    def test_a_permit_type_keeps_that_type(self, expiring, national_admin):
        rows = report_rows(national_admin, "permits-expiring", permit_type="ITAP")
        assert [row["number"] for row in rows] == ["DPS-ITAP-1"]

    def test_an_application_type_is_not_a_filter(self, expiring, national_admin):
        response = report_get(national_admin, "permits-expiring", application_type="renewal")
        assert invalid_param_pairs(response) == [("application_type", "unknown-parameter")]

    def test_an_office_head_reads_their_office(self, expiring, member):
        head = member(Role.OFFICE_HEAD, office=expiring["offices"]["DPS"])
        assert [row["number"] for row in report_rows(head, "permits-expiring")] == ["DPS-ITAP-1"]

    def test_a_regional_supervisor_reads_their_region(self, expiring, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=expiring["offices"]["SMG"].region)
        assert {row["office"] for row in report_rows(supervisor, "permits-expiring")} == {"SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, expiring, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=expiring["offices"]["SMG"].region)
        response = report_get(supervisor, "permits-expiring", office="DPS")
        assert invalid_param_pairs(response) == [("office", "does_not_exist")]

    @pytest.mark.parametrize(("more", "rows"), [((), 4), (("SBY", "SKT", "CLP"), 7)], ids=["two", "five"])
    def test_a_fixed_number_of_queries(self, expiring, national_admin, django_assert_num_queries, more, rows):
        for code in more:
            office = expiring["offices"][code]
            StayPermitFactory(office=office, valid_until=office.local_today() + timedelta(days=40))
        client = client_for(national_admin)
        # The session, its user, the reader's memberships and the offices overseen; then one query,
        # and the personal-data access log's insert (the report names the holders).
        with django_assert_num_queries(6):
            response = client.get("/api/v1/reports/permits-expiring/", {"page_size": 1000})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == rows


def test_the_days_left_count_from_each_office_s_own_today(offices, national_admin):
    """Jayapura (WIT) is two hours ahead of Semarang (WIB): from 15:00 to 17:00 UTC its today is a day later."""
    smg, djj = offices["SMG"], offices["DJJ"]
    last_day = smg.local_today() + timedelta(days=10)
    StayPermitFactory(office=smg, number="SMG-1", valid_until=last_day)
    StayPermitFactory(office=djj, number="DJJ-1", valid_until=last_day)
    rows = report_rows(national_admin, "permits-expiring", start=last_day.isoformat(), end=last_day.isoformat())
    assert {row["number"]: row["days_left"] for row in rows} == {
        "SMG-1": (last_day - smg.local_today()).days,
        "DJJ-1": (last_day - djj.local_today()).days,
    }

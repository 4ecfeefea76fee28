"""The open cases by age report: ages from each office's local received date to its local today."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from applications.workflow import Status
from offices.roles import Role
from permits.models import StayPermitApplication
from tests.reports.api_helpers import report_get, report_rows
from tests.reports.helpers import passport, permit
from tests.support.api import client_for, invalid_param_pairs

pytestmark = pytest.mark.django_db

BUCKETS = ("days_0_7", "days_8_14", "days_15_30", "days_31_60", "days_over_60")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` UTC on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def ages(row: dict) -> tuple:
    return (
        row["office"],
        row["kind"],
        row["status"],
        *(row[name] for name in BUCKETS),
        row["total"],
        row["oldest_received"],
    )


def days_ago(office, days: int) -> datetime:
    """10:00 at ``office``, ``days`` office-local days ago."""
    return datetime.combine(office.local_today() - timedelta(days=days), time(10), tzinfo=office.zone)


@pytest.fixture
def backlog(offices, member):
    """Open and closed cases at Semarang (WIB), Denpasar (WITA) and Ambon (WIT), counted by hand."""
    smg, dps, amq = offices["SMG"], offices["DPS"], offices["AMQ"]
    today = smg.local_today()
    passport(smg, created_at=days_ago(smg, 3))
    passport(smg, created_at=days_ago(smg, 8))
    # 16:30 UTC is 23:30 the same day in Semarang (8 days old) and 00:30 the next day in Denpasar (7 days old).
    eight_days_ago = smg.local_today() - timedelta(days=8)
    passport(smg, created_at=at(eight_days_ago, 16, 30))
    passport(dps, created_at=at(dps.local_today() - timedelta(days=8), 16, 30))
    # 15:00 UTC is midnight starting the next day in Ambon: 14 days old, not 15.
    passport(amq, created_at=at(amq.local_today() - timedelta(days=15), 15))
    passport(
        smg,
        created_at=days_ago(smg, 20),
        status=Status.PRINTED,
        application_type="renewal",
        previous_passport_number="X7654321",
    )
    passport(smg, created_at=days_ago(smg, 60), status=Status.APPROVED)
    passport(smg, created_at=days_ago(smg, 61), status=Status.APPROVED)
    for status in (Status.ISSUED, Status.REJECTED, Status.CANCELLED):
        passport(smg, created_at=days_ago(smg, 5), status=status)
    desk = member(Role.FRONT_DESK, office=smg)
    permit(smg, desk, number="X2000001", created_at=days_ago(smg, 2))
    closed = permit(smg, desk, number="X2000002", created_at=days_ago(smg, 2))
    StayPermitApplication.objects.filter(pk=closed.pk).update(status="cancelled")
    return {"today": today, "smg_oldest": today - timedelta(days=8)}


def test_open_cases_per_office_kind_and_status_by_age(backlog, national_admin, offices):
    today = backlog["today"]
    rows = report_rows(national_admin, "backlog")
    assert [ages(row) for row in rows] == [
        (
            "AMQ",
            "passport",
            "submitted",
            0,
            1,
            0,
            0,
            0,
            1,
            (offices["AMQ"].local_today() - timedelta(days=14)).isoformat(),
        ),
        (
            "DPS",
            "passport",
            "submitted",
            1,
            0,
            0,
            0,
            0,
            1,
            (offices["DPS"].local_today() - timedelta(days=7)).isoformat(),
        ),
        ("SMG", "passport", "submitted", 1, 2, 0, 0, 0, 3, (today - timedelta(days=8)).isoformat()),
        ("SMG", "passport", "approved", 0, 0, 0, 1, 1, 2, (today - timedelta(days=61)).isoformat()),
        ("SMG", "passport", "printed", 0, 0, 1, 0, 0, 1, (today - timedelta(days=20)).isoformat()),
        ("SMG", "permit", "submitted", 1, 0, 0, 0, 0, 1, (today - timedelta(days=2)).isoformat()),
    ]
    assert rows[0]["office_name"] == offices["AMQ"].name


def test_the_range_selects_cases_by_their_received_date(backlog, national_admin):
    today = backlog["today"]
    start = (today - timedelta(days=60)).isoformat()
    rows = report_rows(
        national_admin, "backlog", office="SMG", start=start, end=(today - timedelta(days=8)).isoformat()
    )
    assert [(row["status"], row["total"]) for row in rows] == [("submitted", 2), ("approved", 1), ("printed", 1)]
    assert [row["status_label"] for row in rows] == ["Diajukan", "Disetujui", "Dicetak"]


class TestTypeFilters:
    def test_an_application_type_keeps_that_type_and_no_permits(self, backlog, national_admin):
        rows = report_rows(national_admin, "backlog", application_type="renewal")
        assert [(row["office"], row["kind"], row["status"], row["total"]) for row in rows] == [
            ("SMG", "passport", "printed", 1)
        ]

    def test_a_permit_type_keeps_that_type_and_no_passports(self, backlog, national_admin):
        assert [(row["kind"], row["total"]) for row in report_rows(national_admin, "backlog", permit_type="ITAS")] == [
            ("permit", 1)
        ]
        assert report_rows(national_admin, "backlog", permit_type="ITAP") == []

    def test_an_unknown_type(self, backlog, national_admin):
        response = report_get(national_admin, "backlog", permit_type="KITAS")
        assert invalid_param_pairs(response) == [("permit_type", "invalid_choice")]


class TestScope:
    def test_an_office_head_reads_their_office(self, backlog, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["DPS"])
        assert [row["office"] for row in report_rows(head, "backlog")] == ["DPS"]

    def test_a_regional_supervisor_reads_their_region(self, backlog, member, offices):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=offices["AMQ"].region)
        assert [row["office"] for row in report_rows(supervisor, "backlog")] == ["AMQ"]

    def test_a_national_administrator_reads_every_office(self, backlog, national_admin):
        assert {row["office"] for row in report_rows(national_admin, "backlog")} == {"AMQ", "DPS", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, backlog, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["DPS"])
        assert invalid_param_pairs(report_get(head, "backlog", office="SMG")) == [("office", "does_not_exist")]


def test_a_report_specific_parameter_of_another_report_is_unknown(backlog, national_admin):
    response = report_get(national_admin, "backlog", capability="printing")
    assert invalid_param_pairs(response) == [("capability", "unknown-parameter")]


def test_the_query_count_does_not_grow_with_the_offices(offices, member, national_admin, django_assert_num_queries):
    client = client_for(national_admin)

    def open_cases(code: str, number: str) -> None:
        office = offices[code]
        passport(office, created_at=days_ago(office, 3))
        passport(office, created_at=days_ago(office, 40), status=Status.APPROVED)
        permit(office, member(Role.FRONT_DESK, office=office), number=number, created_at=days_ago(office, 9))

    open_cases("SMG", "X3000001")
    with django_assert_num_queries(5):
        assert client.get("/api/v1/reports/backlog/").json()["count"] == 3
    open_cases("DPS", "X3000002")
    open_cases("AMQ", "X3000003")
    with django_assert_num_queries(5):
        assert client.get("/api/v1/reports/backlog/").json()["count"] == 9

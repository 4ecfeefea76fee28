"""The SLA breaches report: late and overdue passports in office-local dates, outage days counted apart."""

from datetime import date, timedelta

import pytest

from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.services import release_enlist
from tests.applications.service_factories import passport_number_next
from tests.recovery.helpers import local, resolved_on
from tests.reports.api_helpers import report_get, report_rows
from tests.reports.helpers import passport, utc
from tests.support.api import client_for, invalid_param_pairs

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def columns(row: dict) -> tuple:
    return (
        row["office"],
        row["application_type"],
        row["received"],
        row["due"],
        row["printed"],
        row["days_over"],
        row["days_held"],
        row["days_over_net"],
    )


@pytest.fixture
def breaches(offices, national_admin, monkeypatch):
    """Late prints in March around midnight UTC, two of them held by a resolved outage, and open cases.

    Semarang's printer was down from 5 March 10:00 to 8 March 02:00 WIB: held on the days of
    5, 6 and 7 March.
    """
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    smg, sby, dps, amq = offices["SMG"], offices["SBY"], offices["DPS"], offices["AMQ"]
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="Printer"
    )
    Outage.objects.filter(pk=outage.pk).update(declared_at=local(date(2026, 3, 5), 10))
    # Both approved before the outage, waiting for printing when it was declared.
    held_after_due = passport(
        smg, created_at=utc(2, 20, 3), status=Status.APPROVED, sla_due_date=date(2026, 3, 4), ready_at=utc(3, 3, 2)
    )
    held_around_due = passport(
        smg, created_at=utc(2, 21, 3), status=Status.APPROVED, sla_due_date=date(2026, 3, 6), ready_at=utc(3, 3, 2)
    )
    release_enlist(release=resolved_on(national_admin, outage, local(date(2026, 3, 8), 2)))
    for application, printed in (
        (held_after_due, local(date(2026, 3, 10))),
        (held_around_due, local(date(2026, 3, 9))),
    ):
        type(application).objects.filter(pk=application.pk).update(
            status=Status.PRINTED, printed_at=printed, awaiting="", passport_number=passport_number_next()
        )

    # 16:30 UTC on 5 March is 00:30 on 6 March in Denpasar (WITA): one day late; 23:30 on 5 March in
    # Semarang (WIB): on time.
    passport(
        dps,
        created_at=utc(3, 1, 16, 30),
        status=Status.PRINTED,
        application_type="renewal",
        previous_passport_number="X1234567",
        sla_due_date=date(2026, 3, 5),
        printed_at=utc(3, 5, 16, 30),
    )
    passport(
        smg, created_at=utc(3, 1, 3), status=Status.PRINTED, sla_due_date=date(2026, 3, 5), printed_at=utc(3, 5, 16, 30)
    )
    # 15:00 UTC on 12 March is midnight starting 13 March in Ambon (WIT): three days late; taken in
    # at 23:59 WIT on 1 March.
    passport(
        amq,
        created_at=utc(3, 1, 14, 59),
        status=Status.PRINTED,
        sla_due_date=date(2026, 3, 10),
        printed_at=utc(3, 12, 15),
    )
    # Printed late, but on 27 February: before the range.
    passport(
        smg, created_at=utc(2, 1, 3), status=Status.PRINTED, sla_due_date=date(2026, 2, 20), printed_at=utc(2, 27, 3)
    )

    # Open cases: Surabaya's printer is down since yesterday 10:00 WIB.
    today = smg.local_today()
    passport(smg, created_at=utc(3, 2, 3), status=Status.INTERVIEWED, sla_due_date=today - timedelta(days=1))
    passport(smg, created_at=utc(3, 2, 3), status=Status.INTERVIEWED, sla_due_date=today)  # due today: not late
    passport(smg, created_at=utc(3, 2, 3), status=Status.REJECTED, sla_due_date=today - timedelta(days=9))  # closed
    passport(
        sby,
        created_at=utc(3, 2, 20),
        status=Status.APPROVED,
        sla_due_date=today - timedelta(days=3),
        ready_at=local(today - timedelta(days=5)),
    )
    sby_outage = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=sby, capabilities=[Capability.PRINTING], reason="Printer"
    )
    Outage.objects.filter(pk=sby_outage.pk).update(declared_at=local(today - timedelta(days=1), 10))
    return {"today": today, "range": {"start": MARCH.isoformat(), "end": today.isoformat()}}


def test_each_breach_with_its_days_over_and_the_days_outages_held_it(breaches, national_admin):
    today = breaches["today"]
    rows = report_rows(national_admin, "sla", **breaches["range"])
    assert [columns(row) for row in rows] == [
        ("AMQ", "new", "2026-03-01", "2026-03-10", "2026-03-13", 3, 0, 3),
        ("DPS", "renewal", "2026-03-02", "2026-03-05", "2026-03-06", 1, 0, 1),
        # Held yesterday and today (so far), both after the due date three days ago.
        ("SBY", "new", "2026-03-03", (today - timedelta(days=3)).isoformat(), None, 3, 2, 1),
        # Held 5, 6 and 7 March, all after the due date of 4 March.
        ("SMG", "new", "2026-02-20", "2026-03-04", "2026-03-10", 6, 3, 3),
        # Held 5, 6 and 7 March; only 7 March is after the due date of 6 March.
        ("SMG", "new", "2026-02-21", "2026-03-06", "2026-03-09", 3, 3, 2),
        ("SMG", "new", "2026-03-02", (today - timedelta(days=1)).isoformat(), None, 1, 0, 1),
    ]
    assert rows[0]["office_name"] == "Kantor Imigrasi Kelas I TPI Ambon"
    assert all(row["reference"] for row in rows)


def test_the_range_bounds_print_dates_of_printed_cases_and_due_dates_of_open_ones(breaches, national_admin):
    february = report_rows(national_admin, "sla", start="2026-02-01", end="2026-03-05")
    assert [(row["office"], row["printed"]) for row in february] == [("SMG", "2026-02-27")]
    late_march = report_rows(national_admin, "sla", start="2026-03-10", end="2026-03-31")
    assert [(row["office"], row["printed"]) for row in late_march] == [("AMQ", "2026-03-13"), ("SMG", "2026-03-10")]


def test_the_application_type_narrows_the_cases(breaches, national_admin):
    rows = report_rows(national_admin, "sla", application_type="renewal", **breaches["range"])
    assert [row["office"] for row in rows] == ["DPS"]


class TestScope:
    def test_an_office_head_reads_their_office(self, breaches, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["SMG"])
        assert [row["office"] for row in report_rows(head, "sla", **breaches["range"])] == ["SMG", "SMG", "SMG"]

    def test_a_regional_supervisor_reads_their_region(self, breaches, member, offices):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=offices["DPS"].region)
        assert [row["office"] for row in report_rows(supervisor, "sla", **breaches["range"])] == ["DPS"]

    def test_a_national_administrator_reads_every_office(self, breaches, national_admin):
        rows = report_rows(national_admin, "sla", **breaches["range"])
        assert {row["office"] for row in rows} == {"AMQ", "DPS", "SBY", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, breaches, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["SMG"])
        assert invalid_param_pairs(report_get(head, "sla", office="DPS")) == [("office", "does_not_exist")]


def test_a_permit_type_is_an_unknown_parameter(breaches, national_admin):
    response = report_get(national_admin, "sla", permit_type="ITAS")
    assert invalid_param_pairs(response) == [("permit_type", "unknown-parameter")]


def test_the_query_count_does_not_grow_with_the_offices(offices, national_admin, django_assert_num_queries):
    """Two late prints at one office, then at three offices, one held by an active outage: the same count."""
    today = offices["SMG"].local_today()
    client = client_for(national_admin)
    query = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}

    def late(office) -> None:
        for _ in range(2):
            passport(
                office,
                created_at=local(today - timedelta(days=20)),
                status=Status.APPROVED,
                sla_due_date=today - timedelta(days=5),
                ready_at=local(today - timedelta(days=10)),
            )

    late(offices["SMG"])
    with django_assert_num_queries(5):
        assert client.get("/api/v1/reports/sla/", query).json()["count"] == 2
    late(offices["DPS"])
    late(offices["AMQ"])
    outage_declare(
        actor=national_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.PRINTING], reason="Pusat Data"
    )
    with django_assert_num_queries(5):
        body = client.get("/api/v1/reports/sla/", query).json()
    assert body["count"] == 6
    assert {row["days_held"] for row in body["results"]} == {1}

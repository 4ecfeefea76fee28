"""The outage impact report: per outage and office it covered, its hours, held cases and clearing day."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from applications.workflow import Status
from casework.calendar import is_working_day
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.models import ReleaseEntry
from recovery.services import release_enlist
from tests.recovery.helpers import held, local, national_outage, resolved_on
from tests.reports.api_helpers import report_get, report_rows
from tests.reports.helpers import utc
from tests.support.api import client_for, invalid_param_pairs

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def impact(row: dict) -> tuple:
    return (row["cases_held"], row["clears_on"], row["clearing"])


def by_outage_and_office(rows: list[dict]) -> dict[tuple[int, str], dict]:
    return {(row["outage"], row["office"]): row for row in rows}


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def declared(outage: Outage, moment: datetime) -> Outage:
    Outage.objects.filter(pk=outage.pk).update(declared_at=moment)
    return Outage.objects.get(pk=outage.pk)


@pytest.fixture
def outages(offices, national_admin, monkeypatch):
    """Four outages of March to today, and one of 2025, with the cases they held, counted by hand."""
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    smg, sby, dps, amq = offices["SMG"], offices["SBY"], offices["DPS"], offices["AMQ"]
    # A national outage from 2 March 10:00 to 5 March 02:00 WIB (64 hours), holding passports
    # approved on 1 March at Semarang (1), Denpasar (1) and Ambon (2).
    national = declared(national_outage(national_admin), local(date(2026, 3, 2), 10))
    for office, count in ((smg, 1), (dps, 1), (amq, 2)):
        held(office, count, start=local(MARCH, 9), status=Status.APPROVED)
    release_enlist(release=resolved_on(national_admin, national, local(date(2026, 3, 5), 2)))
    # Worked at 16:30 UTC on 6 March: 23:30 in Semarang (WIB), 00:30 on 7 March in Denpasar
    # (WITA). One of Ambon's two is still to be worked.
    entries = ReleaseEntry.objects.filter(release_office__release__outage=national)
    entries.filter(office__in=[smg, dps]).update(worked_at=utc(3, 6, 16, 30))
    entries.filter(office=amq).filter(pk=entries.filter(office=amq).order_by("position")[0].pk).update(
        worked_at=utc(3, 6, 2)
    )
    # A national slowdown ending at 16:30 UTC on 28 February: 23:30 that day in Semarang (before
    # the range), 00:30 on 1 March in Denpasar and 01:30 in Ambon (within it).
    slowdown = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Lambat",
        capacity_percent=50,
    )
    Outage.objects.filter(pk=slowdown.pk).update(
        declared_at=utc(2, 27, 3), resolved_at=utc(2, 28, 16, 30), resolved_by=national_admin
    )
    # Surabaya's printer, down for the last 30 hours, holds its 3 approved passports.
    printer = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=sby, capabilities=[Capability.PRINTING], reason="Printer"
    )
    printer = declared(printer, timezone.now() - timedelta(hours=30))
    held(sby, 3, start=local(MARCH, 9), status=Status.APPROVED)
    # Bali's central records at half speed since two days: it holds nothing.
    bali = outage_declare(
        actor=national_admin,
        scope=OutageScope.REGION,
        region=dps.region,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Lambat",
        capacity_percent=50,
    )
    bali = declared(bali, timezone.now() - timedelta(days=2))
    # A Semarang outage of 2025: outside the range.
    old = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="Lama"
    )
    Outage.objects.filter(pk=old.pk).update(
        declared_at=utc(1, 5, 3) - timedelta(days=365),
        resolved_at=utc(1, 6, 3) - timedelta(days=365),
        resolved_by=national_admin,
    )
    return {
        "national": national,
        "slowdown": slowdown,
        "printer": printer,
        "bali": bali,
        "range": {"start": MARCH.isoformat(), "end": smg.local_today().isoformat()},
    }


def test_each_outage_and_office_with_its_hours_held_cases_and_clearing_day(outages, offices, national_admin):
    rows = report_rows(national_admin, "outage-impact", **outages["range"])
    active_offices = Office.objects.filter(is_active=True)
    wita_and_wit = active_offices.exclude(timezone="Asia/Jakarta").count()
    bali_offices = active_offices.filter(region=offices["DPS"].region).count()
    national, slowdown, printer, bali = (outages[name].pk for name in ("national", "slowdown", "printer", "bali"))
    # By declaration: the slowdown, the national outage, the Bali slowdown, Surabaya's printer.
    assert [row["outage"] for row in rows] == (
        [slowdown] * wita_and_wit + [national] * active_offices.count() + [bali] * bali_offices + [printer]
    )
    found = by_outage_and_office(rows)

    first = found[national, "SMG"]
    assert (first["capabilities"], first["capacity_percent"]) == (
        "Basis data pusat (adjudikasi), Penerbitan izin tinggal, Pencetakan paspor",
        None,
    )
    assert (first["declared_at"], first["resolved_at"], first["hours_down"]) == (
        "2026-03-02T10:00:00+07:00",
        "2026-03-05T02:00:00+07:00",
        64,
    )
    assert first["office_name"] == offices["SMG"].name
    assert impact(first) == (1, "2026-03-06", "cleared")
    assert impact(found[national, "DPS"]) == (1, "2026-03-07", "cleared")
    # Ambon's plan: both on Friday 6 March, the first working day after the resolution.
    assert impact(found[national, "AMQ"]) == (2, "2026-03-06", "projected")
    assert impact(found[national, "SBY"]) == (0, None, None)

    assert (slowdown, "SMG") not in found
    assert (found[slowdown, "DPS"]["hours_down"], found[slowdown, "DPS"]["capacity_percent"]) == (38, 50)
    assert impact(found[slowdown, "AMQ"]) == (0, None, None)

    assert impact(found[bali, "DPS"]) == (0, None, None)
    assert found[bali, "DPS"]["scope"] == str(offices["DPS"].region)

    surabaya = found[printer, "SBY"]
    assert (surabaya["scope"], surabaya["capabilities"], surabaya["resolved_at"], surabaya["hours_down"]) == (
        "SBY",
        "Pencetakan paspor",
        None,
        30,
    )
    sby_today = offices["SBY"].local_today()
    assert impact(surabaya) == (3, next_working_day(sby_today).isoformat(), "projected")


def test_the_range_keeps_the_outages_in_effect_on_its_local_days(outages, national_admin):
    rows = report_rows(national_admin, "outage-impact", office="DPS", start="2026-02-01", end="2026-02-28")
    assert [row["outage"] for row in rows] == [outages["slowdown"].pk]
    rows = report_rows(national_admin, "outage-impact", office="SMG", start="2026-03-06", end="2026-03-31")
    assert rows == []


class TestScope:
    def test_an_office_head_reads_their_office(self, outages, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["SBY"])
        rows = report_rows(head, "outage-impact", **outages["range"])
        assert [(row["outage"], row["office"]) for row in rows] == [
            (outages["national"].pk, "SBY"),
            (outages["printer"].pk, "SBY"),
        ]

    def test_a_regional_supervisor_reads_their_region(self, outages, member, offices):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=offices["DPS"].region)
        rows = report_rows(supervisor, "outage-impact", **outages["range"])
        bali = set(Office.objects.filter(region=offices["DPS"].region, is_active=True).values_list("code", flat=True))
        assert {row["office"] for row in rows} == bali
        assert {row["outage"] for row in rows} == {outages[name].pk for name in ("slowdown", "national", "bali")}

    def test_a_national_administrator_reads_every_office(self, outages, national_admin):
        rows = report_rows(national_admin, "outage-impact", **outages["range"])
        assert len({row["office"] for row in rows}) == Office.objects.filter(is_active=True).count()

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, outages, member, offices):
        head = member(Role.OFFICE_HEAD, office=offices["SBY"])
        assert invalid_param_pairs(report_get(head, "outage-impact", office="SMG")) == [("office", "does_not_exist")]


@pytest.mark.parametrize("name", ["application_type", "permit_type"])
def test_no_type_filter_applies(outages, national_admin, name):
    response = report_get(national_admin, "outage-impact", **{name: "new" if name == "application_type" else "ITAS"})
    assert invalid_param_pairs(response) == [(name, "unknown-parameter")]


def test_the_query_count_grows_with_neither_offices_nor_outages(
    offices, national_admin, monkeypatch, django_assert_num_queries
):
    """A resolved and an active outage at one office, then five outages over many offices: the same count."""
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    client = client_for(national_admin)
    today = offices["SMG"].local_today()
    # The period ends on the latest local date among the offices (Jayapura's day starts two hours
    # before Semarang's), so outages declared now fall inside it at any hour of the day.
    latest = max(offices[code].local_today() for code in ("SMG", "DPS", "AMQ"))
    query = {"start": (today - timedelta(days=10)).isoformat(), "end": latest.isoformat()}

    def office_outages(code: str) -> None:
        office = offices[code]
        resolved = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=office,
            capabilities=[Capability.PRINTING],
            reason="P",
        )
        held(office, 2, start=local(today - timedelta(days=5)), status=Status.APPROVED)
        release_enlist(release=resolved_on(national_admin, resolved, timezone.now()))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=office,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="C",
        )
        held(office, 1, start=local(today - timedelta(days=5)))

    office_outages("SMG")
    with django_assert_num_queries(11):
        assert client.get("/api/v1/reports/outage-impact/", query).json()["count"] == 2
    office_outages("DPS")
    office_outages("AMQ")
    outage_declare(
        actor=national_admin,
        scope=OutageScope.REGION,
        region=offices["DPS"].region,
        capabilities=[Capability.PRINTING],
        reason="R",
        capacity_percent=40,
    )
    with django_assert_num_queries(11):
        body = client.get("/api/v1/reports/outage-impact/", query).json()
    bali = Office.objects.filter(region=offices["DPS"].region, is_active=True).count()
    assert body["count"] == 6 + bali

"""The office daily activity report, read from hand-written rollup rows, over the API and in the admin."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from offices.roles import Role
from reports.models import DailyRollup
from tests.reports.api_helpers import report_get, report_rows
from tests.support.api import client_for, invalid_param_pairs

MARCH_2 = date(2026, 3, 2)
MARCH_3 = date(2026, 3, 3)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def rollup(offices):
    """Semarang and Surabaya on two days of March, and Denpasar in February, counted by hand."""
    smg, sby, dps = offices["SMG"], offices["SBY"], offices["DPS"]
    for office, day, measure, key, value in (
        (smg, MARCH_2, "passport_received", "new:appointment", 3),
        (smg, MARCH_2, "passport_received", "renewal:walk_in", 2),
        (smg, MARCH_2, "passport_verified", "new", 1),
        (smg, MARCH_2, "permit_received", "ITAS", 1),
        (smg, MARCH_2, "revenue_idr", "passport:new", 650_000),
        (smg, MARCH_2, "revenue_idr", "permit:ITAS", 1_600_000),
        (smg, MARCH_2, "held", "passport", 4),
        (smg, MARCH_3, "permit_issued", "ITAP", 1),
        (sby, MARCH_2, "passport_received", "new:walk_in", 7),
        (dps, date(2026, 2, 27), "passport_received", "new:walk_in", 9),
    ):
        DailyRollup.objects.create(office=office, day=day, measure=measure, key=key, value=value)
    return offices


def counts(row: dict) -> dict:
    """The row without its zero and empty measures, for short expectations."""
    return {name: value for name, value in row.items() if value not in (0, None)}


def test_each_office_and_day_with_activity_summed_over_types(rollup, national_admin):
    rows = report_rows(national_admin, "office-daily", **MARCH)
    assert [counts(row) for row in rows] == [
        {
            "office": "SBY",
            "office_name": rollup["SBY"].name,
            "day": "2026-03-02",
            "passports_received": 7,
        },
        {
            "office": "SMG",
            "office_name": rollup["SMG"].name,
            "day": "2026-03-02",
            "passports_received": 5,
            "passports_verified": 1,
            "permits_received": 1,
            "revenue_idr": 2_250_000,
            "held": 4,
        },
        {"office": "SMG", "office_name": rollup["SMG"].name, "day": "2026-03-03", "permits_issued": 1},
    ]
    assert (rows[0]["held"], rows[0]["permits_issued"]) == (0, 0)


def test_an_application_type_keeps_that_type_and_leaves_permits_and_held_empty(rollup, national_admin):
    rows = report_rows(national_admin, "office-daily", application_type="new", **MARCH)
    assert [(row["office"], row["day"], row["passports_received"]) for row in rows] == [
        ("SBY", "2026-03-02", 7),
        ("SMG", "2026-03-02", 3),
    ]
    smg = rows[1]
    assert (smg["passports_verified"], smg["revenue_idr"]) == (1, 650_000)
    assert (smg["permits_received"], smg["permits_issued"], smg["held"]) == (None, None, None)


def test_a_permit_type_keeps_that_type_only(rollup, national_admin):
    rows = report_rows(national_admin, "office-daily", permit_type="ITAP", **MARCH)
    assert [(row["office"], row["day"], row["permits_issued"], row["passports_received"]) for row in rows] == [
        ("SMG", "2026-03-03", 1, None)
    ]


def test_region_and_office_filters(rollup, national_admin):
    smg = rollup["SMG"]
    by_region = report_rows(national_admin, "office-daily", region=smg.region.code, **MARCH)
    by_office = report_rows(national_admin, "office-daily", office="smg", **MARCH)
    assert [row["office"] for row in by_region] == [row["office"] for row in by_office] == ["SMG", "SMG"]


def test_the_dates_bound_the_days(rollup, national_admin):
    rows = report_rows(national_admin, "office-daily", start="2026-02-27", end="2026-03-02")
    assert [(row["office"], row["day"]) for row in rows] == [
        ("DPS", "2026-02-27"),
        ("SBY", "2026-03-02"),
        ("SMG", "2026-03-02"),
    ]


def test_without_dates_the_last_thirty_days_through_today(offices, national_admin):
    today = timezone.localdate()
    smg = offices["SMG"]
    for day in (today, today - timedelta(days=29), today - timedelta(days=30)):
        DailyRollup.objects.create(office=smg, day=day, measure="passport_issued", key="new", value=1)
    rows = report_rows(national_admin, "office-daily")
    assert [row["day"] for row in rows] == [(today - timedelta(days=29)).isoformat(), today.isoformat()]


class TestScope:
    def test_an_office_head_reads_their_office(self, rollup, member):
        head = member(Role.OFFICE_HEAD, office=rollup["SMG"])
        assert {row["office"] for row in report_rows(head, "office-daily", **MARCH)} == {"SMG"}

    def test_a_regional_supervisor_reads_their_region(self, rollup, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=rollup["SBY"].region)
        assert {row["office"] for row in report_rows(supervisor, "office-daily", **MARCH)} == {"SBY"}

    def test_a_national_administrator_reads_every_office(self, rollup, national_admin):
        rows = report_rows(national_admin, "office-daily", start="2026-02-01", end="2026-03-31")
        assert {row["office"] for row in rows} == {"DPS", "SBY", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, rollup, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=rollup["SBY"].region)
        outside = report_get(supervisor, "office-daily", office="SMG")
        unknown = report_get(supervisor, "office-daily", office="XYZ")
        assert invalid_param_pairs(outside) == invalid_param_pairs(unknown) == [("office", "does_not_exist")]
        assert "Semarang" not in outside.content.decode()
        region = report_get(supervisor, "office-daily", region=rollup["SMG"].region.code)
        assert invalid_param_pairs(region) == [("region", "does_not_exist")]

    @pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.ADJUDICATOR])
    def test_office_staff_read_no_reports(self, rollup, member, role):
        response = report_get(member(role, office=rollup["SMG"]), "office-daily")
        assert response.status_code == 403
        assert response.json()["code"] == "permission-denied"

    def test_anonymous_callers_are_refused(self, rollup, api_client):
        assert api_client.get("/api/v1/reports/office-daily/").status_code == 401


class TestBadInput:
    def test_a_reversed_range(self, rollup, national_admin):
        response = report_get(national_admin, "office-daily", start="2026-03-10", end="2026-03-09")
        assert invalid_param_pairs(response) == [("end", "range-reversed")]

    def test_two_years_or_more(self, rollup, national_admin):
        just_under = report_get(national_admin, "office-daily", start="2024-03-10", end="2026-03-09")
        assert just_under.status_code == 200
        response = report_get(national_admin, "office-daily", start="2024-03-10", end="2026-03-10")
        assert invalid_param_pairs(response) == [("end", "range-too-long")]

    def test_a_start_alone_after_today_is_a_reversed_range_of_one_day(self, rollup, national_admin):
        tomorrow = timezone.localdate() + timedelta(days=1)
        assert report_get(national_admin, "office-daily", start=tomorrow.isoformat()).status_code == 200

    def test_an_office_outside_the_region(self, rollup, national_admin):
        response = report_get(national_admin, "office-daily", region=rollup["SBY"].region.code, office="SMG")
        assert invalid_param_pairs(response) == [("office", "office-not-in-region")]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"start": "2026-02-30"}, [("start", "invalid")]),
            ({"application_type": "tourist"}, [("application_type", "invalid_choice")]),
            ({"permit_type": "KITAS"}, [("permit_type", "invalid_choice")]),
            ({"region": "99"}, [("region", "does_not_exist")]),
            ({"offices": "SMG"}, [("offices", "unknown-parameter")]),
            ({"page_size": "1000", "day": "2026-03-01"}, [("day", "unknown-parameter")]),
        ],
    )
    def test_field_errors(self, rollup, national_admin, params, expected):
        assert invalid_param_pairs(report_get(national_admin, "office-daily", **params)) == expected

    def test_a_page_past_the_last(self, rollup, national_admin):
        response = report_get(national_admin, "office-daily", page=9, **MARCH)
        assert response.status_code == 404
        assert response.json()["code"] == "not-found"


class TestAdminPage:
    URL = "/admin/reports/dashboard/office-daily/"

    def test_the_rows_of_the_scope(self, rollup, member, client):
        client.force_login(member(Role.REGIONAL_SUPERVISOR, region=rollup["SMG"].region))
        response = client.get(self.URL, MARCH)
        assert response.status_code == 200
        assert [(row["office"], row["day"]) for row in response.context["page"]] == [
            ("SMG", MARCH_2),
            ("SMG", MARCH_3),
        ]
        assert "Rp 2.250.000" in response.content.decode()

    def test_pages_keep_the_filters(self, rollup, national_admin, client, monkeypatch):
        monkeypatch.setattr("reports.admin.pages.PAGE_ROWS", 1)
        client.force_login(national_admin)
        response = client.get(self.URL, {**MARCH, "office": "SMG", "p": 2})
        assert [(row["office"], row["day"]) for row in response.context["page"]] == [("SMG", MARCH_3)]
        html = response.content.decode()
        assert 'href="?start=2026-03-01&amp;end=2026-03-31&amp;office=SMG&amp;p=1"' in html
        assert "p=3" not in html

    def test_bad_filters_show_their_errors_and_no_rows(self, rollup, national_admin, client):
        client.force_login(national_admin)
        response = client.get(self.URL, {"start": "2026-03-10", "end": "2026-03-09"})
        assert response.status_code == 400
        assert "page" not in response.context
        assert [str(error) for error in response.context["errors"]["end"]] == ["Tanggal akhir sebelum tanggal mulai."]

    def test_office_staff_cannot_open_it(self, rollup, member, client):
        client.force_login(member(Role.FRONT_DESK, office=rollup["SMG"]))
        assert client.get(self.URL).status_code == 403

    def test_an_unknown_report(self, rollup, national_admin, client):
        client.force_login(national_admin)
        assert client.get("/admin/reports/dashboard/nothing/").status_code == 404

    def test_csv_download(self, rollup, national_admin, client):
        client.force_login(national_admin)
        response = client.get(self.URL, {**MARCH, "office": "SBY", "export": "csv"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="office-daily_2026-03-01_2026-03-31.csv"'
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        header, row = list(csv.reader(io.StringIO(text)))
        assert header[:4] == ["kantor", "nama kantor", "hari", "paspor diterima"]
        assert row[:4] == ["SBY", rollup["SBY"].name, "2026-03-02", "7"]

    def test_xlsx_download(self, rollup, national_admin, client):
        client.force_login(national_admin)
        response = client.get(self.URL, {**MARCH, "office": "SMG", "export": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 3
        assert rows[1][:2] == ("SMG", rollup["SMG"].name)
        assert (rows[1][2].date(), rows[1][3]) == (MARCH_2, 5)


def test_the_api_refuses_an_xlsx_past_the_rows_built_on_request(rollup, national_admin, settings):
    settings.REPORTS_XLSX_SYNC_ROWS = 2
    client = client_for(national_admin)
    refused = client.get("/api/v1/reports/office-daily/xlsx/", MARCH)
    assert refused.status_code == 422
    assert refused.json()["code"] == "xlsx-too-large"
    assert client.get("/api/v1/reports/office-daily/xlsx/", {**MARCH, "office": "SMG"}).status_code == 200
    assert client.get("/api/v1/reports/office-daily/csv/", MARCH).status_code == 200

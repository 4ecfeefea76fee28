"""What every report owes its readers, checked for each registered one: a fixed number of queries
whatever the number of offices, the same refusals of bad input, the same scope, and exports whose
header row is the report's columns."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from applications.workflow import Status
from offices.roles import Role
from permits.models import PermitStatus
from reports.registry import REPORTS
from reports.services import rollup_refresh
from tests.permits.factories import StayPermitFactory
from tests.reports.api_helpers import report_get
from tests.reports.helpers import passport
from tests.support.api import client_for, invalid_param_pairs

SLUGS = sorted(REPORTS)

# The queries of one API read of each report, without filters: the session and its user, the
# reader's memberships, the offices they oversee, then the report's own query; the reports that name
# people add the personal-data access log's insert. (The outage impact reads more where outages
# exist, a number fixed as well: tests/reports/test_report_outage_impact.py.)
QUERIES = {
    "office-daily": 5,
    "sla": 5,
    "backlog": 5,
    "outage-impact": 5,
    "revenue": 5,
    "permits": 5,
    "permits-expiring": 6,
    "protected-stays": 6,
}

# The offices of Jawa Tengah the fixture puts cases in: one, then three.
ONE_OFFICE = ("SMG",)
THREE_OFFICES = ("SMG", "SKT", "CLP")


def cases_at(offices, codes: tuple[str, ...]) -> None:
    """At each office: passports in several steps over the last days, two stay permits, the rollup."""
    now = timezone.now()
    for code in codes:
        office = offices[code]
        for days, status in ((1, Status.SUBMITTED), (2, Status.APPROVED), (3, Status.PRINTED), (5, Status.ISSUED)):
            passport(office, created_at=now - timedelta(days=days), status=status)
        StayPermitFactory(office=office, valid_until=office.local_today() + timedelta(days=10))
        StayPermitFactory(
            office=office, valid_until=office.local_today() - timedelta(days=3), status=PermitStatus.ACTIVE
        )
        rollup_refresh(office=office, start=office.local_today() - timedelta(days=10), end=office.local_today())


@pytest.fixture
def supervisor(offices, member):
    return member(Role.REGIONAL_SUPERVISOR, region=offices["SMG"].region)


def test_every_report_has_its_query_count():
    assert sorted(QUERIES) == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("codes", [ONE_OFFICE, THREE_OFFICES], ids=["one-office", "three-offices"])
def test_a_fixed_number_of_queries_whatever_the_offices(offices, supervisor, slug, codes):
    cases_at(offices, codes)
    client = client_for(supervisor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/reports/{slug}/")
    assert response.status_code == 200, response.content
    assert len(queries) == QUERIES[slug], [query["sql"] for query in queries]


@pytest.mark.parametrize("slug", SLUGS)
class TestEveryReport:
    def test_a_reversed_range_is_refused(self, offices, supervisor, slug):
        response = report_get(supervisor, slug, start="2026-03-10", end="2026-03-09")
        assert invalid_param_pairs(response) == [("end", "range-reversed")]

    def test_a_range_of_two_years_is_refused(self, offices, supervisor, slug):
        response = report_get(supervisor, slug, start="2024-01-01", end="2026-01-01")
        assert invalid_param_pairs(response) == [("end", "range-too-long")]

    def test_dates_outside_the_years_of_the_records_are_refused(self, offices, supervisor, slug):
        early = report_get(supervisor, slug, start="1999-12-31", end="2000-01-01")
        late = report_get(supervisor, slug, start="9999-12-31", end="9999-12-31")
        assert invalid_param_pairs(early) == [("start", "min_value")]
        assert invalid_param_pairs(late) == [("start", "max_value"), ("end", "max_value")]

    def test_an_office_outside_the_scope_is_refused_like_an_unknown_one(self, offices, supervisor, slug):
        outside = report_get(supervisor, slug, office="SBY")
        unknown = report_get(supervisor, slug, office="QQQ")
        assert invalid_param_pairs(outside) == invalid_param_pairs(unknown) == [("office", "does_not_exist")]

    def test_an_unknown_parameter_is_refused(self, offices, supervisor, slug):
        assert invalid_param_pairs(report_get(supervisor, slug, sort="office")) == [("sort", "unknown-parameter")]

    def test_office_staff_are_refused(self, offices, member, slug):
        response = report_get(member(Role.FRONT_DESK, office=offices["SMG"]), slug)
        assert response.status_code == 403

    def test_a_supervisor_reads_only_their_region(self, offices, supervisor, slug):
        cases_at(offices, ("SMG", "SBY"))
        rows = report_get(supervisor, slug, page_size=1000).json()["results"]
        assert {row["office"] for row in rows} <= {"SMG"}

    def test_the_admin_page_and_its_downloads(self, offices, supervisor, client, slug):
        cases_at(offices, ONE_OFFICE)
        client.force_login(supervisor)
        url = f"/admin/reports/dashboard/{slug}/"
        page = client.get(url)
        assert page.status_code == 200
        headers = [str(column.header) for column in REPORTS[slug].columns]
        text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text))) == headers
        workbook = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
        assert [cell.value for cell in workbook.active[1]] == headers

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_the_api_downloads_take_the_same_filters(self, offices, supervisor, slug, file_format):
        cases_at(offices, ONE_OFFICE)
        client = client_for(supervisor)
        response = client.get(f"/api/v1/reports/{slug}/{file_format}/", {"office": "SMG"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(f'attachment; filename="{slug}_')
        headers = [str(column.header) for column in REPORTS[slug].columns]
        if file_format == "csv":
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            assert next(csv.reader(io.StringIO(text))) == headers
        else:
            assert [cell.value for cell in load_workbook(io.BytesIO(response.content)).active[1]] == headers
        outside = client.get(f"/api/v1/reports/{slug}/{file_format}/", {"office": "SBY"})
        assert invalid_param_pairs(outside) == [("office", "does_not_exist")]
        paged = client.get(f"/api/v1/reports/{slug}/{file_format}/", {"page": "2"})
        assert invalid_param_pairs(paged) == [("page", "unknown-parameter")]


def test_the_index_lists_every_report_with_its_filters(offices, supervisor):
    response = client_for(supervisor).get("/api/v1/reports/")
    assert response.status_code == 200
    entries = {entry["slug"]: entry for entry in response.json()}
    assert sorted(entries) == SLUGS
    daily = entries["office-daily"]
    assert daily["url"] == "http://testserver/api/v1/reports/office-daily/"
    assert daily["filters"] == ["region", "office", "start", "end", "application_type", "permit_type"]

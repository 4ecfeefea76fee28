"""The dashboard: each office today, the charts of a range, the scope, bad filters and local assets."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from applications.workflow import Status
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from permits.models import PermitStatus
from reports.models import DailyRollup
from tests.permits.factories import StayPermitFactory
from tests.permits.test_admin import protected_holder
from tests.recovery.helpers import held, local, national_outage, resolved_on
from tests.reports.helpers import passport, permit

URL = "/admin/reports/dashboard/"

# 16:30 UTC on 2 March: 23:30 in Semarang (WIB), already 3 March in Denpasar (WITA) and Jayapura (WIT).
EVENING = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
MARCH_2 = date(2026, 3, 2)
MARCH_3 = date(2026, 3, 3)


def rollup(*rows: tuple[Office, date, str, str, int]) -> None:
    for office, day, measure, key, value in rows:
        DailyRollup.objects.create(office=office, day=day, measure=measure, key=key, value=value)


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def office_row(response, code: str):
    (row,) = [row for row in response.context["overview"].rows if row.office.code == code]
    return row


def chart(response, slug: str):
    (found,) = [each for each in response.context["overview"].charts if each.slug == slug]
    return found


def svg_of(response, slug: str) -> str:
    html = response.content.decode()
    start = html.index(f'<figure class="dashboard-chart" id="chart-{slug}">')
    return html[start : html.index("</svg>", start)]


class TestEachOfficeByItsOwnToday:
    """Just before midnight in Semarang, Denpasar and Jayapura are already on the next day."""

    @pytest.fixture
    def evening(self, offices, monkeypatch):
        monkeypatch.setattr(timezone, "now", lambda: EVENING)
        smg, dps, djj = offices["SMG"], offices["DPS"], offices["DJJ"]
        assert (smg.local_today(), dps.local_today(), djj.local_today()) == (MARCH_2, MARCH_3, MARCH_3)
        rollup(
            (smg, MARCH_2, "passport_received", "new:appointment", 3),
            (smg, MARCH_2, "passport_received", "renewal:walk_in", 2),
            (smg, MARCH_2, "permit_received", "ITAS", 1),
            (smg, MARCH_3, "passport_received", "new:walk_in", 9),  # not yet Semarang's day
            (dps, MARCH_2, "passport_received", "new:walk_in", 7),  # Denpasar's yesterday
            (dps, MARCH_3, "passport_received", "new:walk_in", 4),
            (djj, MARCH_3, "permit_received", "ITAS", 2),
            # The last 30 days: from 1 February in Semarang, from 2 February in Denpasar.
            (smg, MARCH_2, "sla_met", "new", 3),
            (smg, date(2026, 2, 1), "sla_breached", "new", 1),
            (smg, date(2026, 1, 31), "sla_breached", "new", 5),
            (dps, date(2026, 2, 1), "sla_met", "new", 2),
            (dps, MARCH_3, "sla_breached", "new", 1),
        )
        for office, valid_until, status in (
            (smg, MARCH_2, PermitStatus.ACTIVE),  # its last day is today: expiring
            (smg, date(2026, 5, 1), PermitStatus.ACTIVE),  # today + 60
            (smg, date(2026, 5, 2), PermitStatus.ACTIVE),
            (smg, date(2026, 3, 1), PermitStatus.ACTIVE),  # ended yesterday, not yet marked expired
            (smg, date(2026, 3, 10), PermitStatus.CANCELLED),
            (djj, MARCH_2, PermitStatus.ACTIVE),  # Jayapura's yesterday
            (djj, date(2026, 5, 2), PermitStatus.ACTIVE),  # Jayapura's today + 60
        ):
            StayPermitFactory(office=office, valid_until=valid_until, status=status)
        return offices

    def test_intake_sla_and_expiring_permits_per_office(self, evening, national_admin, client):
        response = dashboard(client, national_admin)
        assert response.status_code == 200
        smg, dps, djj = (office_row(response, code) for code in ("SMG", "DPS", "DJJ"))
        assert (smg.queues["passport"].received, smg.queues["permit"].received) == (5, 1)
        assert (dps.queues["passport"].received, dps.queues["permit"].received) == (4, 0)
        assert (djj.queues["passport"].received, djj.queues["permit"].received) == (0, 2)
        assert (smg.queues["passport"].capacity, smg.queues["permit"].capacity) == (
            evening["SMG"].passport_capacity,
            20,
        )
        assert (smg.sla_met, smg.sla_breached, smg.sla) == (3, 1, 0.75)
        assert (dps.sla_met, dps.sla_breached, dps.sla) == (0, 1, 0.0)
        assert djj.sla is None
        assert (smg.expiring, dps.expiring, djj.expiring) == (2, 0, 1)

    def test_the_totals_line(self, evening, national_admin, client):
        total = dashboard(client, national_admin).context["overview"].total
        assert (total.queues["passport"].received, total.queues["permit"].received) == (9, 3)
        assert (total.sla_met, total.sla_breached, total.sla) == (3, 2, 0.6)
        assert total.expiring == 3
        assert total.queues["passport"].capacity == sum(office.passport_capacity for office in Office.objects.all())

    def test_the_default_range_is_the_last_thirty_days_of_jakarta(self, evening, national_admin, client):
        filters = dashboard(client, national_admin).context["filters"]
        assert (filters.start, filters.end) == (date(2026, 2, 1), MARCH_2)

    def test_before_midnight_utc_every_office_is_already_on_the_next_day(
        self, evening, national_admin, client, monkeypatch
    ):
        # 23:30 UTC on 1 March: 06:30 WIB, 07:30 WITA and 08:30 WIT on 2 March.
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
        response = dashboard(client, national_admin)
        smg, dps, djj = (office_row(response, code) for code in ("SMG", "DPS", "DJJ"))
        assert (smg.queues["passport"].received, smg.queues["permit"].received) == (5, 1)
        assert (dps.queues["passport"].received, djj.queues["permit"].received) == (7, 0)
        assert (dps.sla_met, dps.sla_breached) == (2, 0)  # 1 February is within Denpasar's 30 days now
        assert (smg.expiring, djj.expiring) == (2, 1)


@pytest.fixture
def cases(smg, sby, member):
    """Open and closed cases of Semarang, ten days back at most, and one of Surabaya."""
    now = timezone.now()
    desk = member(Role.FRONT_DESK, office=smg)
    return {
        "oldest": passport(smg, created_at=now - timedelta(days=10), status=Status.SUBMITTED),
        "verified": passport(smg, created_at=now - timedelta(days=5), status=Status.VERIFIED),
        "printed": passport(smg, created_at=now - timedelta(days=2), status=Status.PRINTED),
        "issued": passport(smg, created_at=now - timedelta(days=20), status=Status.ISSUED),
        "rejected": passport(smg, created_at=now - timedelta(days=12), status=Status.REJECTED),
        "permit": permit(smg, desk, number="P100", created_at=now - timedelta(days=3)),
        "surabaya": passport(sby, created_at=now - timedelta(days=30), status=Status.SUBMITTED),
    }


class TestOpenCases:
    def test_open_cases_by_step_and_the_oldest(self, cases, smg, national_admin, client):
        response = dashboard(client, national_admin, office="SMG")
        row = office_row(response, "SMG")
        assert row.queues["passport"].open == {"submitted": 1, "verified": 1, "printed": 1}
        assert row.queues["permit"].open == {"submitted": 1}
        assert (row.queues["passport"].open_count, row.queues["permit"].open_count) == (3, 1)
        assert row.queues["passport"].steps == [1, 0, 1, 0, 0, 0, 0, 1]
        assert row.queues["permit"].steps == [1, 0, 0, 0, 0, 0, 0, None]
        assert row.oldest_reference == cases["oldest"].reference
        assert row.oldest_day == smg.local_date(cases["oldest"].created_at)
        assert cases["oldest"].reference in response.content.decode()

    def test_the_totals_line_keeps_the_oldest_of_all(self, cases, national_admin, client):
        total = dashboard(client, national_admin).context["overview"].total
        assert total.queues["passport"].open == {"submitted": 2, "verified": 1, "printed": 1}
        assert total.oldest_reference == cases["surabaya"].reference

    def test_the_backlog_walks_back_from_the_cases_open_now(self, cases, smg, national_admin, client):
        today = smg.local_today()
        rollup(
            (smg, today, "passport_received", "new:walk_in", 2),
            (smg, today, "passport_issued", "new", 1),
            (smg, today - timedelta(days=1), "passport_rejected", "new", 1),
            (smg, today - timedelta(days=1), "permit_cancelled", "ITAS", 1),
            (smg, today - timedelta(days=2), "permit_received", "ITAS", 1),
            (smg, today - timedelta(days=9), "passport_received", "new:walk_in", 8),  # before the range
        )
        start = (today - timedelta(days=3)).isoformat()
        response = dashboard(client, national_admin, office="SMG", start=start, end=today.isoformat())
        # Open now: three passports and a permit.
        assert [row.values for row in chart(response, "backlog").rows] == [[4], [5], [3], [4]]
        assert [row.values for row in chart(response, "intake").rows] == [[0, 0], [1, 0], [0, 0], [2, 1]]

    def test_a_range_ending_before_today_is_walked_back_through_today(self, cases, smg, national_admin, client):
        today = smg.local_today()
        rollup(
            (smg, today, "passport_received", "new:walk_in", 2),
            (smg, today - timedelta(days=1), "passport_issued", "new", 3),
            (smg, today - timedelta(days=2), "passport_received", "new:walk_in", 1),
        )
        start, end = today - timedelta(days=3), today - timedelta(days=2)
        response = dashboard(client, national_admin, office="SMG", start=start.isoformat(), end=end.isoformat())
        assert [row.values for row in chart(response, "backlog").rows] == [[4], [5]]
        assert [row.day for row in chart(response, "backlog").rows] == [start, end]

    def test_days_after_today_have_no_backlog(self, cases, smg, national_admin, client):
        today = smg.local_today()
        end = today + timedelta(days=1)
        response = dashboard(client, national_admin, office="SMG", start=today.isoformat(), end=end.isoformat())
        assert [row.values for row in chart(response, "backlog").rows] == [[4], [None]]
        assert svg_of(response, "backlog").count('class="chart-point"') == 1


class TestSlaChart:
    def test_the_share_met_per_day_and_none_without_prints(self, smg, sby, national_admin, client):
        today = smg.local_today()
        rollup(
            (smg, today - timedelta(days=2), "sla_met", "new", 3),
            (smg, today - timedelta(days=2), "sla_breached", "renewal", 1),
            (sby, today - timedelta(days=2), "sla_breached", "new", 4),
            (smg, today, "sla_met", "new", 2),
        )
        start = (today - timedelta(days=2)).isoformat()
        both = dashboard(client, national_admin, start=start, end=today.isoformat())
        assert [row.values for row in chart(both, "sla").rows] == [[3 / 8], [None], [1.0]]
        semarang = dashboard(client, national_admin, office="SMG", start=start, end=today.isoformat())
        assert [row.values for row in chart(semarang, "sla").rows] == [[0.75], [None], [1.0]]
        svg = svg_of(semarang, "sla")
        assert svg.count("<polyline") == 2  # the day without prints breaks the line
        assert svg.count('class="chart-point"') == 2


class TestOutages:
    @pytest.fixture
    def outages(self, smg, sby, national_admin):
        today = smg.local_today()
        down = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.PRINTING],
            reason="Printer",
        )
        Outage.objects.filter(pk=down.pk).update(declared_at=local(today - timedelta(days=2), 10))
        held(smg, 2, start=local(today - timedelta(days=5), 9), status=Status.APPROVED)
        held(sby, 1, start=local(today - timedelta(days=5), 9), status=Status.APPROVED)  # printing is up there
        outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=sby,
            capabilities=[Capability.PRINTING],
            reason="Slow printer",
            capacity_percent=50,
        )  # a slowdown holds nothing and is not shaded
        return down

    def test_cases_held_now(self, outages, smg, sby, national_admin, client):
        response = dashboard(client, national_admin, region=smg.region.code)
        assert office_row(response, "SMG").held == 2
        assert response.context["overview"].total.held == 2
        assert office_row(dashboard(client, national_admin, office="SBY"), "SBY").held == 0

    def test_the_outage_is_shaded_on_the_intake_and_backlog_charts(self, outages, smg, national_admin, client):
        today = smg.local_today()
        start = today - timedelta(days=6)
        response = dashboard(client, national_admin, office="SMG", start=start.isoformat(), end=today.isoformat())
        (band,) = chart(response, "intake").bands
        assert (band.band.start, band.band.end) == (today - timedelta(days=2), today)
        assert f"#{outages.pk} (SMG)" in band.band.label
        assert svg_of(response, "intake").count('class="chart-band"') == 1
        assert svg_of(response, "backlog").count('class="chart-band"') == 1
        assert svg_of(response, "sla").count('class="chart-band"') == 0
        assert svg_of(response, "intake").count('class="chart-bar"') == 0  # nothing received nor issued
        table_bands = [row.bands for row in chart(response, "intake").rows]
        assert [bool(bands) for bands in table_bands] == [False] * 4 + [True] * 3

    def test_a_resolved_national_outage_is_shaded_from_declaration_to_resolution(
        self, smg, national_admin, client, monkeypatch
    ):
        monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
        outage = national_outage(national_admin)
        Outage.objects.filter(pk=outage.pk).update(declared_at=local(date(2026, 3, 2), 10))
        resolved_on(national_admin, outage, local(date(2026, 3, 4), 2))
        response = dashboard(client, national_admin, office="SMG", start="2026-03-01", end="2026-03-10")
        (band,) = chart(response, "intake").bands
        assert (band.band.start, band.band.end) == (MARCH_2, date(2026, 3, 4))
        assert (band.x, band.width) == pytest.approx((56 + 65.6, 65.6 * 3))

    def test_an_outage_of_another_office_is_not_shaded(self, outages, sby, national_admin, client):
        today = sby.local_today()
        response = dashboard(client, national_admin, office="SBY", start=(today - timedelta(days=6)).isoformat())
        assert chart(response, "intake").bands == []


def test_people_in_protected_stay(smg, sby, member, national_admin, client):
    desk = member(Role.FRONT_DESK, office=smg)
    protected_holder(office=smg, actor=desk)
    StayPermitFactory(office=smg, valid_until=smg.local_today() - timedelta(days=3), status=PermitStatus.EXPIRED)
    response = dashboard(client, national_admin, region=smg.region.code)
    assert office_row(response, "SMG").protected == 1
    assert response.context["overview"].total.protected == 1


class TestScope:
    def test_an_office_head_sees_their_office(self, smg, member, client):
        response = dashboard(client, member(Role.OFFICE_HEAD, office=smg))
        assert [row.office.code for row in response.context["overview"].rows] == ["SMG"]
        assert [office.code for office in response.context["offices"]] == ["SMG"]

    def test_a_regional_supervisor_sees_their_region(self, sby, member, client):
        response = dashboard(client, member(Role.REGIONAL_SUPERVISOR, region=sby.region))
        codes = [row.office.code for row in response.context["overview"].rows]
        assert codes == sorted(Office.objects.filter(region=sby.region).values_list("code", flat=True))
        assert "SBY" in codes
        assert "SMG" not in codes

    def test_a_national_administrator_sees_every_office(self, offices, national_admin, client):
        response = dashboard(client, national_admin)
        assert len(response.context["overview"].rows) == Office.objects.count()

    def test_an_office_outside_the_scope_is_refused(self, smg, sby, member, client):
        response = dashboard(client, member(Role.OFFICE_HEAD, office=sby), office="SMG")
        assert response.status_code == 400
        assert [error.code for error in response.context["errors"]["office"]] == ["does_not_exist"]
        assert "overview" not in response.context

    @pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.ADJUDICATOR])
    def test_office_staff_cannot_open_it(self, smg, member, client, role):
        assert dashboard(client, member(role, office=smg)).status_code == 403


class TestBadFilters:
    @pytest.mark.parametrize(
        ("params", "field", "code"),
        [
            ({"start": "2026-03-10", "end": "2026-03-09"}, "end", "range-reversed"),
            ({"start": "2024-03-10", "end": "2026-03-10"}, "end", "range-too-long"),
            ({"start": "2026-02-30"}, "start", "invalid"),
            ({"region": "99"}, "region", "does_not_exist"),
            ({"office": "XYZ"}, "office", "does_not_exist"),
        ],
    )
    def test_field_errors_and_no_numbers(self, offices, national_admin, client, params, field, code):
        response = dashboard(client, national_admin, **params)
        assert response.status_code == 400
        assert [error.code for error in response.context["errors"][field]] == [code]
        assert "overview" not in response.context
        assert 'id="dashboard-offices"' not in response.content.decode()
        assert 'class="errorlist"' in response.content.decode()

    def test_an_office_outside_the_region(self, smg, sby, national_admin, client):
        response = dashboard(client, national_admin, region=sby.region.code, office="SMG")
        assert [error.code for error in response.context["errors"]["office"]] == ["office-not-in-region"]

    def test_type_filters_are_not_the_dashboards(self, smg, national_admin, client):
        response = dashboard(client, national_admin, office="SMG", application_type="tourist")
        assert response.status_code == 200


def test_every_asset_is_served_by_the_project(cases, national_admin, client):
    response = dashboard(client, national_admin, office="SMG")
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert "/static/reports/dashboard.css" in urls
    assert [url for url in urls if re.match(r"^(https?:)?//", url)] == []
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('src="/' in script or "src=" not in script for script in scripts)
    assert "cdn" not in html.lower()


def test_the_page_keeps_its_report_links(smg, national_admin, client):
    html = dashboard(client, national_admin, office="SMG").content.decode()
    assert 'href="/admin/reports/dashboard/office-daily/"' in html


class TestQueryCount:
    @pytest.fixture
    def busy(self, offices, member, national_admin):
        """Three offices of Central Java with cases, rollup rows, permits and an outage."""
        smg = offices["SMG"]
        region = [smg, *Office.objects.filter(region=smg.region).exclude(pk=smg.pk).order_by("code")[:2]]
        now = timezone.now()
        for number, office in enumerate(region):
            desk = member(Role.FRONT_DESK, office=office)
            today = office.local_today()
            passport(office, created_at=now - timedelta(days=3), status=Status.SUBMITTED)
            passport(office, created_at=now - timedelta(days=4), status=Status.APPROVED)
            permit(office, desk, number=f"Q{number}", created_at=now - timedelta(days=1))
            StayPermitFactory(office=office, valid_until=today + timedelta(days=10))
            protected_holder(office=office, actor=desk)
            rollup(
                (office, today, "passport_received", "new:walk_in", 2),
                (office, today - timedelta(days=1), "sla_met", "new", 1),
            )
        national_outage(national_admin)
        return smg

    def test_the_same_queries_for_one_office_and_for_three(
        self, busy, national_admin, client, django_assert_num_queries
    ):
        client.force_login(national_admin)
        client.get(URL, {"office": "SMG"})  # warm the session and the content types
        with django_assert_num_queries(22) as one:
            one_office = client.get(URL, {"office": "SMG"})
        with django_assert_num_queries(len(one.captured_queries)):
            region = client.get(URL, {"region": busy.region.code})
        assert len(one_office.context["overview"].rows) == 1
        assert len([row for row in region.context["overview"].rows if row.queues["passport"].open_count]) == 3


class TestSlowdown:
    def test_today_s_capacity_is_reduced_by_a_slowdown_in_force_and_the_page_says_so(
        self, smg, sby, national_admin, client
    ):
        outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Lambat",
            capacity_percent=50,
        )
        rollup((smg, smg.local_today(), "passport_received", "new:walk_in", 28))

        response = dashboard(client, national_admin, region=smg.region.code)

        row = office_row(response, "SMG")
        assert (row.queues["passport"].capacity, row.queues["passport"].percent) == (200, 50)
        assert (row.queues["permit"].capacity, row.queues["permit"].percent) == (10, 50)
        html = response.content.decode()
        assert "28 / 200" in html
        assert "perlambatan: 50% dari kapasitas" in html
        other = next(row for row in response.context["overview"].rows if row.office.code != "SMG")
        assert other.queues["passport"].percent is None
        assert other.queues["passport"].capacity == other.office.passport_capacity

    def test_a_resolved_slowdown_reduces_today_no_more(self, smg, national_admin, client):
        slowdown = outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.PRINTING],
            reason="Lambat",
            capacity_percent=25,
        )
        outage_resolve(actor=national_admin, outage=slowdown)
        row = office_row(dashboard(client, national_admin, office="SMG"), "SMG")
        assert (row.queues["passport"].capacity, row.queues["passport"].percent) == (smg.passport_capacity, None)

"""The impact of an outage: held cases per office and capability, peak, clearing dates, scope, cost."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from applications.workflow import Status
from casework.calendar import is_working_day
from casework.kinds import CaseKind, kinds
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from offices.selectors import Scope
from recovery.impact import (
    BASIS_HELD,
    BASIS_NONE,
    BASIS_RELEASE,
    CLEARED,
    PROJECTED,
    daily_capacities,
    outage_impact,
    outages_with_held,
)
from recovery.models import ReleaseEntry, ReleaseOffice
from recovery.services import office_daily_capacity, recovery_capacity_set
from tests.recovery.helpers import held, local, national_outage, permit_held, release_run, resolved_on
from tests.support.api import client_for
from tests.support.factories import UserFactory

# Hand-worked plans on the calendar of December 2026: its dates stay in the future.
pytestmark = pytest.mark.usefixtures("late_november_2026")

TUESDAY = date(2026, 12, 22)  # Friday the 25th is Christmas Day
START = local(date(2026, 12, 1))
# The outage's capabilities, as declared: sorted.
CAPABILITIES = [Capability.CENTRAL_RECORDS, Capability.PERMIT_ISSUANCE, Capability.PRINTING]


def url(outage: Outage) -> str:
    return f"/api/v1/outages/{outage.pk}/impact/"


def counts(row) -> dict[str, int]:
    return {count.capability: count.count for count in row.held}


def rows_of(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {row["office"]: row for row in response.json()["offices"]}


def api_counts(row: dict) -> dict[str, int]:
    return {count["capability"]: count["count"] for count in row["held"]}


@pytest.fixture
def backlog(smg, sby, member) -> dict[str, Office]:
    """Semarang: 3 cases waiting for central records, 2 for printing, 1 permit for issuance, at 2 a
    day for passports; Surabaya: 4 for central records at 3 a day. Plus cases waiting for nothing."""
    Office.objects.filter(pk=smg.pk).update(passport_capacity=2)
    Office.objects.filter(pk=sby.pk).update(passport_capacity=3)
    smg.refresh_from_db()
    sby.refresh_from_db()
    held(smg, 3, start=START)
    held(smg, 2, start=START + timedelta(hours=1), status=Status.APPROVED)
    held(smg, 1, start=START, status=Status.SUBMITTED)  # waits for nothing the outage takes
    permit_held(smg, member(Role.FRONT_DESK, office=smg), passport="AU1000001", ready_at=START)
    held(sby, 4, start=START)
    return {"SMG": smg, "SBY": sby}


class TestActive:
    def test_held_per_office_and_capability_peak_and_projected_dates(self, backlog, national_admin):
        outage = national_outage(national_admin)

        impact = outage_impact(outage, today=TUESDAY)

        assert impact.basis == BASIS_HELD
        assert not impact.counting
        assert impact.offices_covered == Office.objects.filter(is_active=True).count()
        assert impact.offices_affected == 2
        sby, smg = impact.offices  # by code
        assert (sby.office.code, smg.office.code) == ("SBY", "SMG")
        assert counts(smg) == {"central_records": 3, "permit_issuance": 1, "printing": 2}
        assert counts(sby) == {"central_records": 4, "permit_issuance": 0, "printing": 0}
        assert (smg.held_total, smg.peak, smg.remaining) == (6, 6, 6)
        assert (sby.held_total, sby.peak, sby.remaining) == (4, 4, 4)
        # Semarang, 5 passports at 2 a day: Wed 23 2, Thu 24 2, Fri 25 Christmas, weekend, Mon 28 1;
        # its permit on Wed 23. The later of the two queues.
        assert (smg.clears_on, smg.clearing) == (date(2026, 12, 28), PROJECTED)
        # Surabaya, 4 at 3 a day: Wed 23 3, Thu 24 1.
        assert (sby.clears_on, sby.clearing) == (date(2026, 12, 24), PROJECTED)
        assert counts(impact) == {"central_records": 7, "permit_issuance": 1, "printing": 2}
        assert (impact.held_total, impact.peak, impact.remaining) == (10, 10, 10)
        assert (impact.clears_on, impact.clearing) == (date(2026, 12, 28), PROJECTED)

    def test_projection_starts_after_each_offices_own_today(self, backlog, national_admin):
        outage = national_outage(national_admin)

        sby, smg = outage_impact(outage).offices

        # Semarang's 5 passports at 2 a day take its next three working days, Surabaya's 4 at 3 two.
        day, working = backlog["SMG"].local_today(), []
        while len(working) < 3:
            day += timedelta(days=1)
            if is_working_day(day):
                working.append(day)
        assert (smg.clears_on, sby.clears_on) == (working[2], working[1])

    def test_capabilities_the_outage_does_not_name_are_not_held(self, backlog, national_admin):
        outage = national_outage(national_admin, capabilities=[Capability.PRINTING])

        impact = outage_impact(outage, today=TUESDAY)

        assert [(row.office.code, counts(row)) for row in impact.offices] == [("SMG", {"printing": 2})]
        # 2 at 2 a day: Wednesday.
        assert impact.offices[0].clears_on == date(2026, 12, 23)

    def test_a_region_outage_covers_its_offices_only(self, backlog, national_admin, smg):
        outage = outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=smg.region,
            capabilities=CAPABILITIES,
            reason="Jaringan Jawa Tengah",
        )

        impact = outage_impact(outage, today=TUESDAY)

        assert impact.offices_covered == Office.objects.filter(region=smg.region, is_active=True).count()
        assert [row.office.code for row in impact.offices] == ["SMG"]
        assert impact.held_total == 6

    def test_an_active_slowdown_holds_nothing(self, backlog, national_admin):
        outage = national_outage(national_admin, capacity_percent=50)

        impact = outage_impact(outage, today=TUESDAY)

        assert (impact.basis, impact.offices, impact.held_total, impact.peak) == (BASIS_NONE, (), 0, 0)
        assert counts(impact) == dict.fromkeys(CAPABILITIES, 0)
        assert (impact.clears_on, impact.clearing) == (None, None)

    def test_an_office_without_capacity_has_no_date_rather_than_an_error(self, backlog, national_admin):
        Office.objects.filter(pk=backlog["SBY"].pk).update(passport_capacity=0)
        outage = national_outage(national_admin)

        impact = outage_impact(outage, today=TUESDAY)

        sby = impact.offices[0]
        assert (sby.office.code, sby.held_total, sby.clears_on) == ("SBY", 4, None)
        assert impact.clears_on is None

    def test_overtime_and_earlier_releases_count_as_the_release_would(self, backlog, national_admin, member):
        """The bulk capacities equal ``office_daily_capacity`` of each office and kind."""
        smg = backlog["SMG"]
        recovery_capacity_set(
            actor=member(Role.OFFICE_HEAD, office=smg),
            office=smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 23),
            ends_on=date(2026, 12, 26),
            weekday_extra=1,
            saturday=2,
        )
        earlier = national_outage(national_admin, capabilities=[Capability.PRINTING])
        release_run(release=resolved_on(national_admin, earlier, local(TUESDAY)))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Lambat",
            capacity_percent=50,
        )
        active = list(Outage.objects.active())

        bulk = daily_capacities(
            offices=[smg, backlog["SBY"]], afters={smg.pk: TUESDAY, backlog["SBY"].pk: TUESDAY}, active_outages=active
        )

        for office in (smg, backlog["SBY"]):
            for kind in kinds():
                single = office_daily_capacity(office=office, kind=kind, after=TUESDAY, active_outages=active)
                assert bulk[office.pk, kind.name] == single
        assert bulk[smg.pk, "passport"].booked == {date(2026, 12, 23): 2}
        assert bulk[smg.pk, "passport"].boosts[0].saturday == 2
        assert bulk[smg.pk, "passport"].slowdowns[0].percent == 50


class TestResolved:
    def test_projected_from_the_plan_then_cleared_on_the_local_day_of_the_last_worked(self, backlog, national_admin):
        outage = national_outage(national_admin)
        release = resolved_on(national_admin, outage, local(TUESDAY))
        release_run(release=release)
        outage.refresh_from_db()

        impact = outage_impact(outage)

        assert (impact.basis, impact.counting, impact.offices_affected) == (BASIS_RELEASE, False, 2)
        sby, smg = impact.offices
        assert counts(smg) == {"central_records": 3, "permit_issuance": 1, "printing": 2}
        assert counts(sby) == {"central_records": 4, "permit_issuance": 0, "printing": 0}
        assert (smg.peak, smg.remaining) == (6, 6)
        plans = {
            part.office.code: part.clears_on for part in ReleaseOffice.objects.filter(release=release, total__gt=0)
        }
        assert plans == {"SMG": date(2026, 12, 28), "SBY": date(2026, 12, 24)}
        assert (smg.clears_on, smg.clearing) == (date(2026, 12, 28), PROJECTED)
        assert (sby.clears_on, sby.clearing) == (date(2026, 12, 24), PROJECTED)
        assert (impact.peak, impact.clears_on, impact.clearing) == (10, date(2026, 12, 28), PROJECTED)

        # Semarang works everything, the last case at 06:00 WIB on the 24th (the 23rd in UTC);
        # Surabaya all but one.
        entries = ReleaseEntry.objects.filter(office=backlog["SMG"]).order_by("kind", "position")
        ReleaseEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(worked_at=local(TUESDAY, 15))
        ReleaseEntry.objects.filter(pk=entries.last().pk).update(worked_at=local(date(2026, 12, 24), 6))
        unworked = ReleaseEntry.objects.filter(office=backlog["SBY"]).order_by("position").last()
        ReleaseEntry.objects.filter(office=backlog["SBY"]).exclude(pk=unworked.pk).update(worked_at=local(TUESDAY, 15))

        impact = outage_impact(outage)

        sby, smg = impact.offices
        assert (smg.clears_on, smg.clearing, smg.remaining, smg.peak) == (date(2026, 12, 24), CLEARED, 0, 6)
        assert (sby.clears_on, sby.clearing, sby.remaining, sby.peak) == (date(2026, 12, 24), PROJECTED, 1, 4)
        assert (impact.remaining, impact.peak, impact.clearing) == (1, 10, PROJECTED)

        ReleaseEntry.objects.filter(pk=unworked.pk).update(worked_at=local(date(2026, 12, 23), 9))

        impact = outage_impact(outage)

        assert [(row.office.code, row.clears_on, row.clearing) for row in impact.offices] == [
            ("SBY", date(2026, 12, 23), CLEARED),
            ("SMG", date(2026, 12, 24), CLEARED),
        ]
        assert (impact.clears_on, impact.clearing, impact.remaining) == (date(2026, 12, 24), CLEARED, 0)

    def test_a_release_not_yet_counted_says_so(self, backlog, national_admin):
        outage = national_outage(national_admin)
        resolved_on(national_admin, outage, local(TUESDAY))
        outage.refresh_from_db()

        impact = outage_impact(outage)

        assert (impact.basis, impact.counting, impact.offices, impact.peak) == (BASIS_RELEASE, True, (), 0)

    def test_a_resolved_slowdown_holds_nothing(self, backlog, national_admin):
        outage = national_outage(national_admin, capacity_percent=50)
        outage = outage_resolve(actor=national_admin, outage=outage)

        impact = outage_impact(outage)

        assert (impact.basis, impact.offices, impact.held_total, impact.clearing) == (BASIS_NONE, (), 0, None)


class TestScope:
    def test_a_region_supervisor_sees_semarangs_row_and_totals_only(self, backlog, national_admin, member, smg):
        outage = national_outage(national_admin)
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=smg.region)

        response = client_for(supervisor).get(url(outage))

        assert list(rows_of(response)) == ["SMG"]
        body = response.json()
        assert api_counts(body["offices"][0]) == {"central_records": 3, "permit_issuance": 1, "printing": 2}
        assert api_counts(body) == {"central_records": 3, "permit_issuance": 1, "printing": 2}
        assert (body["held_total"], body["peak"], body["offices_affected"]) == (6, 6, 1)
        assert body["offices_covered"] == Office.objects.filter(region=smg.region, is_active=True).count()
        assert body["basis"] == "held"
        assert body["outage"]["id"] == outage.pk

    def test_the_national_view_has_both_offices(self, backlog, national_admin):
        outage = national_outage(national_admin)

        response = client_for(national_admin).get(url(outage))

        rows = rows_of(response)
        assert list(rows) == ["SBY", "SMG"]
        assert rows["SBY"]["held_total"] == 4
        assert rows["SBY"]["clearing"] == "projected"
        assert response.json()["held_total"] == 10

    def test_an_outage_out_of_scope_is_not_found(self, backlog, national_admin, member, smg, sby):
        outage = outage_declare(
            actor=national_admin, scope=OutageScope.OFFICE, office=sby, capabilities=CAPABILITIES, reason="SBY"
        )
        head = member(Role.OFFICE_HEAD, office=smg)

        response = client_for(head).get(url(outage))
        missing = client_for(national_admin).get("/api/v1/outages/999999/impact/")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not-found"
        assert "held_total" not in response.json()
        assert missing.status_code == 404

    def test_a_reader_without_offices_sees_the_outage_but_no_numbers(self, backlog, national_admin):
        outage = national_outage(national_admin)

        response = client_for(UserFactory()).get(url(outage))

        assert response.status_code == 200
        body = response.json()
        assert (body["offices"], body["held_total"], body["offices_covered"]) == ([], 0, 0)

    def test_an_unknown_query_parameter_is_refused(self, backlog, national_admin):
        outage = national_outage(national_admin)

        response = client_for(national_admin).get(url(outage), {"office": "SMG"})

        assert response.status_code == 400
        assert [row["name"] for row in response.json()["invalid_params"]] == ["office"]

    def test_anonymous_callers_are_refused(self, backlog, national_admin):
        outage = national_outage(national_admin)

        response = APIClient().get(url(outage))

        assert response.status_code == 401
        assert response.json()["code"] == "not-authenticated"

    def test_the_list_total_is_the_impacts_total_in_scope(self, backlog, national_admin, smg):
        # Released first: capabilities another active outage still takes down are not released.
        resolved = national_outage(national_admin, capabilities=[Capability.PRINTING])
        release_run(release=resolved_on(national_admin, resolved, local(TUESDAY)))
        active = national_outage(national_admin)
        slowdown = national_outage(national_admin, capacity_percent=50)
        region = Scope(region_ids=frozenset({smg.region_id}))

        for scope in (Scope(everything=True), region):
            totals = dict(outages_with_held(Outage.objects.all(), scope=scope).values_list("pk", "held_total"))
            for outage in (active, resolved, slowdown):
                outage.refresh_from_db()
                assert totals[outage.pk] == outage_impact(outage, scope=scope, today=TUESDAY).held_total
        assert totals == {active.pk: 6, resolved.pk: 2, slowdown.pk: 0}


def spread(offices: dict[str, Office], count: int) -> list[Office]:
    """One held passport application at each of the first ``count`` offices by code."""
    chosen = [offices[code] for code in sorted(offices)[:count]]
    for office in chosen:
        held(office, 1, start=START)
    return chosen


class TestQueryCounts:
    """A fixed number of queries whatever the number of offices with held cases."""

    # Offices covered, one aggregate per kind of case, the offices, the active outages, recovery
    # capacities, earlier plans, the recorded peaks.
    ACTIVE_QUERIES = 8
    # Offices covered, the release, its entries grouped, its offices' parts, the recorded peaks.
    RELEASE_QUERIES = 5
    # Session, user, memberships, the outage; then the selector's.
    API_QUERIES = 4

    @pytest.mark.parametrize("count", [2, 10])
    def test_active(self, offices, national_admin, django_assert_num_queries, count):
        spread(offices, count)
        outage = Outage.objects.get(pk=national_outage(national_admin).pk)

        with django_assert_num_queries(self.ACTIVE_QUERIES):
            impact = outage_impact(outage, today=TUESDAY)

        assert impact.offices_affected == count

    @pytest.mark.parametrize("count", [2, 10])
    def test_resolved(self, offices, national_admin, django_assert_num_queries, count):
        spread(offices, count)
        outage = national_outage(national_admin)
        release_run(release=resolved_on(national_admin, outage, local(TUESDAY)))
        outage = Outage.objects.get(pk=outage.pk)

        with django_assert_num_queries(self.RELEASE_QUERIES):
            impact = outage_impact(outage)

        assert impact.offices_affected == count

    @pytest.mark.parametrize("count", [2, 10])
    def test_api(self, offices, national_admin, django_assert_num_queries, count):
        spread(offices, count)
        outage = national_outage(national_admin)
        client = client_for(national_admin)

        with django_assert_num_queries(self.API_QUERIES + self.ACTIVE_QUERIES):
            response = client.get(url(outage))

        assert len(rows_of(response)) == count

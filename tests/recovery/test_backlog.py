"""The backlog: which cases are held where, counted per office and capability and listed in fair order.

One hand-made world: cases at Semarang (Jawa Tengah) and Surabaya (Jawa Timur) with known ready
moments; a national outage of central records, a regional one of central records over Jawa Tengah
(overlapping it at Semarang), an office outage of printing at Semarang, a national slowdown of
printing and a resolved outage of permit issuance at Surabaya.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from applications.models import PassportApplication
from applications.workflow import Status
from casework.kinds import kinds
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from permits.models import StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status as PermitStatus
from recovery.backlog import backlog_visible_to, blocking_outages, held_cases, held_cases_visible_to
from tests.applications.service_factories import PassportApplicationFactory
from tests.permits.factories import intake
from tests.recovery.helpers import WIB, held
from tests.support.api import client_for, invalid_param_pairs

BACKLOG = "/api/v1/backlog/"
CASES = "/api/v1/backlog/cases/"
PASSPORT, PERMIT = kinds()


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 6, 20, hour, minute, tzinfo=WIB)


def passport(office: Office, status: str, ready_at: datetime | None):
    return PassportApplicationFactory(office=office, status=status, ready_at=ready_at)


def permit(office: Office, desk, *, number: str, status: str, awaiting: str, ready_at: datetime):
    """A stay permit application at ``office`` put straight into ``status``, waiting for ``awaiting``."""
    application = permit_application_submit(actor=desk, **intake(office=office, foreigner={"passport_number": number}))
    StayPermitApplication.objects.filter(pk=application.pk).update(status=status, awaiting=awaiting, ready_at=ready_at)
    application.refresh_from_db()
    return application


@pytest.fixture
def world(smg, sby, member, national_admin) -> dict[str, Any]:
    smg_desk = member(Role.FRONT_DESK, office=smg)
    sby_desk = member(Role.FRONT_DESK, office=sby)
    cases = {
        "p1": passport(smg, Status.INTERVIEWED, at(9)),
        "p2": passport(smg, Status.INTERVIEWED, at(8)),
        "p3": passport(smg, Status.APPROVED, at(10)),
        "w1": permit(
            smg,
            smg_desk,
            number="A1111111",
            status=PermitStatus.BIOMETRICS_CAPTURED,
            awaiting=Capability.CENTRAL_RECORDS,
            ready_at=at(8, 30),
        ),
        "intake": passport(smg, Status.SUBMITTED, None),
        "p4": passport(sby, Status.INTERVIEWED, at(7)),
        "p5": passport(sby, Status.APPROVED, at(6)),
        "w2": permit(
            sby,
            sby_desk,
            number="B2222222",
            status=PermitStatus.APPROVED,
            awaiting=Capability.PERMIT_ISSUANCE,
            ready_at=at(5),
        ),
    }

    def declare(scope: str, capabilities: list[str], **kwargs: Any) -> Outage:
        return outage_declare(
            actor=national_admin, scope=scope, capabilities=capabilities, reason="Pusat Data Nasional", **kwargs
        )

    outages = {
        "national": declare(OutageScope.NATIONAL, [Capability.CENTRAL_RECORDS]),
        "printing": declare(OutageScope.OFFICE, [Capability.PRINTING], office=smg),
        "jateng": declare(OutageScope.REGION, [Capability.CENTRAL_RECORDS], region=smg.region),
        "slowdown": declare(OutageScope.NATIONAL, [Capability.PRINTING], capacity_percent=50),
        "resolved": declare(OutageScope.OFFICE, [Capability.PERMIT_ISSUANCE], office=sby),
    }
    outage_resolve(actor=national_admin, outage=outages["resolved"])
    return {**cases, **outages}


@pytest.fixture
def national(national_admin) -> APIClient:
    return client_for(national_admin)


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    return [
        (
            row["office"],
            row["kind"],
            row["capability"],
            row["held"],
            datetime.fromisoformat(row["oldest_ready_at"]),
            row["outages"],
        )
        for row in response.json()
    ]


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def expected_rows(world: dict[str, Any], *names: str) -> list[tuple]:
    national, jateng, printing = world["national"].pk, world["jateng"].pk, world["printing"].pk
    rows = {
        "sby-passport-central": ("SBY", "passport", "central_records", 1, at(7), [national]),
        "smg-passport-central": ("SMG", "passport", "central_records", 2, at(8), [national, jateng]),
        "smg-passport-printing": ("SMG", "passport", "printing", 1, at(10), [printing]),
        "smg-permit-central": ("SMG", "permit", "central_records", 1, at(8, 30), [national, jateng]),
    }
    return [rows[name] for name in names]


ALL_ROWS = ("sby-passport-central", "smg-passport-central", "smg-passport-printing", "smg-permit-central")


def cases_of(world: dict[str, Any], *names: str) -> list[str]:
    return [world[name].reference for name in names]


# The selectors --------------------------------------------------------------------------------------


class TestSelectors:
    def test_held_cases_are_those_whose_awaited_capability_a_blocking_outage_takes_down(self, world):
        outages = blocking_outages()

        assert [outage.pk for outage in outages] == [world[name].pk for name in ("national", "printing", "jateng")]
        assert set(held_cases(kind=PASSPORT, outages=outages)) == {world[name] for name in ("p1", "p2", "p3", "p4")}
        assert list(held_cases(kind=PERMIT, outages=outages)) == [world["w1"]]

    def test_without_outages_nothing_is_held_and_nothing_is_read(self, world, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert list(held_cases(kind=PASSPORT, outages=[])) == []

    def test_a_slowdown_or_a_resolved_outage_holds_nothing(self, world):
        slowdown_and_resolved = [world["slowdown"], Outage.objects.get(pk=world["resolved"].pk)]

        assert list(held_cases(kind=PASSPORT, outages=slowdown_and_resolved)) == []
        assert list(held_cases(kind=PERMIT, outages=slowdown_and_resolved)) == []

    def test_the_backlog_counts_per_office_kind_and_capability(self, world, national_admin):
        rows = backlog_visible_to(national_admin)

        assert [
            (row.office.code, row.kind, row.capability, row.held, row.oldest_ready_at, list(row.outages))
            for row in rows
        ] == expected_rows(world, *ALL_ROWS)
        assert rows[0].office.zone.key == "Asia/Jakarta"

    def test_the_case_list_is_in_fair_order_with_the_outages_holding_each(self, world, national_admin):
        rows = list(held_cases_visible_to(national_admin).ordered())

        assert [row["reference"] for row in rows] == cases_of(world, "p4", "p2", "w1", "p1", "p3")
        assert [row["kind"] for row in rows] == ["passport", "passport", "permit", "passport", "passport"]


# GET /api/v1/backlog/ -------------------------------------------------------------------------------


class TestBacklog:
    def test_rows_per_office_kind_and_capability_by_office(self, world, national):
        assert rows_of(national.get(BACKLOG)) == expected_rows(world, *ALL_ROWS)

    def test_overlapping_outages_count_a_case_once_and_both_are_named(self, world, national):
        rows = national.get(BACKLOG, {"office": "SMG", "capability": "central_records"}).json()

        assert [(row["kind"], row["held"], row["outages"]) for row in rows] == [
            ("passport", 2, [world["national"].pk, world["jateng"].pk]),
            ("permit", 1, [world["national"].pk, world["jateng"].pk]),
        ]
        assert rows[0]["office_name"] == world["p1"].office.name

    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({"office": "sby"}, ["sby-passport-central"]),
            ({"region": "Jawa Tengah"}, ["smg-passport-central", "smg-passport-printing", "smg-permit-central"]),
            ({"region": "35"}, ["sby-passport-central"]),
            ({"capability": "printing"}, ["smg-passport-printing"]),
            ({"capability": "permit_issuance"}, []),
            ({"office": "SMG", "capability": "central_records"}, ["smg-passport-central", "smg-permit-central"]),
        ],
    )
    def test_filters(self, world, national, params, names):
        assert rows_of(national.get(BACKLOG, params)) == expected_rows(world, *names)

    def test_an_outage_filter_keeps_the_cases_it_holds_each_row_naming_every_outage_holding_them(self, world, national):
        by_jateng = national.get(BACKLOG, {"outage": world["jateng"].pk})
        by_printing = national.get(BACKLOG, {"outage": world["printing"].pk})

        assert rows_of(by_jateng) == expected_rows(world, "smg-passport-central", "smg-permit-central")
        assert rows_of(by_printing) == expected_rows(world, "smg-passport-printing")

    @pytest.mark.parametrize("name", ["slowdown", "resolved"])
    def test_a_slowdown_or_a_resolved_outage_holds_nothing(self, world, national, name):
        assert rows_of(national.get(BACKLOG, {"outage": world[name].pk})) == []
        assert references(national.get(CASES, {"outage": world[name].pk})) == []


class TestScope:
    def test_an_office_head_reads_their_office(self, world, smg, member):
        head = client_for(member(Role.OFFICE_HEAD, office=smg))

        assert rows_of(head.get(BACKLOG)) == expected_rows(
            world, "smg-passport-central", "smg-passport-printing", "smg-permit-central"
        )
        assert references(head.get(CASES)) == cases_of(world, "p2", "w1", "p1", "p3")

    def test_a_regional_supervisor_reads_their_region(self, world, smg, member):
        supervisor = client_for(member(Role.REGIONAL_SUPERVISOR, region=smg.region))

        assert [row[0] for row in rows_of(supervisor.get(BACKLOG))] == ["SMG", "SMG", "SMG"]
        assert references(supervisor.get(CASES)) == cases_of(world, "p2", "w1", "p1", "p3")

    def test_a_national_administrator_reads_every_office(self, world, national):
        assert {row[0] for row in rows_of(national.get(BACKLOG))} == {"SBY", "SMG"}
        assert references(national.get(CASES)) == cases_of(world, "p4", "p2", "w1", "p1", "p3")

    def test_api_clients_read_their_scope_with_a_token(self, world, smg, member, api_client, token_for):
        client = member(Role.API_CLIENT, office=smg)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client)}")

        assert [row[0] for row in rows_of(api_client.get(BACKLOG))] == ["SMG", "SMG", "SMG"]

    def test_a_national_api_client_reads_every_office(self, world, member):
        client = client_for(member(Role.API_CLIENT))

        assert [row[0] for row in rows_of(client.get(BACKLOG))] == ["SBY", "SMG", "SMG", "SMG"]

    @pytest.mark.parametrize("url", [BACKLOG, CASES])
    def test_an_office_outside_the_scope_is_refused_like_an_unknown_one(self, world, smg, member, url):
        head = client_for(member(Role.OFFICE_HEAD, office=smg))

        outside = head.get(url, {"office": "SBY"})
        unknown = head.get(url, {"office": "NOPE"})

        assert invalid_param_pairs(outside) == invalid_param_pairs(unknown) == [("office", "does_not_exist")]
        outside_reason = outside.json()["invalid_params"][0]["reason"]
        assert outside_reason.replace("SBY", "NOPE") == unknown.json()["invalid_params"][0]["reason"]
        assert "SBY" not in str(outside.json()).replace(outside_reason, "")

    @pytest.mark.parametrize(
        ("params", "name"),
        [({"region": "Jawa Timur"}, "region"), ({"region": "Atlantis"}, "region"), ({"outage": None}, "outage")],
    )
    def test_a_region_or_outage_outside_the_scope_is_refused(self, world, smg, member, params, name):
        head = client_for(member(Role.OFFICE_HEAD, office=smg))
        if name == "outage":
            params = {"outage": world["resolved"].pk}  # Surabaya's

        assert invalid_param_pairs(head.get(BACKLOG, params)) == [(name, "does_not_exist")]

    @pytest.mark.parametrize("url", [BACKLOG, CASES])
    def test_front_desk_staff_do_not_read_the_backlog(self, world, smg, member, url):
        response = client_for(member(Role.FRONT_DESK, office=smg)).get(url)

        assert response.status_code == 403
        assert response.json()["code"] == "permission-denied"

    @pytest.mark.parametrize("url", [BACKLOG, CASES])
    def test_anonymous_callers_are_asked_to_authenticate(self, world, url):
        response = APIClient().get(url)

        assert response.status_code == 401
        assert response.json()["code"] == "not-authenticated"


class TestBadInput:
    @pytest.mark.parametrize(
        ("url", "params", "expected"),
        [
            (BACKLOG, {"colour": "red"}, [("colour", "unknown-parameter")]),
            (BACKLOG, {"cursor": "abc"}, [("cursor", "unknown-parameter")]),
            (BACKLOG, {"capability": "teleport"}, [("capability", "invalid_choice")]),
            (BACKLOG, {"outage": "first"}, [("outage", "incorrect_type")]),
            (BACKLOG, {"outage": "999999"}, [("outage", "does_not_exist")]),
            (CASES, {"colour": "red", "office": "SMG"}, [("colour", "unknown-parameter")]),
            (CASES, {"page_size": "0"}, [("page_size", "min_value")]),
            (CASES, {"page_size": "201"}, [("page_size", "max_value")]),
            (CASES, {"cursor": "not-a-cursor"}, [("cursor", "invalid")]),
            (CASES, {"cursor": "eyJyIjoiMjAyNCJ9"}, [("cursor", "invalid")]),
        ],
    )
    def test_refused_with_the_parameter_named(self, world, national, url, params, expected):
        assert invalid_param_pairs(national.get(url, params)) == expected


# GET /api/v1/backlog/cases/ -------------------------------------------------------------------------


class TestHeldCases:
    def test_fields_of_a_held_case(self, world, national):
        rows = national.get(CASES, {"office": "SMG", "capability": "central_records"}).json()["results"]

        assert rows[1] == {
            "reference": world["w1"].reference,
            "kind": "permit",
            "office": "SMG",
            "status": "biometrics_captured",
            "waiting_for": "central_records",
            "ready_at": rows[1]["ready_at"],
            "held_by": [world["national"].pk, world["jateng"].pk],
        }
        assert datetime.fromisoformat(rows[1]["ready_at"]) == at(8, 30)

    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({"office": "SBY"}, ["p4"]),
            ({"region": "33"}, ["p2", "w1", "p1", "p3"]),
            ({"capability": "printing"}, ["p3"]),
            ({"outage": "national"}, ["p4", "p2", "w1", "p1"]),
            ({"outage": "printing"}, ["p3"]),
        ],
    )
    def test_filters(self, world, national, params, names):
        if "outage" in params:
            params = {"outage": world[params["outage"]].pk}

        assert references(national.get(CASES, params)) == cases_of(world, *names)

    def test_pages_follow_the_fair_order_forward_and_back(self, world, national):
        first = national.get(CASES, {"page_size": 2}).json()
        second = national.get(first["next"]).json()
        third = national.get(second["next"]).json()
        back = national.get(third["previous"]).json()
        front = national.get(back["previous"]).json()

        pages = [[row["reference"] for row in page["results"]] for page in (first, second, third, back, front)]
        assert pages == [
            cases_of(world, "p4", "p2"),
            cases_of(world, "w1", "p1"),
            cases_of(world, "p3"),
            cases_of(world, "w1", "p1"),
            cases_of(world, "p4", "p2"),
        ]
        assert first["previous"] is None
        assert third["next"] is None
        assert front["previous"] is None
        assert "page_size=2" in back["next"]
        assert [row["reference"] for row in national.get(back["next"]).json()["results"]] == cases_of(world, "p3")

    def test_a_tie_is_broken_by_id_then_kind_and_paging_skips_no_case(self, world, smg, national):
        """A passport and a permit ready at the same moment under the same id each keep their place."""
        twin_id = 1 + max(PassportApplication.objects.order_by("-pk")[0].pk, world["w1"].pk)
        twin = PassportApplicationFactory(id=twin_id, office=smg, status=Status.INTERVIEWED, ready_at=at(8, 30))
        StayPermitApplication.objects.filter(pk=world["w1"].pk).update(id=twin_id)

        seen, url = [], f"{CASES}?page_size=1&office=SMG"
        while url:
            page = national.get(url).json()
            seen.extend(row["reference"] for row in page["results"])
            url = page["next"]

        assert seen == [world["p2"].reference, twin.reference, *cases_of(world, "w1", "p1", "p3")]


class TestQueryCounts:
    """Session, user, memberships, the active outages, then one query per kind (rows) or one (a page)."""

    BACKLOG_QUERIES = 6
    CASES_QUERIES = 5

    @pytest.mark.parametrize("count", [2, 20])
    def test_backlog(self, smg, sby, offices, national_admin, django_assert_num_queries, count):
        for office in (smg, sby, offices["JKS"]):
            held(office, count, start=at(7))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Pusat Data Nasional",
        )
        client = client_for(national_admin)

        with django_assert_num_queries(self.BACKLOG_QUERIES):
            response = client.get(BACKLOG)

        assert [(row["office"], row["held"]) for row in response.json()] == [
            ("JKS", count),
            ("SBY", count),
            ("SMG", count),
        ]

    @pytest.mark.parametrize("count", [2, 20])
    def test_cases(self, smg, sby, national_admin, django_assert_num_queries, count):
        for office in (smg, sby):
            held(office, count, start=at(7))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Pusat Data Nasional",
        )
        client = client_for(national_admin)

        with django_assert_num_queries(self.CASES_QUERIES):
            response = client.get(CASES, {"page_size": 2 * count})

        rows = response.json()["results"]
        assert len(rows) == 2 * count
        moments = [datetime.fromisoformat(row["ready_at"]) for row in rows]
        assert moments == sorted(moments)
        assert moments[-1] - moments[0] == timedelta(minutes=count - 1)

"""Reading passport applications: the list, its filters and scope, and fixed query counts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from applications.models import PassportApplication
from applications.workflow import Status
from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from tests.applications.service_factories import ApplicantFactory, PassportApplicationFactory
from tests.support.api import client_for

URL = "/api/v1/passport-applications/"
JAKARTA = ZoneInfo("Asia/Jakarta")


def references(response) -> list[str]:
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def smg_desk(offices, member):
    return client_for(member(Role.FRONT_DESK, office=offices["SMG"]))


@pytest.fixture
def cases(offices) -> dict[str, PassportApplication]:
    """Applications at Semarang (and one at Surabaya) with distinct attributes to filter on."""
    smg = offices["SMG"]
    made = {
        "budi": PassportApplicationFactory(
            office=smg, reference="SMG-240620-0001", applicant=ApplicantFactory(full_name="Budi Santoso")
        ),
        "siti": PassportApplicationFactory(
            office=smg,
            reference="SMG-240621-0001",
            status=Status.VERIFIED,
            service="express",
            applicant=ApplicantFactory(full_name="Siti Aminah"),
        ),
        "walkin": PassportApplicationFactory(
            office=smg,
            reference="SMG-240622-0001",
            status=Status.INTERVIEWED,
            channel="walk_in",
            priority="elderly",
            application_type="renewal",
            previous_passport_number="C1234567",
            applicant=ApplicantFactory(full_name="Slamet Riyadi"),
        ),
        "sby": PassportApplicationFactory(
            office=offices["SBY"], reference="SBY-240620-0001", applicant=ApplicantFactory(full_name="Budi Surabaya")
        ),
    }
    for key, day in (("budi", 20), ("siti", 21), ("walkin", 22), ("sby", 20)):
        PassportApplication.objects.filter(pk=made[key].pk).update(created_at=datetime(2024, 6, day, 9, tzinfo=JAKARTA))
    return made


def test_list_shows_only_the_callers_offices_newest_first(smg_desk, cases):
    response = smg_desk.get(URL)

    assert response.status_code == 200
    assert references(response) == ["SMG-240622-0001", "SMG-240621-0001", "SMG-240620-0001"]
    row = response.json()["results"][2]
    assert row["status"] == "submitted"
    assert row["available_actions"] == ["return-documents", "verify", "cancel"]
    assert row["applicant"]["full_name"] == "Budi Santoso"
    assert row["held_by"] == []


def test_a_regional_supervisor_sees_the_region(offices, member, cases):
    supervisor = client_for(member(Role.REGIONAL_SUPERVISOR, region=offices["SBY"].region))

    response = supervisor.get(URL)

    assert response.status_code == 200
    assert references(response) == ["SBY-240620-0001"]
    assert response.json()["results"][0]["available_actions"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "verified"}, ["SMG-240621-0001"]),
        ({"service": "express"}, ["SMG-240621-0001"]),
        ({"channel": "walk_in"}, ["SMG-240622-0001"]),
        ({"application_type": "renewal"}, ["SMG-240622-0001"]),
        ({"office": "smg"}, ["SMG-240622-0001", "SMG-240621-0001", "SMG-240620-0001"]),
        ({"office": "SBY"}, []),
        ({"created_after": "2024-06-21"}, ["SMG-240622-0001", "SMG-240621-0001"]),
        ({"created_before": "2024-06-21"}, ["SMG-240620-0001"]),
        ({"created_after": "2024-06-21T00:00:00+07:00", "created_before": "2024-06-22"}, ["SMG-240621-0001"]),
        ({"q": "SMG-240621-0001"}, ["SMG-240621-0001"]),
        ({"q": "smg-24062"}, ["SMG-240622-0001", "SMG-240621-0001", "SMG-240620-0001"]),
        ({"q": "budi"}, ["SMG-240620-0001"]),
        ({"q": "aminah"}, ["SMG-240621-0001"]),
    ],
)
def test_filters(smg_desk, cases, query, expected):
    response = smg_desk.get(URL, query)

    assert response.status_code == 200, response.content
    assert references(response) == expected


def test_q_finds_an_exact_nik(smg_desk, cases):
    nik = cases["siti"].applicant.nik

    exact = smg_desk.get(URL, {"q": nik})
    partial = smg_desk.get(URL, {"q": nik[:12]})

    assert references(exact) == ["SMG-240621-0001"]
    assert references(partial) == []


def test_q_never_reaches_outside_scope(smg_desk, cases):
    response = smg_desk.get(URL, {"q": cases["sby"].reference})

    assert response.status_code == 200
    assert references(response) == []


@pytest.mark.parametrize(
    ("query", "name", "code"),
    [
        ({"stauts": "verified"}, "stauts", "unknown-parameter"),
        ({"status": "lost"}, "status", "invalid_choice"),
        ({"created_after": "yesterday"}, "created_after", "invalid"),
    ],
)
def test_bad_query_parameters_are_refused(smg_desk, cases, query, name, code):
    response = smg_desk.get(URL, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert [(row["name"], row["code"]) for row in response.json()["invalid_params"]] == [(name, code)]


def test_cursor_pages_through_without_repeats(smg_desk, cases):
    first = smg_desk.get(URL, {"page_size": 2})
    second = APIClient.get(smg_desk, first.json()["next"])

    assert references(first) == ["SMG-240622-0001", "SMG-240621-0001"]
    assert references(second) == ["SMG-240620-0001"]
    assert second.json()["next"] is None


def test_list_shows_what_holds_each_case(offices, national_admin, smg_desk, cases):
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.CENTRAL_RECORDS], reason="PDN"
    )

    response = smg_desk.get(URL)

    held = {row["reference"]: [o["id"] for o in row["held_by"]] for row in response.json()["results"]}
    assert held == {"SMG-240622-0001": [outage.pk], "SMG-240621-0001": [], "SMG-240620-0001": []}


class TestQueryCounts:
    """A fixed number of queries whatever the page size: session, user, memberships, page, outages, and
    the personal-data access log's one insert."""

    LIST_QUERIES = 6

    @pytest.mark.parametrize("count", [3, 30])
    def test_list(self, offices, member, national_admin, django_assert_num_queries, count):
        smg = offices["SMG"]
        region = offices["SMG"].region
        outage_declare(
            actor=national_admin, scope=OutageScope.REGION, region=region, capabilities=["printing"], reason="x"
        )
        # Approved cases are held by the printing outage: each row's held_by is filled.
        statuses = [Status.APPROVED, Status.SUBMITTED, *Status]
        for index in range(count):
            PassportApplicationFactory(office=smg, status=statuses[index % len(statuses)])
        client = client_for(member(Role.FRONT_DESK, office=smg))

        with django_assert_num_queries(self.LIST_QUERIES):
            response = client.get(URL, {"page_size": count})

        assert response.status_code == 200
        assert len(response.json()["results"]) == count
        held = [row["reference"] for row in response.json()["results"] if row["held_by"]]
        assert len(held) == PassportApplication.objects.filter(status=Status.APPROVED).count() >= 1

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.INTERVIEWED])
    def test_detail(self, offices, member, django_assert_num_queries, status):
        application = PassportApplicationFactory(office=offices["SMG"], status=status)
        client = client_for(member(Role.ADJUDICATOR, office=offices["SMG"]))
        # Session, user, memberships, the application; the outages holding it when its next step needs a
        # capability; the personal-data access log's insert.
        expected = 6 if status == Status.INTERVIEWED else 5

        with django_assert_num_queries(expected):
            response = client.get(f"{URL}{application.reference}/")

        assert response.status_code == 200
        assert response.json()["reference"] == application.reference

    def test_history(self, offices, member, django_assert_num_queries):
        application = PassportApplicationFactory(office=offices["SMG"])
        client = client_for(member(Role.FRONT_DESK, office=offices["SMG"]))

        # Session, user, memberships, the application, its recorded steps, its events with their
        # context, the personal-data access log's insert.
        with django_assert_num_queries(7):
            response = client.get(f"{URL}{application.reference}/history/")

        assert response.status_code == 200
        # Written straight into the table by the factory, not by the intake service: no step names it.
        assert [(entry["action"], entry["actor"]) for entry in response.json()] == [("create", "")]

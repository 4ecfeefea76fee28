"""Reading stay permit applications: GET /api/v1/stay-permit-applications/ with its filters."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from permits.models import StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import StayPermitFactory, extension_of, intake, moved_to
from tests.support.api import client_for

URL = "/api/v1/stay-permit-applications/"


def references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def submit(
    office, actor, *, passport: str, status: str = Status.SUBMITTED, days: int = 90, **overrides: Any
) -> StayPermitApplication:
    """An application of a foreigner with ``passport`` for ``days`` days, moved straight to ``status``."""
    foreigner = {"passport_number": passport, **overrides.pop("foreigner", {})}
    start = office.local_today()
    application = permit_application_submit(
        actor=actor,
        **intake(office=office, foreigner=foreigner, requested_until=start + timedelta(days=days - 1), **overrides),
    )
    return moved_to(application, status)


@pytest.fixture
def cases(smg, sby, member) -> dict[str, StayPermitApplication]:
    """Applications at Semarang and Surabaya that differ in one thing each."""
    smg_desk = member(Role.FRONT_DESK, office=smg)
    sby_desk = member(Role.FRONT_DESK, office=sby)
    permit = StayPermitFactory(office=smg, valid_until=smg.local_today() + timedelta(days=10))
    return {
        "smith": submit(smg, smg_desk, passport="GB1111111", foreigner={"full_name": "John Smith"}),
        "tanaka": submit(
            smg,
            smg_desk,
            passport="JP2222222",
            status=Status.VERIFIED,
            foreigner={"full_name": "Haruki Tanaka", "nationality": "JPN"},
            sponsor={"kind": "person", "nib": "", "nik": "3374011705900001", "name": "Budi Santoso"},
        ),
        "itk": submit(
            smg,
            smg_desk,
            passport="AU3333333",
            days=30,
            foreigner={"full_name": "Mia Brown", "nationality": "AUS"},
            permit_type="ITK",
            purpose="visit",
        ),
        "extension": permit_application_submit(actor=smg_desk, **extension_of(permit, office=smg, days=90)),
        "surabaya": submit(sby, sby_desk, passport="GB4444444", foreigner={"full_name": "Jane Smith"}),
    }


@pytest.fixture
def admin_client(national_admin) -> APIClient:
    return client_for(national_admin)


def expected(cases: dict[str, StayPermitApplication], *names: str) -> set[str]:
    return {cases[name].reference for name in names}


def test_office_staff_see_only_their_office(smg, cases, member):
    response = client_for(member(Role.INTERVIEWER, office=smg)).get(URL)

    assert references(response) == expected(cases, "smith", "tanaka", "itk", "extension")


def test_a_national_administrator_sees_every_office_newest_first(cases, admin_client):
    response = admin_client.get(URL)

    assert [row["reference"] for row in response.json()["results"]] == [
        cases[name].reference for name in ("surabaya", "extension", "itk", "tanaka", "smith")
    ]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"office": "sby"}, ["surabaya"]),
        ({"status": "verified"}, ["tanaka"]),
        ({"permit_type": "ITK"}, ["itk"]),
        ({"application_kind": "extension"}, ["extension"]),
        ({"nationality": "jpn"}, ["tanaka"]),
        ({"sponsor": "3374011705900001"}, ["tanaka"]),
        ({"sponsor": "9120001234567"}, ["smith", "itk", "extension", "surabaya"]),
        ({"q": "smith"}, ["smith", "surabaya"]),
        ({"q": "jp2222222"}, ["tanaka"]),
        ({"q": "SBY-WNA"}, ["surabaya"]),
        ({"office": "SMG", "permit_type": "ITAS", "application_kind": "new"}, ["smith", "tanaka"]),
    ],
)
def test_filters(cases, admin_client, params, names):
    assert references(admin_client.get(URL, params)) == expected(cases, *names)


def test_created_after_and_before(cases, admin_client):
    earlier = timezone.now() - timedelta(days=3)
    StayPermitApplication.objects.filter(pk=cases["smith"].pk).update(created_at=earlier)
    cutoff = (earlier + timedelta(days=1)).isoformat()

    before = admin_client.get(URL, {"created_before": cutoff})
    after = admin_client.get(URL, {"created_after": cutoff})

    assert references(before) == expected(cases, "smith")
    assert references(after) == expected(cases, "tanaka", "itk", "extension", "surabaya")


@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({"colour": "red"}, "colour", "unknown-parameter"),
        ({"status": "printed"}, "status", "invalid_choice"),
        ({"created_after": "yesterday"}, "created_after", "invalid"),
    ],
)
def test_unknown_or_malformed_parameters_are_refused(cases, admin_client, params, name, code):
    response = admin_client.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [(row["name"], row["code"]) for row in response.json()["invalid_params"]] == [(name, code)]


def test_held_by_lists_the_outage_holding_each_row(smg, cases, admin_client, national_admin):
    moved_to(cases["tanaka"], Status.BIOMETRICS_CAPTURED)
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.CENTRAL_RECORDS], reason="PDN"
    )

    response = admin_client.get(URL)

    held = {row["reference"]: [o["id"] for o in row["held_by"]] for row in response.json()["results"]}
    assert held[cases["tanaka"].reference] == [outage.pk]
    assert [reference for reference, outages in held.items() if outages] == [cases["tanaka"].reference]


class TestQueryCounts:
    """A fixed number of queries whatever the page size: session, user, memberships, page, outages, and
    the personal-data access log's one insert."""

    LIST_QUERIES = 6

    @pytest.mark.parametrize("count", [3, 30])
    def test_list(self, smg, member, national_admin, django_assert_num_queries, count):
        outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=smg.region,
            capabilities=[Capability.PERMIT_ISSUANCE],
            reason="card printer",
        )
        desk = member(Role.FRONT_DESK, office=smg)
        statuses = [Status.APPROVED, Status.ISSUED, Status.SUBMITTED, Status.BIOMETRICS_CAPTURED]
        for index in range(count):
            submit(smg, desk, passport=f"X{index:08d}", status=statuses[index % len(statuses)])
        client = client_for(desk)

        with django_assert_num_queries(self.LIST_QUERIES):
            response = client.get(URL, {"page_size": count})

        rows = response.json()["results"]
        assert len(rows) == count
        held = [row["reference"] for row in rows if row["held_by"]]
        assert len(held) == StayPermitApplication.objects.filter(status=Status.APPROVED).count() >= 1
        assert all(row["available_actions"] == ["cancel"] for row in rows if row["status"] == "approved")

    def test_detail(self, smg, member, django_assert_num_queries):
        desk = member(Role.FRONT_DESK, office=smg)
        application = submit(smg, desk, passport="D00000001")
        client = client_for(desk)

        # Session, user, memberships, the application with its foreigner, sponsor and permits, the
        # access log's insert.
        with django_assert_num_queries(5):
            response = client.get(f"{URL}{application.reference}/")

        assert response.status_code == 200
        assert response.json()["reference"] == application.reference

    def test_history(self, smg, member, django_assert_num_queries):
        desk = member(Role.FRONT_DESK, office=smg)
        application = submit(smg, desk, passport="H00000001")
        client = client_for(desk)

        # Session, user, memberships, the application, its recorded steps, its events with their
        # context, the access log's insert.
        with django_assert_num_queries(7):
            response = client.get(f"{URL}{application.reference}/history/")

        assert [entry["action"] for entry in response.json()] == ["submit"]

"""Issued permits and stay exceptions: /api/v1/stay-permits/, /{number}/ and /protected/."""

from datetime import timedelta

import pytest

from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from permits.models import PermitStatus, PermitType, StayPermit, StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import ForeignerFactory, StayPermitFactory, extension_of, moved_to
from tests.support.api import client_for

URL = "/api/v1/stay-permits/"
PROTECTED_URL = "/api/v1/stay-permits/protected/"
FINE_PER_DAY = 1_000_000


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def ended(office, *, days_ago: int, **kwargs) -> StayPermit:
    """A permit whose last day was ``days_ago`` days ago, marked expired as the nightly task would."""
    return StayPermitFactory(
        office=office,
        valid_until=office.local_today() - timedelta(days=days_ago),
        status=PermitStatus.EXPIRED,
        **kwargs,
    )


def protected(office, permit: StayPermit, actor, *, ended_days_ago: int) -> StayPermitApplication:
    """An extension of ``permit`` filed while it ran, still pending ``ended_days_ago`` days after it ended.

    Filed through the service while the permit runs (so the rules accept it), then both are moved back
    in time as if the days had passed.
    """
    application = permit_application_submit(actor=actor, **extension_of(permit, office=office, days=90))
    today = permit.office.local_today()
    StayPermit.objects.filter(pk=permit.pk).update(
        valid_until=today - timedelta(days=ended_days_ago), status=PermitStatus.EXPIRED
    )
    StayPermitApplication.objects.filter(pk=application.pk).update(filed_on=today - timedelta(days=ended_days_ago + 1))
    application.refresh_from_db()
    return application


def running(office, *, days_left: int = 20, **kwargs) -> StayPermit:
    return StayPermitFactory(office=office, valid_until=office.local_today() + timedelta(days=days_left), **kwargs)


class TestList:
    @pytest.fixture
    def permits(self, smg, sby) -> dict[str, StayPermit]:
        today = smg.local_today()
        return {
            "itas": running(smg),
            "itk": StayPermitFactory(
                office=smg,
                permit_type=PermitType.ITK,
                valid_from=today - timedelta(days=5),
                valid_until=today + timedelta(days=24),
                holder=ForeignerFactory(nationality="JPN"),
            ),
            "expired": ended(smg, days_ago=3),
            "surabaya": running(sby, days_left=200),
        }

    def test_office_staff_see_their_office_newest_first(self, smg, permits, member):
        response = client_for(member(Role.FRONT_DESK, office=smg)).get(URL)

        assert numbers(response) == [permits[name].number for name in ("expired", "itk", "itas")]
        row = response.json()["results"][1]
        assert row["permit_type"] == "ITK"
        assert row["office"] == "SMG"
        assert row["holder"]["nationality"] == "JPN"
        assert row["status"] == "active"

    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({"office": "sby"}, ["surabaya"]),
            ({"type": "ITK"}, ["itk"]),
            ({"nationality": "jpn"}, ["itk"]),
            ({"status": "expired"}, ["expired"]),
            ({"expires_before": "TODAY"}, ["expired"]),
            ({"expires_after": "TODAY+100"}, ["surabaya"]),
            ({"expires_after": "TODAY", "expires_before": "TODAY+100", "office": "SMG"}, ["itk", "itas"]),
        ],
    )
    def test_filters(self, smg, permits, national_admin, params, names):
        today = smg.local_today()
        days = {"TODAY": today, "TODAY+100": today + timedelta(days=100)}
        params = {name: days.get(value, value).__str__() for name, value in params.items()}

        response = client_for(national_admin).get(URL, params)

        assert set(numbers(response)) == {permits[name].number for name in names}

    def test_an_unknown_type_is_refused(self, permits, national_admin):
        response = client_for(national_admin).get(URL, {"type": "KITAS"})

        assert response.status_code == 400
        assert [(row["name"], row["code"]) for row in response.json()["invalid_params"]] == [("type", "invalid_choice")]

    @pytest.mark.parametrize("count", [3, 30])
    def test_query_count_is_fixed(self, smg, member, django_assert_num_queries, count):
        for _ in range(count):
            running(smg)
        client = client_for(member(Role.FRONT_DESK, office=smg))

        # Session, user, memberships, the page with holder, sponsor, office, application and previous
        # permit, the access log's insert.
        with django_assert_num_queries(5):
            response = client.get(URL, {"page_size": count})

        assert len(numbers(response)) == count


class TestDetail:
    def test_a_running_permit_covers_its_holder(self, smg, member):
        permit = running(smg)

        response = client_for(member(Role.FRONT_DESK, office=smg)).get(f"{URL}{permit.number}/")

        assert response.status_code == 200
        assert response.json()["permit"]["number"] == permit.number
        assert response.json()["permit"]["valid_until"] == permit.valid_until.isoformat()
        assert response.json()["stay"] == {
            "state": "covered",
            "day": smg.local_today().isoformat(),
            "since": permit.valid_from.isoformat(),
            "overstay_days": 0,
            "fine_idr": 0,
        }

    def test_an_ended_permit_without_application_shows_the_overstay_and_its_fine(self, smg, member):
        permit = ended(smg, days_ago=10)

        response = client_for(member(Role.FRONT_DESK, office=smg)).get(f"{URL}{permit.number}/")

        stay = response.json()["stay"]
        assert stay["state"] == "overstaying"
        assert stay["since"] == (permit.valid_until + timedelta(days=1)).isoformat()
        assert stay["overstay_days"] == 10
        assert stay["fine_idr"] == 10 * FINE_PER_DAY

    def test_a_pending_timely_extension_protects_the_holder(self, smg, member):
        desk = member(Role.FRONT_DESK, office=smg)
        permit = running(smg)
        protected(smg, permit, desk, ended_days_ago=4)

        response = client_for(desk).get(f"{URL}{permit.number}/")

        assert response.json()["stay"]["state"] == "protected"
        assert response.json()["stay"]["overstay_days"] == 0
        assert response.json()["stay"]["fine_idr"] == 0

    def test_a_permit_of_another_office_does_not_exist_for_the_caller(self, smg, sby, member):
        permit = running(sby)

        response = client_for(member(Role.FRONT_DESK, office=smg)).get(f"{URL}{permit.number}/")

        assert response.status_code == 404
        assert response.json()["code"] == "not-found"


class TestProtected:
    @pytest.fixture
    def desk(self, smg, member):
        return member(Role.FRONT_DESK, office=smg)

    def test_rows_of_protected_and_overstaying_holders_most_urgent_first(self, smg, sby, desk):
        overstay = ended(smg, days_ago=10)
        permit = running(smg)
        application = protected(smg, permit, desk, ended_days_ago=4)
        running(smg)  # still covered: not an exception
        ended(sby, days_ago=30)  # another office

        response = client_for(desk).get(PROTECTED_URL)

        assert response.status_code == 200
        rows = response.json()["results"]
        assert [row["permit"] for row in rows] == [overstay.number, permit.number]
        assert rows[0] == {
            "state": "overstaying",
            "holder": {
                "full_name": overstay.holder.full_name,
                "nationality": "AUS",
                "passport_number": overstay.holder.passport_number,
            },
            "permit": overstay.number,
            "permit_type": "ITAS",
            "office": "SMG",
            "expired_on": overstay.valid_until.isoformat(),
            "since": (overstay.valid_until + timedelta(days=1)).isoformat(),
            "application": None,
            "held_by": [],
            "overstay_days": 10,
            "fine_idr": 10 * FINE_PER_DAY,
        }
        assert rows[1]["state"] == "protected"
        assert rows[1]["application"] == application.reference
        assert rows[1]["since"] == (smg.local_today() - timedelta(days=3)).isoformat()
        assert (rows[1]["overstay_days"], rows[1]["fine_idr"]) == (0, 0)

    @pytest.mark.parametrize(("state", "index"), [("protected", 1), ("overstaying", 0)])
    def test_filter_by_state(self, smg, desk, state, index):
        permits = [ended(smg, days_ago=10), running(smg)]
        protected(smg, permits[1], desk, ended_days_ago=4)

        response = client_for(desk).get(PROTECTED_URL, {"state": state})

        assert [row["permit"] for row in response.json()["results"]] == [permits[index].number]
        assert response.json()["results"][0]["state"] == state

    def test_filter_by_office(self, smg, sby, national_admin):
        ended(smg, days_ago=10)
        surabaya = ended(sby, days_ago=2)

        response = client_for(national_admin).get(PROTECTED_URL, {"office": "sby"})

        assert [row["permit"] for row in response.json()["results"]] == [surabaya.number]

    @pytest.mark.parametrize(("params", "name", "code"), [({"state": "covered"}, "state", "invalid_choice"), ({"x": "1"}, "x", "unknown-parameter")])  # fmt: skip
    def test_bad_parameters_are_refused(self, desk, params, name, code):
        response = client_for(desk).get(PROTECTED_URL, params)

        assert response.status_code == 400
        assert [(row["name"], row["code"]) for row in response.json()["invalid_params"]] == [(name, code)]

    def test_held_by_names_the_outage_holding_the_protecting_application(self, smg, desk, national_admin):
        application = protected(smg, running(smg), desk, ended_days_ago=4)
        moved_to(application, Status.APPROVED)
        outage = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.PERMIT_ISSUANCE],
            reason="card printer broken",
        )

        response = client_for(desk).get(PROTECTED_URL)

        (row,) = response.json()["results"]
        assert [held["id"] for held in row["held_by"]] == [outage.pk]
        assert row["held_by"][0]["reason"] == "card printer broken"

    def test_an_application_filed_at_an_office_outside_the_scope_protects_without_its_reference(
        self, smg, sby, desk, member, national_admin
    ):
        permit = running(smg)
        application = protected(sby, permit, member(Role.FRONT_DESK, office=sby), ended_days_ago=4)

        mine = client_for(desk).get(PROTECTED_URL)
        national = client_for(national_admin).get(PROTECTED_URL)

        assert [(row["state"], row["application"]) for row in mine.json()["results"]] == [("protected", None)]
        assert [row["application"] for row in national.json()["results"]] == [application.reference]

    @pytest.mark.parametrize("count", [2, 20])
    def test_query_count_is_fixed(self, smg, desk, national_admin, django_assert_num_queries, count):
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="PDN",
        )
        for index in range(count):
            if index % 2:
                ended(smg, days_ago=index + 1)
            else:
                protected(smg, running(smg), desk, ended_days_ago=index + 1)
        client = client_for(desk)

        # Session, user, memberships, the page, its protecting applications, the active outages, the
        # access log's insert.
        with django_assert_num_queries(7):
            response = client.get(PROTECTED_URL, {"page_size": count})

        rows = response.json()["results"]
        assert len(rows) == count
        assert sorted({row["state"] for row in rows}) == ["overstaying", "protected"]
        assert all(row["application"] for row in rows if row["state"] == "protected")

    def test_the_protected_list_is_not_taken_for_a_permit_number(self, desk):
        response = client_for(desk).get(PROTECTED_URL)

        assert response.status_code == 200
        assert response.json()["results"] == []


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(PROTECTED_URL).status_code == 401

"""Intake over the API: POST /api/v1/passport-applications/."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from applications.models import Applicant, PassportApplication
from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from plumbing.models import IdempotencyKey
from tests.applications.service_factories import applicant_body, create_body
from tests.support.api import client_for, invalid_params

URL = "/api/v1/passport-applications/"


@pytest.fixture
def smg_desk(offices, member):
    return member(Role.FRONT_DESK, office=offices["SMG"])


def test_create_returns_the_application_with_fee_reference_and_actions(offices, smg_desk):
    response = client_for(smg_desk).post(URL, create_body(note="first visit"), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    today = offices["SMG"].local_today()
    assert body["reference"] == f"SMG-{today:%y%m%d}-0001"
    assert body["status"] == "submitted"
    assert body["version"] == 1
    assert body["fee_idr"] == 950_000
    assert body["office"] == "SMG"
    assert body["available_actions"] == ["return-documents", "verify", "cancel"]
    assert body["held_by"] == []
    assert body["sla_due_date"] is None
    assert body["sla_breached"] is None
    assert body["applicant"]["nik"] == "3374011705900001"
    assert body["applicant"]["phone"] == "+6281234567890"
    application = PassportApplication.objects.get(reference=body["reference"])
    assert application.created_by == smg_desk
    assert application.applicant.full_name == "Budi Santoso"


def test_second_create_at_the_office_gets_the_next_number_and_reuses_the_applicant(offices, smg_desk):
    client = client_for(smg_desk)
    first = client.post(URL, create_body(), format="json")
    second = client.post(
        URL,
        create_body(applicant=applicant_body(phone="+62 812-9999-8888"), passport_kind="non_electronic"),
        format="json",
    )

    assert first.status_code == 201
    assert second.status_code == 201, second.content
    assert re.fullmatch(r"SMG-\d{6}-0002", second.json()["reference"])
    assert second.json()["fee_idr"] == 650_000
    assert Applicant.objects.count() == 1
    assert Applicant.objects.get().phone == "+6281299998888"


@pytest.mark.parametrize(
    ("body", "fee"),
    [
        ({"passport_kind": "non_electronic", "validity_years": 5}, 350_000),
        ({"service": "express"}, 1_950_000),
        ({"application_type": "replacement_lost", "previous_passport_number": "C1234567"}, 1_950_000),
        ({"application_type": "replacement_damaged", "previous_passport_number": "C1234567"}, 1_450_000),
        ({"channel": "walk_in", "priority": "elderly"}, 950_000),
    ],
)
def test_fee_follows_the_fee_table(offices, smg_desk, body, fee):
    response = client_for(smg_desk).post(URL, create_body(**body), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["fee_idr"] == fee


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("33740117059000", "nik-format"),
        ("33740117059000AB", "nik-format"),
        ("9974011705900001", "nik-province"),
        ("3374013305900001", "nik-date"),
        ("3374011705900000", "nik-sequence"),
        ("3374015705900001", "nik-birth-date-mismatch"),
    ],
)
def test_nik_errors_are_field_errors_on_applicant_nik(offices, smg_desk, nik, code):
    response = client_for(smg_desk).post(URL, create_body(applicant=applicant_body(nik=nik)), format="json")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid"
    assert code in invalid_params(response)["applicant.nik"]
    assert not PassportApplication.objects.exists()
    assert not Applicant.objects.exists()


def test_a_womans_nik_has_forty_added_to_the_day(offices, smg_desk):
    applicant = applicant_body(nik="3374015705900001", sex="F", full_name="Siti Aminah")

    response = client_for(smg_desk).post(URL, create_body(applicant=applicant), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["applicant"]["sex"] == "F"


def test_missing_and_malformed_fields_are_listed_with_dotted_names(offices, smg_desk):
    body = create_body(applicant=applicant_body(birth_date="17-05-1990", phone="12"), validity_years=7)
    del body["applicant"]["full_name"]
    del body["channel"]

    response = client_for(smg_desk).post(URL, body, format="json")

    assert response.status_code == 400
    assert invalid_params(response) == {
        "applicant.full_name": {"required"},
        "applicant.birth_date": {"invalid"},
        "validity_years": {"invalid_choice"},
        "channel": {"required"},
    }


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            {"applicant": applicant_body(nik="3374011705150001", birth_date="2015-05-17")},
            "validity_years",
            "validity-age",
        ),
        ({"channel": "walk_in"}, "priority", "walk-in-needs-priority"),
        ({"priority": "elderly"}, "priority", "priority-needs-walk-in"),
        ({"application_type": "renewal"}, "previous_passport_number", "previous-passport-required"),
    ],
)
def test_business_rules_are_field_errors(offices, smg_desk, body, field, code):
    response = client_for(smg_desk).post(URL, create_body(**body), format="json")

    assert response.status_code == 400, response.content
    assert invalid_params(response) == {field: {code}}
    assert not PassportApplication.objects.exists()


def test_phone_must_be_indonesian(offices, smg_desk):
    response = client_for(smg_desk).post(
        URL, create_body(applicant=applicant_body(phone="+14155552671")), format="json"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {"applicant.phone": {"phone-invalid"}}


def test_office_outside_scope_is_an_unknown_office(offices, smg_desk):
    outside = client_for(smg_desk).post(URL, create_body(office="SBY"), format="json")
    unknown = client_for(smg_desk).post(URL, create_body(office="XXX"), format="json")

    assert outside.status_code == 400
    assert invalid_params(outside) == {"office": {"does_not_exist"}}
    assert outside.json()["invalid_params"][0]["reason"] == unknown.json()["invalid_params"][0]["reason"].replace(
        "XXX", "SBY"
    )
    assert not PassportApplication.objects.exists()


def test_a_visible_office_without_an_intake_role_is_forbidden(offices, member):
    adjudicator = member(Role.ADJUDICATOR, office=offices["SMG"])

    response = client_for(adjudicator).post(URL, create_body(), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"
    assert not PassportApplication.objects.exists()


def test_api_client_may_take_in_applications(offices, member):
    client_account = member(Role.API_CLIENT, office=offices["SMG"])

    response = client_for(client_account).post(URL, create_body(), format="json")

    assert response.status_code == 201
    assert response.json()["available_actions"] == ["cancel"]


def test_anonymous_is_refused(offices):
    response = APIClient().post(URL, create_body(), format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


class TestIdempotency:
    def test_same_key_and_body_replays_the_first_response(self, offices, smg_desk):
        client = client_for(smg_desk)
        first = client.post(URL, create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post(URL, create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

        assert first.status_code == 201
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert PassportApplication.objects.count() == 1

    def test_same_key_with_another_body_is_refused(self, offices, smg_desk):
        client = client_for(smg_desk)
        first = client.post(URL, create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        other = client.post(URL, create_body(passport_kind="non_electronic"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

        assert first.status_code == 201
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency-key-reused"
        assert PassportApplication.objects.count() == 1

    def test_a_refused_request_leaves_no_key_behind(self, offices, smg_desk):
        client = client_for(smg_desk)
        bad = client.post(URL, create_body(channel="walk_in"), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        good = client.post(URL, create_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-3")

        # The refusal rolled the key back with everything else, so the corrected retry goes through.
        assert bad.status_code == 400
        assert good.status_code == 201, good.content
        assert IdempotencyKey.objects.get().body["reference"] == good.json()["reference"]

    def test_without_a_key_each_request_creates(self, offices, smg_desk):
        client = client_for(smg_desk)
        client.post(URL, create_body(), format="json")
        client.post(URL, create_body(), format="json")

        assert PassportApplication.objects.count() == 2


class TestExpressDuringOutage:
    @pytest.fixture
    def express_outage(self, national_admin):
        return outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.EXPRESS_SERVICE],
            reason="Data centre down",
        )

    def test_express_create_is_refused(self, offices, smg_desk, express_outage):
        response = client_for(smg_desk).post(URL, create_body(service="express"), format="json")

        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "outage-active"
        assert body["capability"] == "express_service"
        assert [outage["id"] for outage in body["outages"]] == [express_outage.pk]
        assert body["outages"][0]["reason"] == "Data centre down"
        assert "Retry-After" not in response
        assert not PassportApplication.objects.exists()

    def test_regular_create_goes_on(self, offices, smg_desk, express_outage):
        response = client_for(smg_desk).post(URL, create_body(), format="json")

        assert response.status_code == 201
        assert response.json()["held_by"] == []


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"applicant": applicant_body(birth_date="0001-01-01")}, "applicant.birth_date", "date-implausible"),
        ({"applicant": applicant_body(birth_date="1899-12-31")}, "applicant.birth_date", "date-implausible"),
        ({"applicant": applicant_body(birth_date="9999-12-31")}, "applicant.birth_date", "date-in-future"),
        ({"applicant": applicant_body(address="x" * 501)}, "applicant.address", "max_length"),
        ({"note": "x" * 2001}, "note", "max_length"),
    ],
)
def test_implausible_dates_and_overlong_text_are_field_errors(offices, smg_desk, body, field, code):
    response = client_for(smg_desk).post(URL, create_body(**body), format="json")

    assert response.status_code == 400, response.content
    assert invalid_params(response) == {field: {code}}
    assert not PassportApplication.objects.exists()
    assert not Applicant.objects.exists()


def test_a_birth_date_of_today_in_the_easternmost_zone_is_accepted(offices, smg_desk):
    """At 23:30 in Jakarta it is already tomorrow in Jayapura, where a child may have been born."""
    with time_machine.travel(datetime(2026, 3, 2, 16, 30, tzinfo=UTC)):
        response = client_for(smg_desk).post(
            URL,
            create_body(applicant=applicant_body(nik="3374010303260001", birth_date="2026-03-03"), validity_years=5),
            format="json",
        )

    assert response.status_code == 201, response.content
    assert Applicant.objects.get().birth_date == date(2026, 3, 3)

"""Intake over the API: POST /api/v1/stay-permit-applications/."""

import re
from datetime import timedelta
from typing import Any

import pytest

from offices.roles import Role
from permits.models import Foreigner, PermitStatus, Sponsor, StayPermitApplication
from plumbing.models import IdempotencyKey
from tests.permits.factories import StayPermitFactory, extension_of, intake
from tests.support.api import client_for, invalid_params

URL = "/api/v1/stay-permit-applications/"


def body(arguments: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of ``permit_application_submit``'s arguments: the office by its code."""
    return {**arguments, "office": arguments["office"].code}


def written() -> tuple[int, int, int]:
    return Foreigner.objects.count(), Sponsor.objects.count(), StayPermitApplication.objects.count()


@pytest.fixture
def smg_desk(offices, member):
    return member(Role.FRONT_DESK, office=offices["SMG"])


def test_create_returns_the_application_with_reference_fee_and_actions(smg, smg_desk):
    start = smg.local_today()
    arguments = intake(office=smg, requested_until=start + timedelta(days=89), note="first visit")

    response = client_for(smg_desk).post(URL, body(arguments), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert re.fullmatch(rf"SMG-WNA-{start:%y%m%d}-0001", data["reference"])
    assert data["status"] == "submitted"
    assert data["version"] == 1
    assert data["fee_idr"] == 1_600_000  # ITAS up to six months
    assert data["office"] == "SMG"
    assert data["permit_type"] == "ITAS"
    assert data["needs_national_approval"] is False
    assert data["available_actions"] == ["return-documents", "verify", "cancel"]
    assert data["held_by"] == []
    assert data["foreigner"]["nationality"] == "GBR"
    assert data["foreigner"]["phone"] == "+447911123456"
    assert data["sponsor"]["nib"] == "9120001234567"
    assert data["current_permit"] is None
    assert data["permit_number"] is None
    application = StayPermitApplication.objects.get(reference=data["reference"])
    assert application.created_by == smg_desk
    assert application.filed_on == start
    assert application.foreigner.full_name == "John Smith"


def test_an_extension_names_the_current_permit_by_number(smg, smg_desk):
    permit = StayPermitFactory(office=smg, valid_until=smg.local_today() + timedelta(days=10))

    response = client_for(smg_desk).post(URL, body(extension_of(permit, office=smg, days=90)), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["application_kind"] == "extension"
    assert response.json()["current_permit"] == permit.number
    assert StayPermitApplication.objects.get().current_permit == permit


def test_a_retried_create_with_the_same_key_replays_the_first_response(smg, smg_desk):
    client = client_for(smg_desk)
    payload = body(intake(office=smg))

    first = client.post(URL, payload, format="json", headers={"Idempotency-Key": "intake-1"})
    again = client.post(URL, payload, format="json", headers={"Idempotency-Key": "intake-1"})

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert StayPermitApplication.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(smg, smg_desk):
    client = client_for(smg_desk)
    client.post(URL, body(intake(office=smg)), format="json", headers={"Idempotency-Key": "intake-2"})
    other = body(intake(office=smg, foreigner={"passport_number": "987654321"}))

    response = client.post(URL, other, format="json", headers={"Idempotency-Key": "intake-2"})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency-key-reused"
    assert StayPermitApplication.objects.count() == 1
    assert IdempotencyKey.objects.filter(key="intake-2").count() == 1


def test_a_refused_create_leaves_no_key_so_the_fixed_request_can_reuse_it(smg, smg_desk):
    client = client_for(smg_desk)
    bad = body(intake(office=smg, foreigner={"phone": "12"}))

    refused = client.post(URL, bad, format="json", headers={"Idempotency-Key": "intake-3"})
    fixed = client.post(URL, body(intake(office=smg)), format="json", headers={"Idempotency-Key": "intake-3"})

    assert refused.status_code == 400
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"foreigner": {"phone": "12"}}, "foreigner.phone", "phone-invalid"),
        ({"foreigner": {"nationality": "XYZ"}}, "foreigner.nationality", "invalid_choice"),
        ({"sponsor": {"nib": "123"}}, "sponsor.nib", "nib-format"),
        ({"permit_type": "ITK", "purpose": "visit"}, "requested_until", "itk-too-long"),
        ({"permit_type": "ITAP"}, "application_kind", "itap-by-conversion-only"),
        ({"application_kind": "extension"}, "current_permit", "current-permit-required"),
        ({"current_permit": "NO-SUCH-PERMIT", "application_kind": "extension"}, "current_permit", "does_not_exist"),
        ({"permit_type": "PERMANENT"}, "permit_type", "invalid_choice"),
        ({"foreigner": {"birth_date": "0001-01-01"}}, "foreigner.birth_date", "date-implausible"),
        ({"foreigner": {"birth_date": "9999-12-31"}}, "foreigner.birth_date", "date-in-future"),
        ({"foreigner": {"passport_expiry": "9999-12-31"}}, "foreigner.passport_expiry", "date-implausible"),
        ({"foreigner": {"passport_expiry": "0001-01-01"}}, "foreigner.passport_expiry", "date-implausible"),
        ({"foreigner": {"address": "x" * 501}}, "foreigner.address", "max_length"),
        ({"foreigner": {"full_name": "x" * 201}}, "foreigner.full_name", "max_length"),
        ({"sponsor": {"address": "x" * 501}}, "sponsor.address", "max_length"),
        ({"note": "x" * 2001}, "note", "max_length"),
    ],
)
def test_invalid_input_is_refused_field_by_field_and_nothing_is_written(smg, smg_desk, overrides, field, code):
    before = written()

    response = client_for(smg_desk).post(URL, body(intake(office=smg, **overrides)), format="json")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid"
    assert code in invalid_params(response)[field]
    assert written() == before


def test_a_late_extension_is_refused_on_current_permit_and_the_holder_is_not_updated(smg, smg_desk):
    permit = StayPermitFactory(
        office=smg, valid_until=smg.local_today() - timedelta(days=5), status=PermitStatus.EXPIRED
    )
    arguments = extension_of(permit, office=smg)
    arguments["foreigner"]["address"] = "Jl. Baru 3, Semarang"
    before = written()

    response = client_for(smg_desk).post(URL, body(arguments), format="json")

    assert response.status_code == 400
    assert invalid_params(response) == {"current_permit": {"extension-late"}}
    assert written() == before
    permit.holder.refresh_from_db()
    assert permit.holder.address == "Jl. Pemuda 1, Semarang"


def test_missing_nested_fields_are_named_with_their_path(smg, smg_desk):
    payload = body(intake(office=smg))
    del payload["foreigner"]["passport_number"]
    del payload["sponsor"]["kind"]

    response = client_for(smg_desk).post(URL, payload, format="json")

    assert response.status_code == 400
    assert invalid_params(response) == {"foreigner.passport_number": {"required"}, "sponsor.kind": {"required"}}
    assert written() == (0, 0, 0)


def test_an_office_outside_the_callers_scope_is_refused_like_an_unknown_one(smg, sby, smg_desk):
    response = client_for(smg_desk).post(URL, body(intake(office=sby)), format="json")

    assert response.status_code == 400
    assert invalid_params(response) == {"office": {"does_not_exist"}}
    assert StayPermitApplication.objects.count() == 0


def test_a_user_without_an_intake_role_at_a_visible_office_is_refused(smg, member):
    interviewer = member(Role.INTERVIEWER, office=smg)

    response = client_for(interviewer).post(URL, body(intake(office=smg)), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"
    assert StayPermitApplication.objects.count() == 0


def test_a_second_open_application_of_the_same_foreigner_is_refused(smg, smg_desk):
    client = client_for(smg_desk)
    client.post(URL, body(intake(office=smg)), format="json")

    response = client.post(URL, body(intake(office=smg)), format="json")

    assert response.status_code == 400
    assert invalid_params(response) == {"foreigner": {"open-application-exists"}}
    assert StayPermitApplication.objects.count() == 1


def test_anonymous_callers_are_refused(smg, api_client):
    response = api_client.post(URL, body(intake(office=smg)), format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"

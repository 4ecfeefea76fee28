"""Workflow actions over the API: POST /api/v1/passport-applications/{reference}/{action}/."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import PassportApplication
from applications.workflow import Status
from offices.models import Capability, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, create_body
from tests.support.api import client_for, invalid_params

URL = "/api/v1/passport-applications/"


def act(client: APIClient, reference: str, slug: str, body: dict[str, Any] | None = None, **headers: str):
    return client.post(f"{URL}{reference}/{slug}/", body or {}, format="json", headers=headers)


@pytest.fixture
def staff(offices, member) -> dict[str, APIClient]:
    """A client per office role at Semarang."""
    smg = offices["SMG"]
    roles = {
        "desk": Role.FRONT_DESK,
        "biometrics": Role.BIOMETRIC_OPERATOR,
        "interviewer": Role.INTERVIEWER,
        "adjudicator": Role.ADJUDICATOR,
        "printer": Role.PRINT_OPERATOR,
        "handover": Role.HANDOVER_OFFICER,
    }
    return {name: client_for(member(role, office=smg, username=f"smg.{name}")) for name, role in roles.items()}


def at(offices, status: str, **kwargs: Any) -> PassportApplication:
    return PassportApplicationFactory(office=offices["SMG"], status=status, **kwargs)


def test_full_happy_path_to_issued_with_each_role(offices, staff):
    created = staff["desk"].post(URL, create_body(), format="json")
    assert created.status_code == 201
    reference = created.json()["reference"]
    fee = created.json()["fee_idr"]

    steps = [
        ("desk", "verify", {"note": "documents complete"}, "verified", ["record-payment", "cancel"]),
        ("desk", "record-payment", {"billing_code": "820240620000001", "amount_idr": fee}, "paid", ["cancel"]),
        ("biometrics", "capture-biometrics", {"photo_ref": "bio://p/1", "fingerprints_ref": "bio://f/1"}, "biometrics_captured", []),
        ("interviewer", "interview", {}, "interviewed", []),
        ("adjudicator", "approve", {"note": "no hits"}, "approved", []),
        ("printer", "print", {"passport_number": "x1234567"}, "printed", []),
        ("handover", "hand-over", {}, "issued", []),
    ]  # fmt: skip
    for version, (who, slug, body, status, actions) in enumerate(steps, start=2):
        response = act(staff[who], reference, slug, body, **{"If-Match": f'"{version - 1}"'})
        assert response.status_code == 200, (slug, response.content)
        assert response.json()["status"] == status
        assert response.json()["version"] == version
        assert response["ETag"] == f'"{version}"'
        assert response.json()["available_actions"] == actions

    body = response.json()
    today = offices["SMG"].local_today()
    assert body["billing_code"] == "820240620000001"
    assert body["amount_paid_idr"] == fee
    assert body["photo_ref"] == "bio://p/1"
    assert body["passport_number"] == "X1234567"
    assert body["passport_issue_date"] == today.isoformat()
    assert body["passport_expiry_date"] == today.replace(year=today.year + 10).isoformat()
    assert body["sla_due_date"] is not None
    assert body["sla_breached"] is False
    for stamp in (
        "verified_at",
        "paid_at",
        "biometrics_captured_at",
        "interviewed_at",
        "approved_at",
        "printed_at",
        "issued_at",
    ):
        assert body[stamp] is not None, stamp  # fmt: skip

    history = staff["desk"].get(f"{URL}{reference}/history/")
    assert history.status_code == 200
    entries = history.json()
    assert [entry["action"] for entry in entries] == [
        "submit", "verify", "record_payment", "capture_biometrics", "interview", "approve", "print", "hand_over",
    ]  # fmt: skip
    assert [entry["to_status"] for entry in entries][-1] == "issued"
    assert entries[0]["from_status"] is None
    assert entries[1] == {
        "at": entries[1]["at"],
        "action": "verify",
        "from_status": "submitted",
        "to_status": "verified",
        "actor": "smg.desk",
        "note": "documents complete",
        "office": "SMG",
        "version": 2,
        "origin": f"request:POST /api/v1/passport-applications/{reference}/verify/",
        "attribution": "recorded",
    }
    assert entries[5]["actor"] == "smg.adjudicator"
    assert entries[5]["note"] == "no hits"


def test_return_documents_and_resubmit(offices, staff):
    application = at(offices, Status.SUBMITTED)

    returned = act(staff["desk"], application.reference, "return-documents", {"note": "KK missing"})
    resubmitted = act(staff["desk"], application.reference, "resubmit")

    assert returned.status_code == 200
    assert returned.json()["status"] == "incomplete"
    assert returned.json()["documents_returned_at"] is not None
    assert returned.json()["available_actions"] == ["resubmit", "cancel"]
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "submitted"
    assert resubmitted.json()["documents_returned_at"] is None


def test_reject_needs_and_records_a_reason(offices, staff):
    application = at(offices, Status.INTERVIEWED)

    missing = act(staff["adjudicator"], application.reference, "reject")
    rejected = act(staff["adjudicator"], application.reference, "reject", {"reason": "Watch-list hit"})

    assert missing.status_code == 400
    assert invalid_params(missing) == {"reason": {"required"}}
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Watch-list hit"
    assert rejected.json()["available_actions"] == []


def test_a_reason_or_note_longer_than_a_paragraph_is_refused_and_changes_nothing(offices, staff):
    application = at(offices, Status.INTERVIEWED)

    long_reason = act(staff["adjudicator"], application.reference, "reject", {"reason": "x" * 2001})
    long_note = act(staff["adjudicator"], application.reference, "reject", {"reason": "y", "note": "x" * 2001})

    assert long_reason.status_code == 400
    assert invalid_params(long_reason) == {"reason": {"max_length"}}
    assert long_note.status_code == 400
    assert invalid_params(long_note) == {"note": {"max_length"}}
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWED
    assert application.rejection_reason == ""


def test_cancel_needs_and_records_a_reason(offices, staff):
    application = at(offices, Status.PAID)

    missing = act(staff["desk"], application.reference, "cancel", {"reason": ""})
    cancelled = act(staff["desk"], application.reference, "cancel", {"reason": "Applicant withdrew"})

    assert missing.status_code == 400
    assert invalid_params(missing) == {"reason": {"blank"}}
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancellation_reason"] == "Applicant withdrew"


@pytest.mark.parametrize(
    ("status", "who", "slug", "body", "expected"),
    [
        (Status.VERIFIED, "desk", "record-payment", {}, {"billing_code": {"required"}, "amount_idr": {"required"}}),
        (Status.VERIFIED, "desk", "record-payment", {"billing_code": "12", "amount_idr": 1}, {"billing_code": {"billing-code-format"}, "amount_idr": {"amount-mismatch"}}),
        (Status.PAID, "biometrics", "capture-biometrics", {"photo_ref": "bio://p"}, {"fingerprints_ref": {"required"}}),
        (Status.APPROVED, "printer", "print", {}, {"passport_number": {"required"}}),
        (Status.APPROVED, "printer", "print", {"passport_number": "AB-12"}, {"passport_number": {"passport-number-format"}}),
    ],
)  # fmt: skip
def test_action_inputs_are_validated(offices, staff, status, who, slug, body, expected):
    application = at(offices, status)

    response = act(staff[who], application.reference, slug, body)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert invalid_params(response) == expected
    application.refresh_from_db()
    assert application.status == status
    assert application.version == 1


def test_a_used_passport_number_is_refused(offices, staff):
    at(offices, Status.PRINTED, passport_number="X7654321")
    application = at(offices, Status.APPROVED)

    response = act(staff["printer"], application.reference, "print", {"passport_number": "X7654321"})

    assert response.status_code == 400
    assert invalid_params(response) == {"passport_number": {"passport-number-taken"}}


@pytest.mark.parametrize(
    ("status", "who", "slug"),
    [
        (Status.SUBMITTED, "interviewer", "verify"),
        (Status.VERIFIED, "biometrics", "record-payment"),
        (Status.PAID, "desk", "capture-biometrics"),
        (Status.BIOMETRICS_CAPTURED, "adjudicator", "interview"),
        (Status.INTERVIEWED, "interviewer", "approve"),
        (Status.INTERVIEWED, "desk", "reject"),
        (Status.APPROVED, "adjudicator", "print"),
        (Status.PRINTED, "printer", "hand-over"),
        (Status.SUBMITTED, "adjudicator", "cancel"),
    ],
)
def test_a_role_without_the_action_is_forbidden(offices, staff, status, who, slug):
    application = at(offices, status)
    body = {"reason": "x", "passport_number": "X1234567", "billing_code": "820240620000001", "amount_idr": 1}
    body |= {"photo_ref": "p", "fingerprints_ref": "f"}

    response = act(staff[who], application.reference, slug, body)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission-denied"
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize(
    ("status", "who", "slug"),
    [
        (Status.VERIFIED, "desk", "verify"),
        (Status.SUBMITTED, "desk", "resubmit"),
        (Status.PAID, "interviewer", "interview"),
        (Status.SUBMITTED, "adjudicator", "approve"),
        (Status.SUBMITTED, "adjudicator", "reject"),
        (Status.INTERVIEWED, "printer", "print"),
        (Status.APPROVED, "handover", "hand-over"),
        (Status.PRINTED, "desk", "cancel"),
    ],
)
def test_an_action_in_the_wrong_status_is_a_conflict(offices, staff, status, who, slug):
    application = at(offices, status)
    body = {"reason": "x", "passport_number": "X1234567"}

    response = act(staff[who], application.reference, slug, body)

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid-transition"
    # RFC 9457: ``status`` is the HTTP status; the case's own is ``case_status``.
    assert response.json()["status"] == 409
    assert response.json()["case_status"] == status


class TestIfMatch:
    def test_stale_version_is_refused_with_the_current_one(self, offices, staff):
        application = at(offices, Status.SUBMITTED, version=3)

        response = act(staff["desk"], application.reference, "verify", **{"If-Match": '"2"'})

        assert response.status_code == 412
        assert response.json()["code"] == "precondition-failed"
        assert response.json()["version"] == 3
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    @pytest.mark.parametrize("header", ['"3"', "3", 'W/"3"', "*"])
    def test_current_version_quoted_or_not_passes(self, offices, staff, header):
        application = at(offices, Status.SUBMITTED, version=3)

        response = act(staff["desk"], application.reference, "verify", **{"If-Match": header})

        assert response.status_code == 200
        assert response.json()["version"] == 4
        assert response["ETag"] == '"4"'

    @pytest.mark.parametrize("header", ['"abc"', '"²"', 'W/"³"', "9" * 5000])
    def test_a_value_that_is_no_version_never_matches(self, offices, staff, header):
        application = at(offices, Status.SUBMITTED)

        response = act(staff["desk"], application.reference, "verify", **{"If-Match": header})

        assert response.status_code == 412
        assert response.json()["code"] == "precondition-failed"
        assert response.json()["version"] == 1

    def test_the_detail_etag_is_the_version(self, offices, staff):
        application = at(offices, Status.SUBMITTED, version=5)

        response = staff["desk"].get(f"{URL}{application.reference}/")

        assert response.status_code == 200
        assert response["ETag"] == '"5"'
        assert response.json()["version"] == 5


class TestScope:
    def test_other_offices_cases_do_not_exist(self, offices, member):
        application = at(offices, Status.SUBMITTED)
        sby = client_for(member(Role.FRONT_DESK, office=offices["SBY"]))

        for response in (
            sby.get(f"{URL}{application.reference}/"),
            sby.get(f"{URL}{application.reference}/history/"),
            act(sby, application.reference, "verify"),
            act(sby, application.reference, "cancel", {"reason": "x"}),
        ):
            assert response.status_code == 404, response.content
            assert response.json()["code"] == "not-found"
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_unknown_reference_is_not_found(self, offices, staff):
        response = staff["desk"].get(f"{URL}SMG-240101-9999/")

        assert response.status_code == 404
        assert response.json()["code"] == "not-found"

    def test_a_regional_supervisor_reads_but_may_not_act(self, offices, member):
        application = at(offices, Status.SUBMITTED)
        supervisor = client_for(member(Role.REGIONAL_SUPERVISOR, region=offices["SMG"].region))

        detail = supervisor.get(f"{URL}{application.reference}/")
        verify = act(supervisor, application.reference, "verify")

        assert detail.status_code == 200
        assert detail.json()["available_actions"] == []
        assert verify.status_code == 403
        assert verify.json()["code"] == "permission-denied"

    @pytest.mark.parametrize("slug", ["expire", "submit", "unknown"])
    def test_system_and_unknown_actions_have_no_url(self, offices, staff, slug):
        application = at(offices, Status.INCOMPLETE)

        response = act(staff["desk"], application.reference, slug, {"reason": "x"})

        assert response.status_code == 404
        assert response.json()["code"] == "not-found"
        application.refresh_from_db()
        assert application.status == Status.INCOMPLETE


class TestOutage:
    @pytest.fixture
    def central_records_down(self, national_admin):
        return outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING],
            reason="Pusat Data Nasional down",
            expected_end=timezone.now() + timedelta(hours=2),
        )

    def test_approve_is_refused_while_central_records_are_down_then_passes_after_resolve(
        self, offices, staff, national_admin, central_records_down
    ):
        application = at(offices, Status.INTERVIEWED)

        detail = staff["adjudicator"].get(f"{URL}{application.reference}/")
        refused = act(staff["adjudicator"], application.reference, "approve")

        assert detail.json()["held_by"][0]["id"] == central_records_down.pk
        assert detail.json()["held_by"][0]["reason"] == "Pusat Data Nasional down"
        assert refused.status_code == 409
        body = refused.json()
        assert body["code"] == "outage-active"
        assert body["capability"] == "central_records"
        assert [outage["id"] for outage in body["outages"]] == [central_records_down.pk]
        # The refusal names the outage exactly as the case's held_by does.
        assert body["outages"] == detail.json()["held_by"]
        assert 7000 < int(refused["Retry-After"]) <= 7200
        application.refresh_from_db()
        assert application.status == Status.INTERVIEWED
        assert application.version == 1

        outage_resolve(actor=national_admin, outage=central_records_down, note="restored")
        approved = act(staff["adjudicator"], application.reference, "approve")

        assert approved.status_code == 200
        assert approved.json()["status"] == "approved"
        assert approved.json()["held_by"] == []

    def test_print_is_refused_while_printing_is_down(self, offices, staff, central_records_down):
        application = at(offices, Status.APPROVED)

        response = act(staff["printer"], application.reference, "print", {"passport_number": "X1234567"})

        assert response.status_code == 409
        assert response.json()["code"] == "outage-active"
        assert response.json()["capability"] == "printing"

    def test_intake_and_biometrics_go_on(self, offices, staff, central_records_down):
        submitted = at(offices, Status.SUBMITTED)
        paid = at(offices, Status.PAID)

        verified = act(staff["desk"], submitted.reference, "verify")
        captured = act(staff["biometrics"], paid.reference, "capture-biometrics", {"photo_ref": "p", "fingerprints_ref": "f"})  # fmt: skip

        assert verified.status_code == 200
        assert verified.json()["held_by"] == []
        assert captured.status_code == 200
        assert captured.json()["status"] == "biometrics_captured"

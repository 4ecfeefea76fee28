"""Workflow actions over the API: POST /api/v1/stay-permit-applications/{reference}/{action}/."""

from datetime import timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from permits.models import PermitStatus, StayPermit, StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import intake, moved_to
from tests.support.api import client_for, invalid_params

URL = "/api/v1/stay-permit-applications/"
BILLING_CODE = "820240620000001"


def act(client: APIClient, reference: str, slug: str, body: dict[str, Any] | None = None, **headers: str):
    return client.post(f"{URL}{reference}/{slug}/", body or {}, format="json", headers=headers)


@pytest.fixture
def staff(smg, member) -> dict[str, Any]:
    """A user per office role at Semarang."""
    roles = {
        "desk": Role.FRONT_DESK,
        "biometrics": Role.BIOMETRIC_OPERATOR,
        "interviewer": Role.INTERVIEWER,
        "adjudicator": Role.ADJUDICATOR,
        "printer": Role.PRINT_OPERATOR,
    }
    return {name: member(role, office=smg, username=f"smg.{name}") for name, role in roles.items()}


@pytest.fixture
def clients(staff) -> dict[str, APIClient]:
    return {name: client_for(user) for name, user in staff.items()}


def submitted(office, actor, *, days: int = 90, **overrides: Any) -> StayPermitApplication:
    """A new ITAS application taken in through the service, valid for ``days`` days."""
    start = office.local_today()
    return permit_application_submit(
        actor=actor, **intake(office=office, requested_until=start + timedelta(days=days - 1), **overrides)
    )


def at(application: StayPermitApplication, status: str) -> StayPermitApplication:
    """The application moved straight to ``status`` (the steps before are tested on their own)."""
    return moved_to(application, status)


def test_every_step_to_issue_with_each_role_and_the_permit_is_then_readable(smg, clients, staff):
    application = submitted(smg, staff["desk"])
    reference = application.reference
    steps = [
        ("desk", "verify", {"note": "documents complete"}, "verified", ["record-payment", "cancel"]),
        ("desk", "record-payment", {"billing_code": BILLING_CODE, "amount_idr": application.fee_idr}, "paid", ["cancel"]),
        ("biometrics", "capture-biometrics", {"photo_ref": "bio://p/1", "fingerprints_ref": "bio://f/1"}, "biometrics_captured", []),
        ("interviewer", "interview", {}, "interviewed", []),
        ("adjudicator", "approve", {"note": "no hits"}, "approved", []),
        ("printer", "issue", {}, "issued", []),
    ]  # fmt: skip
    for version, (who, slug, body, status, actions) in enumerate(steps, start=2):
        response = act(clients[who], reference, slug, body, **{"If-Match": f'"{version - 1}"'})
        assert response.status_code == 200, (slug, response.content)
        assert response.json()["status"] == status
        assert response.json()["version"] == version
        assert response["ETag"] == f'"{version}"'
        if who == "desk":
            assert response.json()["available_actions"] == actions

    data = response.json()
    permit = StayPermit.objects.get(application__reference=reference)
    assert data["permit_number"] == permit.number
    assert data["national_approval"] is False
    assert permit.status == PermitStatus.ACTIVE
    assert (permit.valid_from, permit.valid_until) == (application.requested_from, application.requested_until)
    read = clients["desk"].get(f"/api/v1/stay-permits/{permit.number}/")
    assert read.status_code == 200
    assert read.json()["permit"]["application"] == reference
    assert read.json()["stay"]["state"] == "covered"
    history = clients["desk"].get(f"{URL}{reference}/history/")
    assert [entry["action"] for entry in history.json()] == [
        "submit",
        "verify",
        "record_payment",
        "capture_biometrics",
        "interview",
        "approve",
        "issue",
    ]
    assert history.json()[1]["note"] == "documents complete"
    assert history.json()[1]["actor"] == "smg.desk"


def test_returned_documents_are_resubmitted_by_the_front_desk(smg, clients, staff):
    application = submitted(smg, staff["desk"])

    returned = act(clients["desk"], application.reference, "return-documents", {"note": "no sponsor letter"})
    resubmitted = act(clients["desk"], application.reference, "resubmit", **{"If-Match": '"2"'})

    assert returned.status_code == 200
    assert returned.json()["status"] == "incomplete"
    assert returned.json()["available_actions"] == ["resubmit", "cancel"]
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "submitted"
    assert resubmitted.json()["documents_returned_at"] is None


def test_rejection_needs_a_reason_and_records_it(smg, clients, staff):
    application = at(submitted(smg, staff["desk"]), Status.VERIFIED)

    missing = act(clients["adjudicator"], application.reference, "reject", {})
    rejected = act(clients["adjudicator"], application.reference, "reject", {"reason": "forged letter"})

    assert missing.status_code == 400
    assert invalid_params(missing) == {"reason": {"required"}}
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "forged letter"


def test_the_front_desk_cancels_with_a_reason(smg, clients, staff):
    application = submitted(smg, staff["desk"])

    response = act(clients["desk"], application.reference, "cancel", {"reason": "withdrawn by the sponsor"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "withdrawn by the sponsor"
    assert response.json()["available_actions"] == []


def test_a_wrong_payment_is_refused_field_by_field(smg, clients, staff):
    application = at(submitted(smg, staff["desk"]), Status.VERIFIED)

    response = act(clients["desk"], application.reference, "record-payment", {"billing_code": "1", "amount_idr": 1})

    assert response.status_code == 400
    assert invalid_params(response) == {"billing_code": {"billing-code-format"}, "amount_idr": {"amount-mismatch"}}
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.VERIFIED, 1)


def test_a_stale_if_match_is_refused_with_the_current_version(smg, clients, staff):
    application = submitted(smg, staff["desk"])
    act(clients["desk"], application.reference, "verify")

    response = act(clients["desk"], application.reference, "cancel", {"reason": "x"}, **{"If-Match": '"1"'})

    assert response.status_code == 412
    assert response.json()["code"] == "precondition-failed"
    assert response.json()["version"] == 2
    application.refresh_from_db()
    assert application.status == Status.VERIFIED


def test_the_detail_carries_the_version_as_etag(smg, clients, staff):
    application = submitted(smg, staff["desk"])

    response = clients["biometrics"].get(f"{URL}{application.reference}/")

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["available_actions"] == []


def test_a_visible_case_with_the_wrong_role_is_refused_with_403(smg, clients, staff):
    application = submitted(smg, staff["desk"])

    response = act(clients["biometrics"], application.reference, "verify")

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_an_action_not_possible_in_the_status_is_a_conflict(smg, clients, staff):
    application = submitted(smg, staff["desk"])

    response = act(clients["printer"], application.reference, "issue")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid-transition"
    assert (response.json()["status"], response.json()["case_status"]) == (409, "submitted")


@pytest.mark.parametrize("slug", ["verify", "history", ""])
def test_a_case_of_another_office_does_not_exist_for_the_caller(smg, sby, member, staff, slug):
    application = submitted(smg, staff["desk"])
    sby_desk = client_for(member(Role.FRONT_DESK, office=sby))
    url = f"{URL}{application.reference}/{slug}/" if slug else f"{URL}{application.reference}/"

    response = sby_desk.post(url, {}, format="json") if slug == "verify" else sby_desk.get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "not-found"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


class TestNationalApproval:
    """An ITAS over one year is beyond an office's authority: a national administrator approves it."""

    @pytest.fixture
    def long_itas(self, smg, staff) -> StayPermitApplication:
        return at(submitted(smg, staff["desk"], days=400), Status.BIOMETRICS_CAPTURED)

    def test_an_office_adjudicator_is_refused(self, long_itas, clients):
        response = act(clients["adjudicator"], long_itas.reference, "approve", **{"If-Match": '"1"'})

        assert response.status_code == 403
        assert response.json()["code"] == "national-approval-required"
        long_itas.refresh_from_db()
        assert long_itas.status == Status.BIOMETRICS_CAPTURED

    def test_the_adjudicator_is_not_offered_approve_but_may_reject(self, long_itas, clients):
        response = clients["adjudicator"].get(f"{URL}{long_itas.reference}/")

        assert response.json()["needs_national_approval"] is True
        assert response.json()["available_actions"] == ["reject"]

    def test_a_national_administrator_approves(self, long_itas, national_admin):
        response = act(client_for(national_admin), long_itas.reference, "approve", **{"If-Match": '"1"'})

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "approved"
        assert response.json()["national_approval"] is True


class TestOutage:
    @pytest.fixture
    def outage(self, smg, national_admin):
        return outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="SIMKIM down",
        )

    def test_a_case_whose_next_step_needs_the_capability_is_held_and_refused(self, smg, clients, staff, outage):
        application = at(submitted(smg, staff["desk"]), Status.BIOMETRICS_CAPTURED)

        detail = clients["adjudicator"].get(f"{URL}{application.reference}/")
        response = act(clients["adjudicator"], application.reference, "approve")

        assert [held["id"] for held in detail.json()["held_by"]] == [outage.pk]
        assert detail.json()["held_by"][0]["reason"] == "SIMKIM down"
        assert response.status_code == 409
        assert response.json()["code"] == "outage-active"
        assert [held["id"] for held in response.json()["outages"]] == [outage.pk]
        application.refresh_from_db()
        assert application.status == Status.BIOMETRICS_CAPTURED

    def test_steps_not_needing_the_capability_go_on(self, smg, clients, staff, outage):
        application = at(submitted(smg, staff["desk"]), Status.PAID)

        detail = clients["biometrics"].get(f"{URL}{application.reference}/")
        response = act(
            clients["biometrics"],
            application.reference,
            "capture-biometrics",
            {"photo_ref": "p", "fingerprints_ref": "f"},
        )

        assert detail.json()["held_by"] == []
        assert response.status_code == 200
        assert response.json()["status"] == "biometrics_captured"
        assert [held["id"] for held in response.json()["held_by"]] == [outage.pk]

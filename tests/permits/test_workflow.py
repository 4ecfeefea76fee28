"""Every stay permit workflow action for every role, national approval, interviews, outages, issuance.

The matrix is built from ``PERMIT_WORKFLOW`` itself, so an action or role added to the table is
tested the day it is added.
"""

import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from casework.errors import ActionForbidden, InvalidTransition, PreconditionFailed
from casework.references import reference_next
from offices.models import Capability, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve
from offices.roles import Role
from permits.models import (
    ApplicationKind,
    ConversionGround,
    PermitStatus,
    PermitType,
    StayPermit,
    StayPermitApplication,
)
from permits.selectors import StayState, foreigner_stay
from permits.services import permit_application_act, permit_application_submit
from permits.workflow import CLOSED, OPEN, PERMIT_WORKFLOW, Status
from tests.permits.factories import ForeignerFactory, SponsorFactory, StayPermitFactory, extension_of, intake

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)

# The time field each action stamps (resubmit clears the return: the timeline keeps when it happened).
STAMPS = {
    "return_documents": "documents_returned_at",
    "verify": "verified_at",
    "record_payment": "paid_at",
    "capture_biometrics": "biometrics_captured_at",
    "interview": "interviewed_at",
    "approve": "approved_at",
    "reject": "rejected_at",
    "issue": "issued_at",
    "cancel": "cancelled_at",
}
ALLOWED = [
    pytest.param(action.name, source, role, id=f"{action.name}-{source}-{role}")
    for action in PERMIT_WORKFLOW
    for source in action.sources
    for role in sorted(action.roles)
]
# The path of an ITAS that needs no interview, and of one that does.
PATH = ("verify", "record_payment", "capture_biometrics", "approve", "issue")
INTERVIEW_PATH = ("verify", "record_payment", "capture_biometrics", "interview", "approve", "issue")
ACTOR_OF = {
    "verify": Role.FRONT_DESK,
    "record_payment": Role.FRONT_DESK,
    "capture_biometrics": Role.BIOMETRIC_OPERATOR,
    "interview": Role.INTERVIEWER,
    "approve": Role.ADJUDICATOR,
    "issue": Role.PRINT_OPERATOR,
}


def _member_at(member, role: str, office):
    """A user holding ``role`` where that role is held: the office, its region, or the nation."""
    if role == Role.REGIONAL_SUPERVISOR:
        return member(role, region=office.region)
    if role == Role.NATIONAL_ADMIN:
        return member(role)
    return member(role, office=office)


def application_at(office, status: str, **fields) -> StayPermitApplication:
    """An application of a new six-month ITAS for work, recorded in ``status``."""
    today = office.local_today()
    values = {
        "office": office,
        "reference": reference_next(office=office, series="WNA"),
        "foreigner": fields.pop("foreigner", None) or ForeignerFactory(),
        "sponsor": fields.pop("sponsor", None) or SponsorFactory(),
        "permit_type": PermitType.ITAS,
        "application_kind": ApplicationKind.NEW,
        "purpose": "work",
        "requested_from": today,
        "requested_until": today + relativedelta(months=6) - DAY,
        "filed_on": today,
        "status": status,
        **fields,
    }
    application = StayPermitApplication(**values)
    application.fee_idr = application.compute_fee()
    application.save()
    return application


def action_inputs(action: str, application: StayPermitApplication) -> dict:
    """Valid inputs of ``action`` for ``application``: what a careful clerk would enter."""
    if action == "record_payment":
        return {"billing_code": "820261128000001", "amount_idr": application.fee_idr}
    if action == "capture_biometrics":
        return {"photo_ref": "bio://photo/wna", "fingerprints_ref": "bio://fingerprints/wna"}
    if action in {"reject", "cancel"}:
        return {"reason": "Dokumen penjamin tidak sah"}
    return {}


def _act(application, action: str, actor, **extra) -> StayPermitApplication:
    return permit_application_act(
        application=application, action=action, actor=actor, **{**action_inputs(action, application), **extra}
    )


def _unchanged(application: StayPermitApplication) -> None:
    stored = StayPermitApplication.objects.get(pk=application.pk)
    assert (stored.status, stored.version) == (application.status, application.version)


# The matrix -------------------------------------------------------------------------------------


def test_every_action_of_the_table_is_covered():
    assert {action.name for action in PERMIT_WORKFLOW} == set(STAMPS) | {"resubmit"}
    assert set(OPEN) | set(CLOSED) == set(Status)
    assert not set(OPEN) & set(CLOSED)


@pytest.mark.parametrize(("action", "source", "role"), ALLOWED)
def test_allowed_role_moves_the_case(smg, member, action, source, role):
    application = application_at(smg, source)
    actor = _member_at(member, role, smg)

    result = _act(application, action, actor, note="oke")

    stored = StayPermitApplication.objects.get(pk=application.pk)
    assert result.status == stored.status == PERMIT_WORKFLOW[action].target
    assert stored.version == application.version + 1
    if action in STAMPS:
        assert getattr(stored, STAMPS[action]) is not None
    if action == "resubmit":
        assert stored.documents_returned_at is None
    assert stored.closed_on == (smg.local_today() if stored.status in CLOSED else None)
    assert StayPermit.objects.filter(application=stored).exists() == (action == "issue")


@pytest.mark.parametrize("action", [action.name for action in PERMIT_WORKFLOW])
def test_other_roles_are_forbidden(smg, member, action):
    step = PERMIT_WORKFLOW[action]
    application = application_at(smg, step.sources[0])
    others = [role for role in Role if role not in step.roles]
    assert others
    for role in others:
        with pytest.raises(ActionForbidden) as refusal:
            _act(application, action, _member_at(member, role, smg))
        assert (refusal.value.status_code, refusal.value.code) == (403, "permission-denied"), role
        _unchanged(application)


@pytest.mark.parametrize("action", [action.name for action in PERMIT_WORKFLOW])
def test_allowed_role_at_another_office_is_forbidden(smg, sby, member, action):
    step = PERMIT_WORKFLOW[action]
    application = application_at(smg, step.sources[0])
    for role in step.roles - {Role.NATIONAL_ADMIN}:
        with pytest.raises(ActionForbidden):
            _act(application, action, member(role, office=sby))
    _unchanged(application)


@pytest.mark.parametrize("action", [action.name for action in PERMIT_WORKFLOW])
def test_wrong_state_is_an_invalid_transition(smg, member, action):
    step = PERMIT_WORKFLOW[action]
    actor = _member_at(member, sorted(step.roles)[0], smg)
    wrong = [status for status in Status if status not in step.sources]
    assert wrong
    for status in wrong:
        application = application_at(smg, status)
        with pytest.raises(InvalidTransition) as refusal:
            _act(application, action, actor)
        assert (refusal.value.status_code, refusal.value.code) == (409, "invalid-transition"), status
        assert refusal.value.extra == {"case_status": status}
        _unchanged(application)


def test_a_stale_version_is_refused(smg, member):
    application = application_at(smg, Status.SUBMITTED)
    clerk = member(Role.FRONT_DESK, office=smg)
    with pytest.raises(PreconditionFailed) as refusal:
        _act(application, "verify", clerk, expected_version=application.version + 1)
    assert (refusal.value.status_code, refusal.value.code) == (412, "precondition-failed")
    assert refusal.value.extra == {"version": application.version}
    _unchanged(application)

    verified = _act(application, "verify", clerk, expected_version=application.version)
    assert (verified.status, verified.version) == (Status.VERIFIED, application.version + 1)
    with pytest.raises(PreconditionFailed):
        _act(verified, "record_payment", clerk, expected_version=application.version)


def test_return_and_resubmit(smg, member):
    application = application_at(smg, Status.SUBMITTED)
    clerk = member(Role.FRONT_DESK, office=smg)
    returned = _act(application, "return_documents", clerk, note="Surat sponsor belum ada")
    assert returned.status == Status.INCOMPLETE
    assert returned.documents_returned_at is not None
    resubmitted = _act(returned, "resubmit", clerk)
    assert (resubmitted.status, resubmitted.documents_returned_at) == (Status.SUBMITTED, None)
    assert resubmitted.version == application.version + 2


# Inputs -----------------------------------------------------------------------------------------


def _field_codes(application, action: str, actor, **inputs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refusal:
        permit_application_act(application=application, action=action, actor=actor, **inputs)
    _unchanged(application)
    return {field: [item.code for item in items] for field, items in refusal.value.error_dict.items()}


def test_payment_must_equal_the_fee(smg, member):
    application = application_at(smg, Status.VERIFIED)
    clerk = member(Role.FRONT_DESK, office=smg)
    codes = _field_codes(
        application, "record_payment", clerk, billing_code="820261128000001", amount_idr=application.fee_idr - 1
    )
    assert codes == {"amount_idr": ["amount-mismatch"]}
    codes = _field_codes(application, "record_payment", clerk, billing_code="12345", amount_idr=application.fee_idr)
    assert codes == {"billing_code": ["billing-code-format"]}


def test_reject_and_cancel_need_a_reason(smg, member):
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    assert _field_codes(application_at(smg, Status.PAID), "reject", adjudicator, reason=" ") == {"reason": ["required"]}
    clerk = member(Role.FRONT_DESK, office=smg)
    assert _field_codes(application_at(smg, Status.PAID), "cancel", clerk) == {"reason": ["required"]}


def test_an_action_refuses_inputs_it_does_not_take(smg, member):
    application = application_at(smg, Status.SUBMITTED)
    codes = _field_codes(application, "verify", member(Role.FRONT_DESK, office=smg), reason="x")
    assert codes == {"reason": ["unexpected"]}


# Interview and national approval ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("permit_type", "kind"),
    [(PermitType.ITAS, ApplicationKind.CONVERSION), (PermitType.ITAP, ApplicationKind.CONVERSION)],
)
def test_itap_and_conversions_are_approved_only_after_an_interview(smg, member, national_admin, permit_type, kind):
    today = smg.local_today()
    current = StayPermitFactory(
        office=smg,
        permit_type=PermitType.ITK if permit_type == PermitType.ITAS else PermitType.ITAS,
        valid_from=today - timedelta(days=20),
        valid_until=today + timedelta(days=9),
    )
    application = application_at(
        smg,
        Status.BIOMETRICS_CAPTURED,
        foreigner=current.holder,
        permit_type=permit_type,
        application_kind=kind,
        current_permit=current,
        ground=ConversionGround.MARRIAGE if permit_type == PermitType.ITAP else "",
        married_since=date(2015, 1, 1) if permit_type == PermitType.ITAP else None,
    )
    assert application.interview_required
    approver = national_admin if permit_type == PermitType.ITAP else member(Role.ADJUDICATOR, office=smg)
    with pytest.raises(InvalidTransition) as refusal:
        _act(application, "approve", approver)
    assert (refusal.value.status_code, refusal.value.code) == (409, "interview-required")
    assert PERMIT_WORKFLOW.available(case=application, user=approver) == ["reject"]
    _unchanged(application)

    interviewed = _act(application, "interview", member(Role.INTERVIEWER, office=smg))
    approved = _act(interviewed, "approve", approver)
    assert approved.status == Status.APPROVED
    assert approved.national_approval == (permit_type == PermitType.ITAP)


def test_an_itas_without_interview_may_be_approved_from_biometrics(smg, member):
    application = application_at(smg, Status.BIOMETRICS_CAPTURED)
    assert not application.interview_required
    approved = _act(application, "approve", member(Role.ADJUDICATOR, office=smg))
    assert (approved.status, approved.interviewed_at, approved.national_approval) == (Status.APPROVED, None, False)


def test_an_office_approves_an_itas_of_exactly_one_year(smg, member):
    today = smg.local_today()
    application = application_at(smg, Status.INTERVIEWED, requested_until=today + relativedelta(years=1) - DAY)
    assert not application.needs_national_approval
    approved = _act(application, "approve", member(Role.ADJUDICATOR, office=smg))
    assert (approved.status, approved.national_approval) == (Status.APPROVED, False)


def test_an_itas_of_one_year_and_a_day_needs_a_national_administrator(smg, member, national_admin):
    today = smg.local_today()
    application = application_at(smg, Status.INTERVIEWED, requested_until=today + relativedelta(years=1))
    assert application.needs_national_approval
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    with pytest.raises(ActionForbidden) as refusal:
        _act(application, "approve", adjudicator)
    assert (refusal.value.status_code, refusal.value.code) == (403, "national-approval-required")
    _unchanged(application)
    assert "approve" not in PERMIT_WORKFLOW.available(case=application, user=adjudicator)
    assert "approve" in PERMIT_WORKFLOW.available(case=application, user=national_admin)

    approved = _act(application, "approve", national_admin)
    stored = StayPermitApplication.objects.get(pk=application.pk)
    assert (approved.status, stored.status, stored.national_approval) == (Status.APPROVED, Status.APPROVED, True)


def test_an_itap_needs_a_national_administrator(smg, member, national_admin):
    today = smg.local_today()
    current = StayPermitFactory(
        office=smg, valid_from=today - timedelta(days=364), valid_until=today + timedelta(days=60)
    )
    application = application_at(
        smg,
        Status.INTERVIEWED,
        foreigner=current.holder,
        permit_type=PermitType.ITAP,
        application_kind=ApplicationKind.CONVERSION,
        current_permit=current,
        ground=ConversionGround.MARRIAGE,
        married_since=date(2020, 1, 1),
        requested_until=today + relativedelta(years=5) - DAY,
    )
    with pytest.raises(ActionForbidden) as refusal:
        _act(application, "approve", member(Role.ADJUDICATOR, office=smg))
    assert refusal.value.code == "national-approval-required"
    approved = _act(application, "approve", national_admin)
    assert (approved.status, approved.national_approval) == (Status.APPROVED, True)


def test_an_investor_itas_of_five_years_from_intake_to_national_approval(smg, member, national_admin):
    today = smg.local_today()
    clerk = member(Role.FRONT_DESK, office=smg)
    application = permit_application_submit(
        actor=clerk,
        **intake(office=smg, purpose="investment", requested_until=today + relativedelta(years=5) - DAY),
    )
    for action in ("verify", "record_payment", "capture_biometrics"):
        application = _act(application, action, _member_at(member, ACTOR_OF[action], smg))
    with pytest.raises(ActionForbidden) as refusal:
        _act(application, "approve", member(Role.ADJUDICATOR, office=smg))
    assert refusal.value.code == "national-approval-required"
    approved = _act(application, "approve", national_admin)
    assert approved.national_approval is True


# Outages ----------------------------------------------------------------------------------------


def test_approval_waits_for_central_records_and_issue_for_permit_issuance(smg, member, national_admin):
    down = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS, Capability.PERMIT_ISSUANCE],
        reason="SIMKIM pusat tidak dapat diakses",
    )
    ready = application_at(smg, Status.BIOMETRICS_CAPTURED)
    approved = application_at(smg, Status.APPROVED)
    with pytest.raises(OutageActive) as refusal:
        _act(ready, "approve", member(Role.ADJUDICATOR, office=smg))
    assert (refusal.value.status_code, refusal.value.code) == (409, "outage-active")
    assert refusal.value.extra["capability"] == Capability.CENTRAL_RECORDS
    assert refusal.value.outages == [down]
    with pytest.raises(OutageActive) as refusal:
        _act(approved, "issue", member(Role.PRINT_OPERATOR, office=smg))
    assert refusal.value.extra["capability"] == Capability.PERMIT_ISSUANCE
    _unchanged(ready)
    _unchanged(approved)
    assert not StayPermit.objects.exists()

    # Everything else goes on: intake, verification, payment, biometrics, interviews, rejection.
    clerk = member(Role.FRONT_DESK, office=smg)
    taken = permit_application_submit(actor=clerk, **intake(office=smg))
    for action in ("verify", "record_payment", "capture_biometrics", "interview"):
        taken = _act(taken, action, _member_at(member, ACTOR_OF.get(action, Role.INTERVIEWER), smg))
    assert taken.status == Status.INTERVIEWED
    rejected = _act(application_at(smg, Status.PAID), "reject", member(Role.ADJUDICATOR, office=smg))
    assert rejected.status == Status.REJECTED

    outage_resolve(actor=national_admin, outage=down)
    assert _act(ready, "approve", member(Role.ADJUDICATOR, office=smg)).status == Status.APPROVED
    assert _act(approved, "issue", member(Role.PRINT_OPERATOR, office=smg)).status == Status.ISSUED


def test_an_outage_at_another_office_does_not_hold_this_one(smg, sby, member, national_admin):
    outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=sby,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Jaringan kantor Surabaya putus",
    )
    approved = _act(application_at(smg, Status.BIOMETRICS_CAPTURED), "approve", member(Role.ADJUDICATOR, office=smg))
    assert approved.status == Status.APPROVED


# Issuance ---------------------------------------------------------------------------------------


def _through(application, actions, member, office, *, approver=None):
    for action in actions:
        actor = approver if action == "approve" and approver else _member_at(member, ACTOR_OF[action], office)
        application = _act(application, action, actor)
    return application


def test_issue_creates_the_permit_and_the_holder_is_covered(smg, member):
    today = smg.local_today()
    clerk = member(Role.FRONT_DESK, office=smg)
    until = today + relativedelta(months=6) - DAY
    application = permit_application_submit(actor=clerk, **intake(office=smg, requested_until=until))
    issued = _through(application, PATH, member, smg)

    assert (issued.status, issued.closed_on) == (Status.ISSUED, today)
    assert issued.issued_at is not None
    permit = StayPermit.objects.get(application=issued)
    assert re.fullmatch(rf"SMG-ITAS-{today:%y%m%d}-\d{{4}}", permit.number)
    assert permit.number == f"SMG-ITAS-{today:%y%m%d}-0001"
    assert (permit.permit_type, permit.status, permit.previous) == (PermitType.ITAS, PermitStatus.ACTIVE, None)
    assert (permit.valid_from, permit.valid_until) == (today, until)
    assert (permit.holder_id, permit.sponsor_id, permit.office_id) == (
        issued.foreigner_id,
        issued.sponsor_id,
        smg.pk,
    )

    stay = foreigner_stay(issued.foreigner)
    assert (stay.state, stay.permit, stay.since, stay.overstay_days) == (StayState.COVERED, permit, today, 0)


def test_issuing_an_extension_supersedes_the_permit_it_extends(smg, member):
    today = smg.local_today()
    old = StayPermitFactory(office=smg, valid_from=today - timedelta(days=170), valid_until=today + timedelta(days=10))
    clerk = member(Role.FRONT_DESK, office=smg)
    application = permit_application_submit(actor=clerk, **extension_of(old, office=smg))
    issued = _through(application, PATH, member, smg)

    new = StayPermit.objects.get(application=issued)
    old.refresh_from_db()
    assert old.status == PermitStatus.SUPERSEDED
    assert (new.status, new.previous, new.valid_from) == (PermitStatus.ACTIVE, old, old.valid_until + DAY)
    assert new.valid_until == application.requested_until
    assert new.number == f"SMG-ITAS-{today:%y%m%d}-0001"
    # The old permit still runs until its successor begins.
    stay = foreigner_stay(old.holder)
    assert (stay.state, stay.permit) == (StayState.COVERED, old)
    assert old.holder.permits.filter(status=PermitStatus.ACTIVE).get() == new


def test_issuing_a_conversion_to_itap(smg, member, national_admin):
    today = smg.local_today()
    chain_start = today - relativedelta(years=3)
    first = StayPermitFactory(
        office=smg,
        valid_from=chain_start,
        valid_until=chain_start + relativedelta(years=2) - DAY,
        status=PermitStatus.SUPERSEDED,
    )
    current = StayPermitFactory(
        office=smg,
        holder=first.holder,
        previous=first,
        valid_from=first.valid_until + DAY,
        valid_until=today + timedelta(days=300),
    )
    payload = extension_of(current, office=smg, purpose="family")
    payload.update(
        permit_type="ITAP",
        application_kind="conversion",
        ground="itas_years",
        requested_from=today,
        requested_until=today + relativedelta(years=5) - DAY,
    )
    application = permit_application_submit(actor=member(Role.FRONT_DESK, office=smg), **payload)
    assert application.fee_idr == 5_000_000
    issued = _through(application, INTERVIEW_PATH, member, smg, approver=national_admin)

    itap = StayPermit.objects.get(application=issued)
    current.refresh_from_db()
    assert itap.number == f"SMG-ITAP-{today:%y%m%d}-0001"
    assert (itap.permit_type, itap.previous, current.status) == (PermitType.ITAP, current, PermitStatus.SUPERSEDED)
    assert issued.national_approval is True
    stay = foreigner_stay(current.holder)
    assert (stay.state, stay.permit) == (StayState.COVERED, itap)


def test_permit_numbers_run_per_office_type_and_day(smg, sby, member):
    today = smg.local_today()
    numbers = []
    for office, permit_type in ((smg, PermitType.ITAS), (smg, PermitType.ITAS), (smg, PermitType.ITK), (sby, "ITAS")):
        until = office.local_today() + timedelta(days=29)
        application = application_at(office, Status.APPROVED, permit_type=permit_type, requested_until=until)
        _act(application, "issue", member(Role.PRINT_OPERATOR, office=office))
        numbers.append(StayPermit.objects.get(application=application).number)
    sby_day = f"{sby.local_today():%y%m%d}"
    assert numbers == [
        f"SMG-ITAS-{today:%y%m%d}-0001",
        f"SMG-ITAS-{today:%y%m%d}-0002",
        f"SMG-ITK-{today:%y%m%d}-0001",
        f"SBY-ITAS-{sby_day}-0001",
    ]

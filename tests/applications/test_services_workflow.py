"""Every passport workflow action for every role: allowed, forbidden, wrong state, bad inputs.

The matrix is built from ``PASSPORT_WORKFLOW`` itself, so an action or role added to the table is
tested the day it is added.
"""

from datetime import date, datetime
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from applications.models import PassportApplication
from applications.services import application_act
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.errors import ActionForbidden, InvalidTransition, PreconditionFailed
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, action_inputs

pytestmark = pytest.mark.django_db

# The time field each action stamps (resubmit stamps none: the timeline keeps when it happened).
STAMPS = {
    "return_documents": "documents_returned_at",
    "verify": "verified_at",
    "record_payment": "paid_at",
    "capture_biometrics": "biometrics_captured_at",
    "interview": "interviewed_at",
    "approve": "approved_at",
    "reject": "rejected_at",
    "print": "printed_at",
    "hand_over": "issued_at",
    "cancel": "cancelled_at",
}

STAFF_ACTIONS = [action for action in PASSPORT_WORKFLOW if action.roles]

ALLOWED = [
    pytest.param(action.name, source, role, id=f"{action.name}-{source}-{role}")
    for action in STAFF_ACTIONS
    for source in action.sources
    for role in sorted(action.roles)
]


def _member_at(member, role: str, office):
    """A user holding ``role`` where that role is held: the office, its region, or the nation."""
    if role == Role.REGIONAL_SUPERVISOR:
        return member(role, region=office.region)
    if role == Role.NATIONAL_ADMIN:
        return member(role)
    return member(role, office=office)


def test_every_action_of_the_table_is_covered():
    assert {action.name for action in STAFF_ACTIONS} == set(STAMPS) | {"resubmit"}
    assert [action.name for action in PASSPORT_WORKFLOW if not action.roles] == ["expire"]


@pytest.mark.parametrize(("action", "source", "role"), ALLOWED)
def test_allowed_role_moves_the_case(offices, member, action, source, role):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=source)
    actor = _member_at(member, role, smg)

    result = application_act(
        application=application, action=action, actor=actor, note="oke", **action_inputs(action, application)
    )

    stored = PassportApplication.objects.get(pk=application.pk)
    assert result.status == stored.status == PASSPORT_WORKFLOW[action].target
    assert stored.version == application.version + 1
    if action in STAMPS:
        assert getattr(stored, STAMPS[action]) is not None
    if action == "resubmit":
        assert stored.status == Status.SUBMITTED


@pytest.mark.parametrize("action", [action.name for action in STAFF_ACTIONS])
def test_other_roles_are_forbidden(offices, member, action):
    smg = offices["SMG"]
    step = PASSPORT_WORKFLOW[action]
    application = PassportApplicationFactory(office=smg, status=step.sources[0])
    others = [role for role in Role if role not in step.roles]
    assert others
    for role in others:
        actor = _member_at(member, role, smg)
        with pytest.raises(ActionForbidden):
            application_act(application=application, action=action, actor=actor, **action_inputs(action, application))
        stored = PassportApplication.objects.get(pk=application.pk)
        assert (stored.status, stored.version) == (step.sources[0], application.version), role


@pytest.mark.parametrize("action", [action.name for action in STAFF_ACTIONS])
def test_allowed_role_at_another_office_is_forbidden(offices, member, action):
    step = PASSPORT_WORKFLOW[action]
    application = PassportApplicationFactory(office=offices["SMG"], status=step.sources[0])
    for role in step.roles:
        actor = member(role, office=offices["SBY"])
        with pytest.raises(ActionForbidden):
            application_act(application=application, action=action, actor=actor, **action_inputs(action, application))
    assert PassportApplication.objects.get(pk=application.pk).status == step.sources[0]


@pytest.mark.parametrize("action", [action.name for action in STAFF_ACTIONS])
def test_wrong_state_is_an_invalid_transition(offices, member, action):
    smg = offices["SMG"]
    step = PASSPORT_WORKFLOW[action]
    actor = _member_at(member, sorted(step.roles)[0], smg)
    wrong = [status for status in Status if status not in step.sources]
    assert wrong
    for status in wrong:
        application = PassportApplicationFactory(office=smg, status=status)
        with pytest.raises(InvalidTransition) as refusal:
            application_act(application=application, action=action, actor=actor, **action_inputs(action, application))
        assert refusal.value.code == "invalid-transition"
        stored = PassportApplication.objects.get(pk=application.pk)
        assert (stored.status, stored.version) == (status, application.version), status


def test_expire_is_for_the_system_only(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INCOMPLETE)
    for role in Role:
        with pytest.raises(ActionForbidden):
            application_act(application=application, action="expire", actor=_member_at(member, role, smg), reason="x")
    assert PassportApplication.objects.get(pk=application.pk).status == Status.INCOMPLETE


def test_stale_version_is_refused(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    with pytest.raises(PreconditionFailed):
        application_act(
            application=application,
            action="verify",
            actor=member(Role.FRONT_DESK, office=smg),
            expected_version=application.version + 1,
        )
    assert PassportApplication.objects.get(pk=application.pk).status == Status.SUBMITTED


# Inputs ---------------------------------------------------------------------------------------


def _codes(error: ValidationError, field: str) -> list[str]:
    return [item.code for item in error.error_dict[field]]


def _refused(application: PassportApplication, actor, action: str, **inputs) -> ValidationError:
    with pytest.raises(ValidationError) as refusal:
        application_act(application=application, action=action, actor=actor, **inputs)
    stored = PassportApplication.objects.get(pk=application.pk)
    assert (stored.status, stored.version) == (application.status, application.version)
    return refusal.value


def test_payment_must_equal_the_fee(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.VERIFIED)
    clerk = member(Role.FRONT_DESK, office=smg)
    error = _refused(
        application, clerk, "record_payment", billing_code="820240620000001", amount_idr=application.fee_idr - 1
    )
    assert _codes(error, "amount_idr") == ["amount-mismatch"]


@pytest.mark.parametrize("billing_code", ["", "12345", "82024062000000X", "8202406200000011"])
def test_billing_code_must_have_15_digits(offices, member, billing_code):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.VERIFIED)
    clerk = member(Role.FRONT_DESK, office=smg)
    error = _refused(application, clerk, "record_payment", billing_code=billing_code, amount_idr=application.fee_idr)
    assert _codes(error, "billing_code") == ["billing-code-format"]


def test_payment_is_recorded(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.VERIFIED)
    clerk = member(Role.FRONT_DESK, office=smg)
    application_act(
        application=application,
        action="record_payment",
        actor=clerk,
        billing_code="820240620000001",
        amount_idr=application.fee_idr,
    )
    stored = PassportApplication.objects.get(pk=application.pk)
    assert (stored.billing_code, stored.amount_paid_idr) == ("820240620000001", application.fee_idr)


def test_biometrics_need_both_references(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.PAID)
    operator = member(Role.BIOMETRIC_OPERATOR, office=smg)
    error = _refused(application, operator, "capture_biometrics", photo_ref=" ", fingerprints_ref="bio://f")
    assert _codes(error, "photo_ref") == ["required"]


@pytest.mark.parametrize("number", ["", "AB12", "AB-123456", "ABCDEFGHIJ", "AB12345 7"])
def test_print_refuses_a_malformed_passport_number(offices, member, number):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.APPROVED)
    printer = member(Role.PRINT_OPERATOR, office=smg)
    error = _refused(application, printer, "print", passport_number=number)
    assert _codes(error, "passport_number") == ["passport-number-format"]


def test_print_refuses_a_number_already_used(offices, member):
    smg = offices["SMG"]
    printed = PassportApplicationFactory(office=smg, status=Status.PRINTED)
    application = PassportApplicationFactory(office=smg, status=Status.APPROVED)
    printer = member(Role.PRINT_OPERATOR, office=smg)
    error = _refused(application, printer, "print", passport_number=printed.passport_number.lower())
    assert _codes(error, "passport_number") == ["passport-number-taken"]


def test_print_refuses_a_voided_number(offices, member):
    smg = offices["SMG"]
    voided = PassportApplicationFactory(
        office=smg, status=Status.CANCELLED, passport_number="XV0000001", passport_number_voided=True
    )
    application = PassportApplicationFactory(office=smg, status=Status.APPROVED)
    error = _refused(
        application, member(Role.PRINT_OPERATOR, office=smg), "print", passport_number=voided.passport_number
    )
    assert _codes(error, "passport_number") == ["passport-number-taken"]


@pytest.mark.parametrize("validity_years", [5, 10])
def test_print_sets_number_and_dates(offices, member, validity_years):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.APPROVED, validity_years=validity_years)
    application_act(
        application=application,
        action="print",
        actor=member(Role.PRINT_OPERATOR, office=smg),
        passport_number="c1234567",
    )
    stored = PassportApplication.objects.get(pk=application.pk)
    assert stored.passport_number == "C1234567"
    assert stored.passport_issue_date == smg.local_date(stored.printed_at)
    assert stored.passport_expiry_date == stored.passport_issue_date + relativedelta(years=validity_years)


def test_expiry_of_a_passport_issued_on_29_february(offices, member):
    """A leap-day passport expires on 28 February: the date must exist."""
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.APPROVED)
    leap_day = datetime(2028, 2, 29, 10, tzinfo=smg.zone)
    with mock.patch("django.utils.timezone.now", return_value=leap_day):
        application_act(
            application=application,
            action="print",
            actor=member(Role.PRINT_OPERATOR, office=smg),
            passport_number="C7654321",
        )
    stored = PassportApplication.objects.get(pk=application.pk)
    assert (stored.passport_issue_date, stored.passport_expiry_date) == (date(2028, 2, 29), date(2033, 2, 28))


@pytest.mark.parametrize(
    ("action", "source", "role"),
    [("reject", Status.INTERVIEWED, Role.ADJUDICATOR), ("cancel", Status.SUBMITTED, Role.FRONT_DESK)],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_and_cancel_need_a_reason(offices, member, action, source, role, reason):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=source)
    inputs = {} if reason is None else {"reason": reason}
    error = _refused(application, member(role, office=smg), action, **inputs)
    assert _codes(error, "reason") == ["required"]


def test_reason_is_stored(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    application_act(
        application=application, action="reject", actor=member(Role.ADJUDICATOR, office=smg), reason=" Paspor ganda "
    )
    stored = PassportApplication.objects.get(pk=application.pk)
    assert (stored.status, stored.rejection_reason) == (Status.REJECTED, "Paspor ganda")


def test_unknown_input_is_refused_as_invalid(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    error = _refused(application, member(Role.FRONT_DESK, office=smg), "verify", amount_idr=1)
    assert _codes(error, "amount_idr") == ["unexpected"]


def test_whole_walk_through_the_workflow(offices, member):
    """From submission to hand-over at one office, each step by its own role."""
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    steps = [
        ("verify", Role.FRONT_DESK),
        ("record_payment", Role.FRONT_DESK),
        ("capture_biometrics", Role.BIOMETRIC_OPERATOR),
        ("interview", Role.INTERVIEWER),
        ("approve", Role.ADJUDICATOR),
        ("print", Role.PRINT_OPERATOR),
        ("hand_over", Role.HANDOVER_OFFICER),
    ]
    for number, (action, role) in enumerate(steps, start=1):
        application = application_act(
            application=application,
            action=action,
            actor=member(role, office=smg),
            expected_version=application.version,
            **action_inputs(action, application),
        )
        assert application.version == 1 + number
    assert application.status == Status.ISSUED
    assert application.sla_due_date is not None
    assert application.sla_breached is False

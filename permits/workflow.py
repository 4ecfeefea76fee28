"""The stay permit application workflow (docs/design.md §5), as one table."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.errors import ActionForbidden, InvalidTransition
from casework.inputs import AMOUNT_IDR, BILLING_CODE, FINGERPRINTS_REF, PHOTO_REF, REASON
from casework.workflow import Action, Workflow
from offices.models import Capability
from offices.roles import Role
from offices.selectors import user_scope
from plumbing.refusals import Refusal


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Documents incomplete")
    VERIFIED = "verified", _("Verified")
    PAID = "paid", _("Paid")
    BIOMETRICS_CAPTURED = "biometrics_captured", _("Biometrics captured")
    INTERVIEWED = "interviewed", _("Interviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


S = Status
INTAKE = frozenset({Role.FRONT_DESK, Role.API_CLIENT})
# Taking in an application is "submit" (sources: none).
SUBMIT_ROLES = INTAKE
# Statuses of an application still being worked on: the holder is protected from overstay while
# one filed in time is in them, and a foreigner has at most one.
OPEN = (S.SUBMITTED, S.INCOMPLETE, S.VERIFIED, S.PAID, S.BIOMETRICS_CAPTURED, S.INTERVIEWED, S.APPROVED)
CLOSED = (S.REJECTED, S.ISSUED, S.CANCELLED)


def approval_ready(application: Any) -> bool:
    """Whether ``application`` waits for approval: ITAP and conversions only once interviewed."""
    return not application.interview_required or application.status == S.INTERVIEWED


def approval_refusal(application: Any, user: AbstractBaseUser | AnonymousUser) -> Refusal | None:
    """Why ``user`` may not approve ``application`` now, beyond status and role; None if they may."""
    if not approval_ready(application):
        return InvalidTransition(
            gettext("ITAP applications and conversions are approved only after an interview."),
            code="interview-required",
            extra={"status": application.status},
        )
    if application.needs_national_approval and not user_scope(user, roles={Role.NATIONAL_ADMIN}).contains(
        application.office
    ):
        return ActionForbidden(
            gettext(
                "An ITAP or an ITAS longer than one year is approved by a national administrator; "
                "forward the case to headquarters."
            ),
            code="national-approval-required",
        )
    return None


PERMIT_WORKFLOW = Workflow(
    [
        Action(
            "return_documents", (S.SUBMITTED,), S.INCOMPLETE, frozenset({Role.FRONT_DESK}), notify="documents_returned"
        ),
        Action("resubmit", (S.INCOMPLETE,), S.SUBMITTED, frozenset({Role.FRONT_DESK})),
        Action("verify", (S.SUBMITTED,), S.VERIFIED, frozenset({Role.FRONT_DESK})),
        Action(
            "record_payment", (S.VERIFIED,), S.PAID, frozenset({Role.FRONT_DESK}), inputs=(BILLING_CODE, AMOUNT_IDR)
        ),
        Action(
            "capture_biometrics",
            (S.PAID,),
            S.BIOMETRICS_CAPTURED,
            frozenset({Role.BIOMETRIC_OPERATOR}),
            inputs=(PHOTO_REF, FINGERPRINTS_REF),
        ),
        Action("interview", (S.BIOMETRICS_CAPTURED,), S.INTERVIEWED, frozenset({Role.INTERVIEWER})),
        # The interview is optional for ITK and ITAS, so approval may follow biometrics directly;
        # ``approval_refusal`` requires it for ITAP and conversions. A national administrator
        # approves where the office's authority ends (ITAP, ITAS over one year).
        Action(
            "approve",
            (S.BIOMETRICS_CAPTURED, S.INTERVIEWED),
            S.APPROVED,
            frozenset({Role.ADJUDICATOR, Role.NATIONAL_ADMIN}),
            capability=Capability.CENTRAL_RECORDS,
            notify="approved",
            check=approval_refusal,
            ready=approval_ready,
        ),
        Action(
            "reject",
            (S.VERIFIED, S.PAID, S.BIOMETRICS_CAPTURED, S.INTERVIEWED),
            S.REJECTED,
            frozenset({Role.ADJUDICATOR, Role.NATIONAL_ADMIN}),
            notify="rejected",
            inputs=(REASON,),
        ),
        # Issuing creates the permit (its card is printed by the print operator, as passports are).
        Action(
            "issue",
            (S.APPROVED,),
            S.ISSUED,
            frozenset({Role.PRINT_OPERATOR}),
            capability=Capability.PERMIT_ISSUANCE,
            notify="issued",
        ),
        Action("cancel", OPEN, S.CANCELLED, INTAKE, notify="cancelled", inputs=(REASON,)),
    ]
)

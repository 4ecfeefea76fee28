"""The passport application workflow (docs/design.md §5), as one table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.inputs import AMOUNT_IDR, BILLING_CODE, FINGERPRINTS_REF, PHOTO_REF, REASON, StepInput
from casework.workflow import Action, Workflow
from offices.models import Capability
from offices.roles import Role


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Documents incomplete")
    VERIFIED = "verified", _("Verified")
    PAID = "paid", _("Paid")
    BIOMETRICS_CAPTURED = "biometrics_captured", _("Biometrics captured")
    INTERVIEWED = "interviewed", _("Interviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PRINTED = "printed", _("Printed")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


S = Status
INTAKE = frozenset({Role.FRONT_DESK, Role.API_CLIENT})
# The number of the booklet the passport was printed in; the service checks its format.
PASSPORT_NUMBER = StepInput(
    "passport_number", _("passport number"), max_length=32, help_text=_("8 or 9 letters and digits.")
)

BEFORE_PRINTING = (S.SUBMITTED, S.INCOMPLETE, S.VERIFIED, S.PAID, S.BIOMETRICS_CAPTURED, S.INTERVIEWED, S.APPROVED)

# Creating an application is "submit" (sources: none); the express capability is checked then.
SUBMIT_ROLES = INTAKE

PASSPORT_WORKFLOW = Workflow(
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
        Action(
            "approve",
            (S.INTERVIEWED,),
            S.APPROVED,
            frozenset({Role.ADJUDICATOR}),
            capability=Capability.CENTRAL_RECORDS,
            notify="approved",
        ),
        # Rejection is possible from verification on: an adjudicator may stop a case on what the
        # documents or biometrics show without waiting for the interview.
        Action(
            "reject",
            (S.VERIFIED, S.PAID, S.BIOMETRICS_CAPTURED, S.INTERVIEWED),
            S.REJECTED,
            frozenset({Role.ADJUDICATOR}),
            notify="rejected",
            inputs=(REASON,),
        ),
        Action(
            "print",
            (S.APPROVED,),
            S.PRINTED,
            frozenset({Role.PRINT_OPERATOR}),
            capability=Capability.PRINTING,
            notify="ready_for_pickup",
            inputs=(PASSPORT_NUMBER,),
        ),
        Action("hand_over", (S.PRINTED,), S.ISSUED, frozenset({Role.HANDOVER_OFFICER})),
        Action("cancel", BEFORE_PRINTING, S.CANCELLED, INTAKE, notify="cancelled", inputs=(REASON,)),
        # System only (no role holds it): the beat tasks cancel applications left incomplete for
        # 14 days and passports printed but not collected within 30 days, voiding the number.
        # It is the one edge out of "printed" besides hand-over.
        Action("expire", (S.INCOMPLETE, S.PRINTED), S.CANCELLED, frozenset(), notify="cancelled", inputs=(REASON,)),
    ]
)

# Statuses in which the SLA clock runs (interviewed, not yet printed).
SLA_OPEN = (S.INTERVIEWED, S.APPROVED)
# The terminal statuses: a printed passport waiting to be collected is still open.
CLOSED = (S.ISSUED, S.REJECTED, S.CANCELLED)

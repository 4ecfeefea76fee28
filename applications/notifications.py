"""What applicants are told after a change to their application, in Indonesian."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.models import PassportApplication
from casework.models import Notification

# event → (subject, body); placeholders: reference, office, reason.
MESSAGES = {
    "documents_returned": (
        _("Documents incomplete: %(reference)s"),
        _(
            "Your passport application %(reference)s at %(office)s needs more documents. Please bring them to the office."
        ),
    ),
    "approved": (
        _("Application approved: %(reference)s"),
        _("Your passport application %(reference)s has been approved and will be printed."),
    ),
    "ready_for_pickup": (
        _("Passport ready for pickup: %(reference)s"),
        _("Your passport is ready at %(office)s. Collect it within 30 days with your receipt %(reference)s."),
    ),
    "rejected": (
        _("Application rejected: %(reference)s"),
        _("Your passport application %(reference)s has been rejected: %(reason)s"),
    ),
    "cancelled": (
        _("Application cancelled: %(reference)s"),
        _("Your passport application %(reference)s has been cancelled: %(reason)s"),
    ),
}


def application_notification(application: PassportApplication, event: str) -> Notification:
    """The notification of ``event`` for the version of ``application`` just written."""
    subject, body = MESSAGES[event]
    values = {
        "reference": application.reference,
        "office": application.office.name,
        "reason": application.rejection_reason or application.cancellation_reason,
    }
    with translation.override("id"):
        return Notification(
            dedupe_key=f"{application.reference}:v{application.version}",
            case_reference=application.reference,
            office=application.office,
            event=event,
            recipient=application.applicant.email,
            subject=str(subject) % values,
            body=str(body) % values,
        )

"""What applicants are told after a change to their application, in Indonesian."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from applications.models import PassportApplication
from casework.models import Notification
from casework.notifications import case_version_key, notifications_build

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


SCHEDULED = {
    "scheduled": (
        _("New date for your application: %(reference)s"),
        _(
            "The central services are available again. Your passport application %(reference)s at "
            "%(office)s continues on %(date)s, in the order in which held applications became ready."
        ),
    ),
    "withdrawn": (
        _("Earlier date no longer holds: %(reference)s"),
        _(
            "Another outage holds your passport application %(reference)s at %(office)s again: the date "
            "%(date)s you were given no longer holds. You will be told the new date once the central "
            "services are available again."
        ),
    ),
}


def schedule_notifications(
    application: PassportApplication, *, key: str, day: date, event: str = "scheduled"
) -> list[Notification]:
    """The applicant's message giving the day a held application is served after an outage.

    With ``event`` "withdrawn", the message that the day given earlier no longer holds.
    """
    return notifications_build(
        reference=application.reference,
        office=application.office,
        key=key,
        event=event,
        messages=SCHEDULED,
        values={"date": day.strftime("%d-%m-%Y")},
        recipients={"": application.applicant.email},
    )


def application_notifications(application: PassportApplication, event: str) -> list[Notification]:
    """The notification of ``event`` for the version of ``application`` just written."""
    return notifications_build(
        reference=application.reference,
        office=application.office,
        key=case_version_key(application),
        event=event,
        messages=MESSAGES,
        values={"reason": application.rejection_reason or application.cancellation_reason},
        recipients={"": application.applicant.email},
    )

"""What foreigners and their sponsors are told about applications and permits, in Indonesian."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from casework.models import Notification
from casework.notifications import case_version_key, notifications_build
from permits.models import StayPermit, StayPermitApplication
from permits.rules import extension_deadline

# event → (subject, body); placeholders: reference, office, name, reason, until, deadline.
MESSAGES = {
    "documents_returned": (
        _("Documents incomplete: %(reference)s"),
        _(
            "The stay permit application %(reference)s of %(name)s at %(office)s needs more documents. "
            "Please bring them to the office."
        ),
    ),
    "approved": (
        _("Stay permit approved: %(reference)s"),
        _("The stay permit application %(reference)s of %(name)s has been approved and will be issued."),
    ),
    "issued": (
        _("Stay permit issued: %(reference)s"),
        _(
            "The stay permit of %(name)s (application %(reference)s) has been issued at %(office)s, "
            "valid until %(until)s. Collect the card at the office."
        ),
    ),
    "rejected": (
        _("Stay permit application rejected: %(reference)s"),
        _("The stay permit application %(reference)s of %(name)s has been rejected: %(reason)s"),
    ),
    "cancelled": (
        _("Stay permit application cancelled: %(reference)s"),
        _("The stay permit application %(reference)s of %(name)s has been cancelled: %(reason)s"),
    ),
}
REMINDER = {
    "expiry_reminder": (
        _("Stay permit ending soon: %(reference)s"),
        _(
            "The stay permit %(reference)s of %(name)s ends on %(until)s. File the extension at %(office)s "
            "by %(deadline)s; staying after the end without a timely application is an overstay "
            "(Rp1,000,000 a day)."
        ),
    )
}


SCHEDULED = {
    "scheduled": (
        _("New date for the application: %(reference)s"),
        _(
            "The central services are available again. The stay permit application %(reference)s of "
            "%(name)s at %(office)s continues on %(date)s, in the order in which held applications "
            "became ready. The stay remains protected while the application is open."
        ),
    ),
    "withdrawn": (
        _("Earlier date no longer holds: %(reference)s"),
        _(
            "Another outage holds the stay permit application %(reference)s of %(name)s at %(office)s "
            "again: the date %(date)s given earlier no longer holds. The new date follows once the "
            "central services are available again. The stay remains protected while the application is open."
        ),
    ),
}


def _recipients(foreigner_email: str, sponsor_email: str) -> dict[str, str]:
    return {"holder": foreigner_email, "sponsor": sponsor_email}


def application_notifications(application: StayPermitApplication, event: str) -> list[Notification]:
    """The foreigner's and the sponsor's notifications of ``event`` for the version just written."""
    return notifications_build(
        reference=application.reference,
        office=application.office,
        key=case_version_key(application),
        event=event,
        messages=MESSAGES,
        values={
            "name": application.foreigner.full_name,
            "reason": application.rejection_reason or application.cancellation_reason,
            "until": application.requested_until.isoformat(),
        },
        recipients=_recipients(application.foreigner.email, application.sponsor.email),
    )


def schedule_notifications(
    application: StayPermitApplication, *, key: str, day: date, event: str = "scheduled"
) -> list[Notification]:
    """The foreigner's and sponsor's message giving the day a held application is served.

    With ``event`` "withdrawn", the message that the day given earlier no longer holds.
    """
    return notifications_build(
        reference=application.reference,
        office=application.office,
        key=key,
        event=event,
        messages=SCHEDULED,
        values={"name": application.foreigner.full_name, "date": day.strftime("%d-%m-%Y")},
        recipients=_recipients(application.foreigner.email, application.sponsor.email),
    )


def reminder_notifications(permit: StayPermit) -> list[Notification]:
    """The reminder that ``permit`` ends soon, to its holder and sponsor; sent once per permit."""
    return notifications_build(
        reference=permit.number,
        office=permit.office,
        key=f"{permit.number}:reminder",
        event="expiry_reminder",
        messages=REMINDER,
        values={
            "name": permit.holder.full_name,
            "until": permit.valid_until.isoformat(),
            "deadline": extension_deadline(permit).isoformat(),
        },
        recipients=_recipients(permit.holder.email, permit.sponsor.email),
    )

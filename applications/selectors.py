"""Reads of passport applications: what a user may see, and what holds a case."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from applications.models import PassportApplication
from applications.workflow import PASSPORT_WORKFLOW
from offices.models import Outage
from offices.outages import outages_blocking
from offices.selectors import user_scope


def applications_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PassportApplication]:
    """The one answer to "which applications may this user see", used by admin, API and reports."""
    return PassportApplication.objects.filter(user_scope(user).filter_for("office")).select_related(
        "office", "applicant"
    )


def application_held_by(
    application: PassportApplication, *, active_outages: list[Outage] | None = None
) -> list[Outage]:
    """Active outages that block the application's next step, if that step needs a capability.

    A list passes the active outages it read once, so that each row costs no query.
    """
    for action in PASSPORT_WORKFLOW:
        if action.capability and application.status in action.sources:
            if active_outages is None:
                return outages_blocking(office=application.office, capability=action.capability)
            return [
                outage
                for outage in active_outages
                if action.capability in outage.capabilities and outage.covers(application.office)
            ]
    return []

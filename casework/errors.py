"""Refusals a case transition can end in, each with its stable problem code."""

from django.utils.translation import gettext_lazy as _

from plumbing.refusals import Refusal


class InvalidTransition(Refusal):
    status_code = 409
    default_code = "invalid-transition"
    default_detail = _("This action is not possible in the case's current status.")


class PreconditionFailed(Refusal):
    status_code = 412
    default_code = "precondition-failed"
    default_detail = _("The case has changed since you read it: reload it and try again.")


class ActionForbidden(Refusal):
    status_code = 403
    default_code = "permission-denied"
    default_detail = _("Your roles at this office do not allow this action.")

"""Refusals a case transition can end in, each with its stable problem code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from plumbing.api.problems import Problem


class InvalidTransition(Problem):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid-transition"
    default_detail = _("This action is not possible in the case's current status.")


class PreconditionFailed(Problem):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition-failed"
    default_detail = _("The case has changed since you read it: reload it and try again.")


class ActionForbidden(Problem):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission-denied"
    default_detail = _("Your roles at this office do not allow this action.")

"""Passport applications over the API: intake, reads, every workflow action, the timeline.

The views are the shared case views (``casework.api.views``) set to the passport kind, which
brings its workflow, selector, services and serializers: a case outside the caller's scope is a 404, and the service holds the
rules, the role checks and the outage guard.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from applications.api.filters import ApplicationFilter
from casework.api.schema import OUTAGE_ACTIVE, RETRY_AFTER
from casework.api.views import CaseActionView, CaseDetailView, CaseHistoryView, CaseListCreateView
from casework.kinds import CaseKind

TAGS = ["passport applications"]


class PassportCaseMixin:
    """The passport kind of case: who sees which applications and how one looks."""

    kind = CaseKind.PASSPORT
    tags = TAGS


@extend_schema_view(
    post=extend_schema(
        parameters=[RETRY_AFTER],
        description=_(
            "Take in a new application (the workflow's submit). An office code outside the caller's "
            "scope is refused like an unknown one. Express applications need the express service."
        ),
    )
)
class ApplicationListCreateView(PassportCaseMixin, CaseListCreateView):
    """Passport applications in the caller's scope; taking in a new one."""

    filterset_class = ApplicationFilter
    problem_responses_by_method = {
        "POST": {
            403: _("`permission-denied`: no intake role at this office"),
            409: OUTAGE_ACTIVE,
            422: _("`idempotency-key-reused`: the Idempotency-Key was used with a different body"),
        }
    }


class ApplicationDetailView(PassportCaseMixin, CaseDetailView):
    """One application: its status, version (also the ETag), what the caller may do, what holds it."""


class ApplicationHistoryView(PassportCaseMixin, CaseHistoryView):
    """The application's timeline: every change, who made it, when, from and to which status."""


class ApplicationActionView(PassportCaseMixin, CaseActionView):
    """Take one workflow action on an application; answers with the application as it now is."""

"""Stay permits over the API: applications and their workflow, issued permits, stay exceptions.

Application views are the shared case views (``casework.api.views``) set to the permit kind, which
brings its workflow, selector, services and serializers. Permit views read through ``stay_permits_visible_to`` and
``stay_exceptions_visible_to``: a permit outside the caller's scope is a 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from casework.api.schema import CaseSchema
from casework.api.views import CaseActionView, CaseDetailView, CaseHistoryView, CaseListCreateView
from casework.kinds import CaseKind
from offices.outages import outages_active
from permits.api.filters import PermitApplicationFilter, StayExceptionFilter, StayPermitFilter
from permits.api.serializers import (
    StayExceptionSerializer,
    StayPermitDetailSerializer,
    StayPermitSerializer,
)
from permits.models import StayPermit, StayPermitApplication
from permits.selectors import (
    foreigner_stay,
    stay_exceptions_visible_to,
    stay_of_exception,
    stay_permits_visible_to,
)
from privacy.recording import PersonalDataAPIMixin

APPLICATION_TAGS = ["stay permit applications"]
PERMIT_TAGS = ["stay permits"]


class PermitCaseMixin:
    """The stay permit kind of case: who sees which applications and how one looks."""

    kind = CaseKind.PERMIT
    tags = APPLICATION_TAGS

    def get_queryset(self) -> QuerySet[StayPermitApplication]:
        """The applications the caller may see, with the permit each issued read in the same query."""
        return super().get_queryset().select_related("issued_permit")


@extend_schema_view(
    post=extend_schema(
        description=_(
            "Take in a new stay permit application (the workflow's submit), with the foreigner and the "
            "sponsor, who are created or brought up to date. An office code outside the caller's scope "
            "is refused like an unknown one; the rules of each permit type are checked here and each "
            "refusal names its field in `invalid_params`."
        ),
    )
)
class PermitApplicationListCreateView(PermitCaseMixin, CaseListCreateView):
    """Stay permit applications in the caller's scope; taking in a new one."""

    filterset_class = PermitApplicationFilter
    problem_responses_by_method = {
        "POST": {
            403: _("`permission-denied`: no intake role at this office"),
            422: _("`idempotency-key-reused`: the Idempotency-Key was used with a different body"),
        }
    }


class PermitApplicationDetailView(PermitCaseMixin, CaseDetailView):
    """One application: its status, version (also the ETag), what the caller may do, what holds it."""


class PermitApplicationHistoryView(PermitCaseMixin, CaseHistoryView):
    """The application's timeline: every change, who made it, when, from and to which status."""


class PermitApplicationActionView(PermitCaseMixin, CaseActionView):
    """Take one workflow action on an application; ``issue`` also creates the permit."""

    problem_responses = {
        **CaseActionView.problem_responses,
        403: format_lazy(
            "{}{}",
            CaseActionView.problem_responses[403],
            _(
                "; `national-approval-required` (approve): an ITAP or an ITAS over one year is approved "
                "by a national administrator"
            ),
        ),
        409: format_lazy(
            "{} {}",
            _("`interview-required` (approve): ITAP applications and conversions need the interview first;"),
            CaseActionView.problem_responses[409],
        ),
    }


class StayPermitListView(PersonalDataAPIMixin, generics.ListAPIView):
    """Issued permits of the offices in the caller's scope, newest first."""

    serializer_class = StayPermitSerializer
    filterset_class = StayPermitFilter
    ordering = "-id"
    schema = CaseSchema()
    tags = PERMIT_TAGS

    def get_queryset(self) -> QuerySet[StayPermit]:
        return stay_permits_visible_to(self.request.user)


class StayPermitDetailView(PersonalDataAPIMixin, generics.RetrieveAPIView):
    """One permit, with where its holder stands today (covered, protected or overstaying)."""

    serializer_class = StayPermitDetailSerializer
    lookup_field = "number"
    filter_backends: list = []
    schema = CaseSchema()
    tags = PERMIT_TAGS

    def get_queryset(self) -> QuerySet[StayPermit]:
        return stay_permits_visible_to(self.request.user)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        permit = self.get_object()
        return Response(self.get_serializer({"permit": permit, "stay": foreigner_stay(permit.holder)}).data)


class StayExceptionListView(PersonalDataAPIMixin, generics.ListAPIView):
    """Holders whose permit ended with no successor: protected by a pending application, or overstaying.

    Most urgent first (the earliest end). Each page costs a fixed number of queries: the page's
    protecting applications are read in one query and the active outages once.
    """

    serializer_class = StayExceptionSerializer
    filterset_class = StayExceptionFilter
    ordering = ("valid_until", "id")
    schema = CaseSchema()
    tags = PERMIT_TAGS

    def get_queryset(self) -> QuerySet[StayPermit]:
        # The filter set validates ``state``; the selector applies it.
        return stay_exceptions_visible_to(self.request.user, state=self.request.query_params.get("state") or None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        permits = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        protecting_ids = [permit.protecting_id for permit in permits if permit.protecting_id is not None]
        applications = StayPermitApplication.objects.select_related("office").in_bulk(protecting_ids)
        active_outages = outages_active()
        stays = [
            stay_of_exception(permit, applications=applications, active_outages=active_outages) for permit in permits
        ]
        return self.get_paginated_response(self.get_serializer(stays, many=True).data)

"""Passport applications over the API: intake, reads, every workflow action, the timeline.

Views are thin: they parse, look the case up through ``applications_visible_to`` (so a case
outside the caller's scope is a 404, never a 403 that confirms it exists) and call the service,
which holds the rules, the role checks and the outage guard.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.filters import ApplicationFilter
from applications.api.serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    TimelineEntrySerializer,
    action_input_serializer,
)
from applications.models import PassportApplication
from applications.selectors import applications_visible_to
from applications.services import application_act, application_submit
from applications.workflow import PASSPORT_WORKFLOW
from casework.errors import PreconditionFailed
from casework.history import case_timeline
from imigrasi.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from imigrasi.api.idempotency import idempotent
from imigrasi.api.schema import ProblemAutoSchema
from offices.outages import outages_active
from offices.selectors import offices_visible_to

TAGS = ["passport applications"]

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Makes a retried create return the first response (header `Idempotent-Replayed: true`); "
        "the same key with a different body is refused with 422. Kept at least 24 hours."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_('The `ETag` (`"<version>"`) the client last read; a stale one is refused with 412.'),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_('The application\'s version, `"<version>"`: send it back as `If-Match`.'),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[409],
    description=_("With `outage-active`, when the outage has an expected end: seconds until then."),
)

OUTAGE_ACTIVE = _(
    "`outage-active`: an outage takes down a capability this step needs; the body names it "
    "(`outages`) and `Retry-After` is set when it has an expected end"
)


def etag(application: PassportApplication) -> str:
    return f'"{application.version}"'


def if_match_version(request: Request, application: PassportApplication) -> int | None:
    """The version the client claims to have read, from ``If-Match``; None when not sent.

    An ``If-Match`` that is no version of ours can never match, so it fails like a stale one
    (RFC 9110 §13.1.1); ``*`` matches any version.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip().strip('"')
    if not value.isdigit():
        raise PreconditionFailed(extra={"version": application.version})
    return int(value)


class ApplicationSchema(ProblemAutoSchema):
    """Problem responses declared per method, for views that serve more than one.

    ``problem_responses_by_method = {"POST": {409: "…"}}``; a description of None withdraws a
    response the defaults would declare but the view cannot give.
    """

    def _problem_responses(self) -> dict[int, str]:
        found = super()._problem_responses()
        for code, description in getattr(self.view, "problem_responses_by_method", {}).get(self.method, {}).items():
            if description is None:
                found.pop(code, None)
            else:
                found[code] = description
        return found


class ActionAutoSchema(ApplicationSchema):
    """Describes each action's URL from the workflow table: sources, target, roles, capability."""

    def get_description(self) -> str:
        action = PASSPORT_WORKFLOW[self.view.action_name]
        lines = [
            str(_("Action `%(action)s`.") % {"action": action.slug}),
            str(
                _("From: %(sources)s; to: %(target)s.")
                % {"sources": ", ".join(action.sources), "target": action.target}
            ),
            str(_("Roles: %(roles)s.") % {"roles": ", ".join(sorted(action.roles))}),
        ]
        if action.capability:
            lines.append(str(_("Needs the capability `%(capability)s`.") % {"capability": action.capability}))
        return " ".join(lines)


class ApplicationListCreateView(generics.ListAPIView):
    """Passport applications in the caller's scope; taking in a new one."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    ordering = "-id"
    schema = ApplicationSchema()
    problem_responses_by_method = {
        "POST": {
            403: _("`permission-denied`: no intake role at this office"),
            409: OUTAGE_ACTIVE,
            422: _("`idempotency-key-reused`: the Idempotency-Key was used with a different body"),
        }
    }

    def get_queryset(self) -> QuerySet[PassportApplication]:
        return applications_visible_to(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        # Read once per page so that ``held_by`` costs no query per row.
        active_outages = outages_active()
        return {**super().get_serializer_context(), "active_outages": active_outages}

    @extend_schema(tags=TAGS, responses={200: ApplicationSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
        parameters=[IDEMPOTENCY_KEY, RETRY_AFTER],
        description=_(
            "Take in a new application (the workflow's submit). An office code outside the caller's "
            "scope is refused like an unknown one. Express applications need the express service."
        ),
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = ApplicationCreateSerializer(data=request.data, offices=offices_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        application = application_submit(actor=request.user, **serializer.validated_data)
        data = ApplicationSerializer(application, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(generics.RetrieveAPIView):
    """One application: its status, version (also the ETag), what the caller may do, what holds it."""

    serializer_class = ApplicationSerializer
    lookup_field = "reference"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[PassportApplication]:
        return applications_visible_to(self.request.user)

    @extend_schema(tags=TAGS, parameters=[ETAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        return Response(self.get_serializer(application).data, headers={"ETag": etag(application)})


class ApplicationHistoryView(generics.GenericAPIView):
    """The application's timeline: every change, who made it, when, from and to which status."""

    serializer_class = TimelineEntrySerializer
    lookup_field = "reference"
    filter_backends: list = []
    pagination_class = None
    schema = ApplicationSchema()
    # Not a filtered list: query parameters are not read, so none is refused.
    problem_responses_by_method = {"GET": {400: None}}

    def get_queryset(self) -> QuerySet[PassportApplication]:
        return applications_visible_to(self.request.user)

    @extend_schema(tags=TAGS, responses={200: TimelineEntrySerializer(many=True)})
    def get(self, request: Request, reference: str) -> Response:
        application = self.get_object()
        return Response(TimelineEntrySerializer(case_timeline(application), many=True).data)


@extend_schema_view(
    post=extend_schema(
        tags=TAGS,
        responses={200: ApplicationSerializer},
        parameters=[IF_MATCH, ETAG, RETRY_AFTER],
    )
)
class ApplicationActionView(generics.GenericAPIView):
    """Take one workflow action on an application; answers with the application as it now is.

    One URL per action (``as_view(action_name=…)``), so the schema documents each action's body.
    """

    action_name: str = ""
    schema = ActionAutoSchema()
    lookup_field = "reference"
    filter_backends: list = []
    pagination_class = None
    problem_responses = {
        403: _("`permission-denied`: the case is visible but the caller's roles do not allow this action"),
        409: format_lazy("{} {}", _("`invalid-transition`: not possible in the case's status; or"), OUTAGE_ACTIVE),
        412: _("`precondition-failed`: `If-Match` is stale; the body carries the current `version`"),
    }

    def get_serializer_class(self) -> type:
        return action_input_serializer(self.action_name)

    def get_queryset(self) -> QuerySet[PassportApplication]:
        return applications_visible_to(self.request.user)

    def post(self, request: Request, reference: str) -> Response:
        application = self.get_object()
        expected_version = if_match_version(request, application)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        note = inputs.pop("note", "")
        application = application_act(
            application=application,
            action=self.action_name,
            actor=request.user,
            note=note,
            expected_version=expected_version,
            **inputs,
        )
        data = ApplicationSerializer(application, context={"request": request}).data
        return Response(data, headers={"ETag": etag(application)})


def action_views() -> list[tuple[str, Any]]:
    """(slug, view) for every action a person or client may take; ``expire`` has no URL."""
    return [
        (action.slug, ApplicationActionView.as_view(action_name=action.name))
        for action in PASSPORT_WORKFLOW
        if action.roles
    ]

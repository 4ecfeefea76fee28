"""Base views of every kind of case: list and intake, detail, history, one URL per action.

Views are thin: they parse, look the case up through the kind's ``selector`` (``…_visible_to``,
so a case outside the caller's scope is a 404, never a 403 that confirms it exists) and call the
kind's service, which holds the rules, the role checks and the outage guard. A kind of case
subclasses these and names its kind (``casework.kinds``): the workflow, selector, services and
serializers come from its registration, so a kind's views add only what documents them.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from casework.api.schema import (
    ETAG,
    IDEMPOTENCY_KEY,
    IF_MATCH,
    OUTAGE_ACTIVE,
    RETRY_AFTER,
    ActionAutoSchema,
    CaseSchema,
)
from casework.api.serializers import ActionInputSerializer, TimelineEntrySerializer
from casework.errors import PreconditionFailed
from casework.history import case_timeline
from casework.kinds import CaseKindSpec, kind_named
from casework.models import Case, version_parse
from casework.workflow import Workflow
from offices.models import Outage
from offices.outages import outages_active
from offices.selectors import offices_visible_to
from plumbing.api.idempotency import idempotent
from privacy.recording import PersonalDataAPIMixin


def etag(case: Case) -> str:
    return f'"{case.version}"'


def if_match_version(request: Request, case: Case) -> int | None:
    """The version the client claims to have read, from ``If-Match``; None when not sent.

    An ``If-Match`` that is no version of ours can never match, so it fails like a stale one
    (RFC 9110 §13.1.1); ``*`` matches any version.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    version = version_parse(header.removeprefix("W/").strip().strip('"'))
    if version is None:
        raise PreconditionFailed(extra={"version": case.version})
    return version


class CaseView(PersonalDataAPIMixin, generics.GenericAPIView):
    """What every case view knows: which cases the caller sees, how one looks, its docs section.

    Every read of a case, its list and its history included, is recorded in the personal-data
    access log (``privacy``), as are refused reads (404, 403).

    ``kind`` is the registered name of the kind of case (``CaseKind.PASSPORT``).
    """

    kind: ClassVar[str]
    tags: ClassVar[list[str]] = []
    lookup_field = "reference"
    schema = CaseSchema()

    @classmethod
    def case_kind(cls) -> CaseKindSpec:
        return kind_named(cls.kind)

    @property
    def case_serializer_class(self) -> type[serializers.Serializer]:
        return self.case_kind().case_serializer

    def get_queryset(self) -> QuerySet:
        return self.case_kind().selector(self.request.user)

    def case_data(self, case: Case) -> dict[str, Any]:
        return self.case_serializer_class(case, context=self.get_serializer_context()).data


class CaseListCreateView(CaseView, generics.ListAPIView):
    """Cases in the caller's scope; taking in a new one (the workflow's submit, the kind's intake service)."""

    ordering = "-id"
    post_status = status.HTTP_201_CREATED
    # Set by ``list`` only: a single case read after a write asks for its own outages.
    active_outages: list[Outage] | None = None

    @property
    def create_serializer_class(self) -> type[serializers.Serializer]:
        """The body of an intake: a ``CaseCreateSerializer``."""
        return self.case_kind().create_serializer

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.request is not None and self.request.method == "POST":
            return self.create_serializer_class
        return self.case_serializer_class

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Read once per page so that ``held_by`` costs no query per row.
        self.active_outages = outages_active()
        return super().list(request, *args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.active_outages is not None:
            context["active_outages"] = self.active_outages
        return context

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    def post(self, request: Request) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = self.create_serializer_class(data=request.data, offices=offices_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        case = self.case_kind().submit(actor=request.user, **serializer.validated_data)
        return Response(self.case_data(case), status=status.HTTP_201_CREATED)


class CaseDetailView(CaseView):
    """One case: its status, version (also the ETag), what the caller may do, what holds it."""

    filter_backends: list = []

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.case_serializer_class

    @extend_schema(parameters=[ETAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        return Response(self.case_data(case), headers={"ETag": etag(case)})


class CaseHistoryView(CaseView):
    """The case's timeline: every change, who made it, when, from and to which status."""

    serializer_class = TimelineEntrySerializer
    filter_backends: list = []
    pagination_class = None
    # Not a filtered list: query parameters are not read, so none is refused.
    problem_responses_by_method = {"GET": {400: None}}

    @extend_schema(responses={200: TimelineEntrySerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        return Response(TimelineEntrySerializer(case_timeline(case), many=True).data)


class CaseActionView(CaseView):
    """Take one workflow action on a case; answers with the case as it now is.

    One URL per action (``as_view(action_name=…)``), so the schema documents each action's body.
    The kind's ``act`` service takes ``application=``, ``action=``, ``actor=``, ``note=``,
    ``expected_version=`` and the action's inputs; its ``action_input_serializers`` are the bodies
    of actions that take more than a note.
    """

    action_name: str = ""
    schema = ActionAutoSchema()
    filter_backends: list = []
    pagination_class = None
    problem_responses = {
        403: _("`permission-denied`: the case is visible but the caller's roles do not allow this action"),
        409: format_lazy("{} {}", _("`invalid-transition`: not possible in the case's status; or"), OUTAGE_ACTIVE),
        412: _("`precondition-failed`: `If-Match` is stale; the body carries the current `version`"),
    }

    @property
    def workflow(self) -> Workflow:
        return self.case_kind().workflow

    def get_serializer_class(self) -> type[ActionInputSerializer]:
        return self.case_kind().action_input_serializers.get(self.action_name, ActionInputSerializer)

    @extend_schema(parameters=[IF_MATCH, ETAG, RETRY_AFTER])
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        expected_version = if_match_version(request, case)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        note = inputs.pop("note", "")
        case = self.case_kind().act(
            application=case,
            action=self.action_name,
            actor=request.user,
            note=note,
            expected_version=expected_version,
            **inputs,
        )
        return Response(self.case_data(case), headers={"ETag": etag(case)})


def action_views(view: type[CaseActionView]) -> list[tuple[str, Callable[..., Any]]]:
    """(slug, view) for every action of ``view``'s workflow a person or client may take.

    Actions without roles (``expire``) are the scheduler's alone and have no URL.
    """
    workflow = view.case_kind().workflow
    return [(action.slug, view.as_view(action_name=action.name)) for action in workflow if action.roles]

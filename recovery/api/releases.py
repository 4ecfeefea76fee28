"""Releases over the API: an outage's release and its progress, pausing an office, the queue of
released cases, and the recovery capacity office heads set.

Reads go through the caller's scope: a release is found through the outages the caller may see
(``outages_visible_to``) and lists only the offices in their scope; the queue and the capacities
are filtered by ``user_scope``. Pausing, resuming and adding capacity go through
``recovery.services``, which hold who may do them.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.schema import IDEMPOTENCY_KEY
from casework.kinds import CaseKind
from offices.selectors import offices_visible_to, user_scope
from plumbing.api.idempotency import idempotent
from recovery.api.release_serializers import (
    RecoveryCapacityCreateSerializer,
    RecoveryCapacitySerializer,
    ReleaseOfficeSerializer,
    ReleaseQueueEntrySerializer,
    ReleaseSerializer,
)
from recovery.models import RecoveryCapacity, ReleaseEntry
from recovery.selectors import (
    recovery_capacities_visible_to,
    release_of_outage,
    release_offices_visible_to,
    release_queue_visible_to,
)
from recovery.services import (
    RELEASE_MANAGERS,
    recovery_capacity_set,
    release_office_pause,
    release_office_resume,
)

TAGS = ["recovery"]
FINISHED = gettext_lazy("`release-office-finished`: every case of this office already has its date")


class ReleaseDetailView(APIView):
    """An outage's release: its progress at each office in the caller's scope, and the totals."""

    @extend_schema(tags=TAGS, responses={200: ReleaseSerializer})
    def get(self, request: Request, pk: int) -> Response:
        release = release_of_outage(request.user, pk)
        parts = list(release_offices_visible_to(request.user, release))
        return Response(ReleaseSerializer(release, context={"parts": parts}).data)


class ReleaseOfficeActionView(APIView):
    """Pause or resume dating one office's released cases (office head or supervisor)."""

    act: Any = None
    problem_responses = {
        403: gettext_lazy("`permission-denied`: only the office's head or a supervisor may do this"),
        409: FINISHED,
    }

    def post(self, request: Request, pk: int, office_code: str) -> Response:
        release = release_of_outage(request.user, pk)
        part = get_object_or_404(
            release_offices_visible_to(request.user, release), office__code="".join(office_code.split()).upper()
        )
        part = type(self).act(actor=request.user, part=part)
        return Response(ReleaseOfficeSerializer(part).data)


class ReleaseOfficePauseView(ReleaseOfficeActionView):
    act = staticmethod(release_office_pause)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: ReleaseOfficeSerializer},
        description=gettext_lazy(
            "Stop dating the office's released cases after the chunk in progress; those dated keep "
            "their day. Pausing a paused office changes nothing."
        ),
    )
    def post(self, request: Request, pk: int, office_code: str) -> Response:
        return super().post(request, pk, office_code)


class ReleaseOfficeResumeView(ReleaseOfficeActionView):
    act = staticmethod(release_office_resume)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: ReleaseOfficeSerializer},
        description=gettext_lazy(
            "Go on dating a paused office's released cases where the job stopped. Resuming an office "
            "that is not paused changes nothing."
        ),
    )
    def post(self, request: Request, pk: int, office_code: str) -> Response:
        return super().post(request, pk, office_code)


class ReleaseQueueFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(method="filter_office", help_text=gettext_lazy("Office code, e.g. SMG."))
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, help_text=gettext_lazy("The queue."))
    expected_on = django_filters.DateFilter(help_text=gettext_lazy("Cases expected on this day."))
    expected_on_after = django_filters.DateFilter(
        field_name="expected_on", lookup_expr="gte", help_text=gettext_lazy("Expected on or after this day.")
    )
    expected_on_before = django_filters.DateFilter(
        field_name="expected_on", lookup_expr="lt", help_text=gettext_lazy("Expected before this day.")
    )

    class Meta:
        model = ReleaseEntry
        fields: list[str] = []

    def filter_office(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(office__code="".join(value.split()).upper())


class ReleaseQueueView(generics.ListAPIView):
    """Released cases still to be worked at the caller's offices, in the order to work them.

    By day, then queue (passports before permits), then place in the office's queue: the order
    the cases became ready. A page costs a fixed number of queries.
    """

    serializer_class = ReleaseQueueEntrySerializer
    filterset_class = ReleaseQueueFilter
    ordering = ("expected_on", "kind", "position", "id")

    def get_queryset(self) -> QuerySet[ReleaseEntry]:
        return release_queue_visible_to(self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RecoveryCapacityFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(method="filter_office", help_text=gettext_lazy("Office code, e.g. SMG."))
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, help_text=gettext_lazy("The queue."))

    class Meta:
        model = RecoveryCapacity
        fields: list[str] = []

    def filter_office(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(office__code="".join(value.split()).upper())


class RecoveryCapacityListCreateView(generics.ListAPIView):
    """Recovery capacity of the offices in the caller's scope; an office head adding a period."""

    serializer_class = RecoveryCapacitySerializer
    filterset_class = RecoveryCapacityFilter
    ordering = ("starts_on", "id")
    problem_responses = {
        403: gettext_lazy("`permission-denied`: (POST) only the office's head or a supervisor may add capacity"),
        422: gettext_lazy("`idempotency-key-reused`: (POST) the Idempotency-Key was used with a different body"),
    }

    def get_queryset(self) -> QuerySet[RecoveryCapacity]:
        return recovery_capacities_visible_to(self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=RecoveryCapacityCreateSerializer,
        responses={201: RecoveryCapacitySerializer},
        parameters=[IDEMPOTENCY_KEY],
        description=gettext_lazy(
            "Add overtime and Saturday sessions to an office's queue for a period; releases planned "
            "from now on count them. Refusals name their field in `invalid_params`: "
            "`period-reversed`, `period-past`, `nothing-added`, `overlapping`, and an office outside "
            "the caller's scope is refused like an unknown code."
        ),
    )
    def post(self, request: Request) -> Response:
        if user_scope(request.user, roles=RELEASE_MANAGERS).is_empty:
            raise exceptions.PermissionDenied(_("Only an office head or a supervisor may add recovery capacity."))
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = RecoveryCapacityCreateSerializer(
            data=request.data, context={"offices": offices_visible_to(request.user)}
        )
        serializer.is_valid(raise_exception=True)
        capacity = recovery_capacity_set(actor=request.user, **serializer.validated_data)
        capacity = self.get_queryset().get(pk=capacity.pk)
        return Response(RecoveryCapacitySerializer(capacity).data, status=status.HTTP_201_CREATED)

"""Outages over the API: the public service status, and declaring and resolving outages.

Declaring and resolving go through ``offices.outages`` services, which hold the permissions
(national by a national administrator, a region by its supervisor, an office by its head) and
take the exclusive locks that order them against approvals and prints.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from offices.api.outage_serializers import (
    OutageDeclareSerializer,
    OutageResolveSerializer,
    OutageSerializer,
    ServiceStatusSerializer,
    StatusQuerySerializer,
)
from offices.models import Outage
from offices.outages import outage_declare, outage_resolve, outages_visible_to, service_status

TAGS = ["outages"]


class ServiceStatusView(APIView):
    """Public: which central capabilities are up, nationally or at one office, and why not."""

    permission_classes = [AllowAny]
    problem_responses = {400: gettext_lazy("`invalid` (see `invalid_params`): unknown office or query parameter")}

    @extend_schema(tags=["status"], parameters=[StatusQuerySerializer], responses={200: ServiceStatusSerializer})
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"office", "format"})
        if unknown:
            error = exceptions.ErrorDetail(_("Unknown query parameter."), code="unknown-parameter")
            raise exceptions.ValidationError({name: [error] for name in unknown})
        query = StatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(ServiceStatusSerializer(service_status(office=query.validated_data.get("office"))).data)


class OutageFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        method="filter_active", help_text=gettext_lazy("true: not yet resolved; false: resolved.")
    )

    class Meta:
        model = Outage
        fields: list[str] = []

    def filter_active(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(resolved_at__isnull=value)


class OutageListCreateView(generics.ListAPIView):
    """Outages the caller may see; declaring one."""

    serializer_class = OutageSerializer
    filterset_class = OutageFilter
    ordering = "-id"
    problem_responses = {
        400: gettext_lazy(
            "`invalid` (see `invalid_params`): a malformed query parameter, or (POST) a declaration refused "
            "on its field, such as `expected_end` `in-past` or `too-far`; `malformed-json`"
        ),
        403: gettext_lazy("`permission-denied`: (POST) the caller may not declare an outage for this scope"),
    }

    def get_queryset(self) -> QuerySet[Outage]:
        return outages_visible_to(self.request.user)

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=OutageDeclareSerializer, responses={201: OutageSerializer})
    def post(self, request: Request) -> Response:
        serializer = OutageDeclareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outage = outage_declare(actor=request.user, **serializer.validated_data)
        outage = self.get_queryset().get(pk=outage.pk)
        return Response(OutageSerializer(outage).data, status=status.HTTP_201_CREATED)


class OutageResolveView(APIView):
    """Mark an outage resolved: the capabilities it took down are available again."""

    problem_responses = {
        403: gettext_lazy("`permission-denied`: the caller may not resolve this outage"),
        409: gettext_lazy("`outage-already-resolved`"),
    }

    @extend_schema(tags=TAGS, request=OutageResolveSerializer, responses={200: OutageSerializer})
    def post(self, request: Request, pk: int) -> Response:
        outage = get_object_or_404(outages_visible_to(request.user), pk=pk)
        serializer = OutageResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outage_resolve(actor=request.user, outage=outage, note=serializer.validated_data["note"])
        outage = outages_visible_to(request.user).get(pk=pk)
        return Response(OutageSerializer(outage).data)

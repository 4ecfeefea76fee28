"""Offices and the caller's own memberships."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from offices.api.filters import OfficeFilter
from offices.api.serializers import MeSerializer, OfficeSerializer
from offices.models import Office
from offices.selectors import memberships_visible_to, offices_visible_to


@extend_schema(tags=["offices"])
class OfficeListView(generics.ListAPIView):
    """The offices in the caller's scope."""

    serializer_class = OfficeSerializer
    filterset_class = OfficeFilter
    ordering = "code"

    def get_queryset(self) -> QuerySet[Office]:
        return offices_visible_to(self.request.user)


@extend_schema(tags=["offices"])
class OfficeDetailView(generics.RetrieveAPIView):
    serializer_class = OfficeSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Office]:
        return offices_visible_to(self.request.user)


class MeView(APIView):
    """Who the caller is and where they hold which role."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = memberships_visible_to(user).filter(user=user).order_by("role", "office__code")
        return Response(
            MeSerializer(
                {"username": user.get_username(), "full_name": user.get_full_name(), "memberships": memberships}
            ).data
        )

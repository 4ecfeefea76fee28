"""The impact of an outage over the API: offices affected, cases held, peak and clearing dates.

The outage is found among those the caller may see (``outages_visible_to``), any other is a 404;
its numbers cover only the offices of the caller's scope, so a national outage seen from Semarang
shows Semarang's row and Semarang's totals, never another office's.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from offices.models import Outage
from offices.outages import outages_visible_to
from offices.selectors import user_scope
from recovery.api.impact_serializers import ImpactSerializer
from recovery.impact import outage_impact


class OutageImpactView(generics.GenericAPIView):
    """An outage's impact at the offices in the caller's scope."""

    serializer_class = ImpactSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Outage]:
        return outages_visible_to(self.request.user)

    @extend_schema(
        tags=["outages"],
        responses={200: ImpactSerializer},
        description=_(
            "Per office: the cases held per capability, the peak backlog and the day the backlog cleared "
            "or is projected to clear; with totals over the same offices. An active outage is counted "
            "live and projected as if resolved today; a resolved one from its release."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        outage = self.get_object()
        return Response(ImpactSerializer(outage_impact(outage, scope=user_scope(request.user))).data)

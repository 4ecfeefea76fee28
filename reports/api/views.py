"""The reports over the API: one endpoint per report, its rows in pages, its filters validated.

Each endpoint is a subclass of ``ReportView`` made for one report (``report_view``), so the schema
documents each report's own filters and columns.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, pagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from offices.selectors import overseen_scope
from reports.api.serializers import ReportEntrySerializer, page_serializer_for, row_serializer_for
from reports.definitions.base import Report
from reports.filters import query_serializer_for, report_filters
from reports.registry import REPORTS

TAGS = ["reports"]


class ReadsReports(IsAuthenticated):
    """Office heads, regional supervisors, national administrators and API clients read reports."""

    message = gettext_lazy(
        "Only office heads, regional supervisors, national administrators and API clients read reports."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and not overseen_scope(request.user).is_empty


class ReportPagination(pagination.PageNumberPagination):
    """Numbered pages of up to 1,000 rows (100 by default): reports are read whole, in order."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ReportIndexView(APIView):
    """The reports there are: slug, title, description, the filters each takes and its URL."""

    permission_classes = [ReadsReports]
    problem_responses = {403: gettext_lazy("`permission-denied`: no role that reads reports")}

    @extend_schema(tags=TAGS, responses={200: ReportEntrySerializer(many=True)})
    def get(self, request: Request) -> Response:
        entries = [
            {
                "slug": report.slug,
                "title": report.title,
                "description": report.description,
                "filters": list(query_serializer_for(report)().fields),
                "url": reverse(f"v1:report-{report.slug}", request=request),
            }
            for report in REPORTS.values()
        ]
        return Response(ReportEntrySerializer(entries, many=True).data)


class ReportView(APIView):
    permission_classes = [ReadsReports]
    pagination_class = ReportPagination
    report: Report
    problem_responses = {
        400: gettext_lazy(
            "`invalid` (see `invalid_params`): an unknown query parameter; a region or office that does "
            "not exist or that you do not oversee (`does_not_exist`); an office outside the region "
            "(`office-not-in-region`); an end before the start (`range-reversed`); a range of two "
            "years or more (`range-too-long`)"
        ),
        403: gettext_lazy("`permission-denied`: no role that reads reports"),
        404: gettext_lazy("`not-found`: a page past the last"),
    }

    def get(self, request: Request) -> Response:
        query_serializer = query_serializer_for(self.report)
        known = set(query_serializer().fields) | {"page", "page_size", "format"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            error = exceptions.ErrorDetail(_("Unknown query parameter."), code="unknown-parameter")
            raise exceptions.ValidationError({name: [error] for name in unknown})
        query = query_serializer(data=request.query_params, context={"user": request.user})
        query.is_valid(raise_exception=True)
        filters = report_filters(user=request.user, report=self.report, data=query.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(self.report.rows(filters), request, view=self)
        return paginator.get_paginated_response(row_serializer_for(self.report)(page, many=True).data)


def report_view(report: Report) -> type[ReportView]:
    """The API view of one report, documented with its own filters, columns and description."""
    query_serializer = query_serializer_for(report)

    @extend_schema(
        tags=TAGS,
        operation_id=f"v1_reports_{report.slug.replace('-', '_')}",
        summary=report.title,
        description=report.description,
        parameters=[query_serializer],
        responses={200: page_serializer_for(report)},
    )
    def get(self: ReportView, request: Request) -> Response:
        return ReportView.get(self, request)

    return type(report.class_name + "ReportView", (ReportView,), {"report": report, "get": get})

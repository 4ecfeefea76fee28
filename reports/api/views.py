"""The reports over the API: one endpoint per report, its rows in pages, its filters validated.

Each endpoint is a subclass of ``ReportView`` made for one report (``report_view``), so the schema
documents each report's own filters and columns.
"""

from typing import Any

from django.conf import settings
from django.http.response import HttpResponseBase
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, pagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from offices.selectors import overseen_scope
from plumbing.api.problems import Problem
from privacy.models import Door
from privacy.recording import PersonalDataAPIMixin
from reports.api.serializers import ReportEntrySerializer, page_serializer_for, row_serializer_for
from reports.definitions.base import Report, ReportFilters
from reports.downloads import report_row_count
from reports.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Table, csv_stream_response, xlsx_response
from reports.filters import query_serializer_for, report_filters
from reports.registry import REPORTS

TAGS = ["reports"]

DOWNLOAD_CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
DOWNLOAD_DESCRIPTIONS = {
    "csv": gettext_lazy(
        "The whole report as CSV, streamed: UTF-8 with a byte order mark, a header row, ISO dates, "
        "whole rupiah. Takes the report's filters."
    ),
    "xlsx": gettext_lazy(
        "The whole report as an XLSX workbook of one sheet: a header row, numbers as numbers, "
        "dates as dates. Takes the report's filters."
    ),
}


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


class ReportView(PersonalDataAPIMixin, APIView):
    """One report's rows in pages. A report that names people (protected stays, permits expiring)
    records each page it shows, and each refusal, in the personal-data access log."""

    permission_classes = [ReadsReports]
    personal_data_door = Door.REPORT
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

    # Query parameters of the view rather than of the report's filters.
    view_parameters = frozenset({"page", "page_size", "format"})

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not self.report.people_keys:
            self.personal_data_door = ""
        super().initial(request, *args, **kwargs)

    def get(self, request: Request) -> Response:
        filters = self.filters(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(self.report.rows(filters), request, view=self)
        self.personal_data_named(self.report.people(page), office_ids=filters.office_ids)
        return paginator.get_paginated_response(row_serializer_for(self.report)(page, many=True).data)

    def filters(self, request: Request) -> ReportFilters:
        """The request's filters, validated; a 400 naming each unknown parameter or bad value."""
        query_serializer = query_serializer_for(self.report)
        unknown = sorted(set(request.query_params) - set(query_serializer().fields) - self.view_parameters)
        if unknown:
            error = exceptions.ErrorDetail(_("Unknown query parameter."), code="unknown-parameter")
            raise exceptions.ValidationError({name: [error] for name in unknown})
        query = query_serializer(data=request.query_params, context={"user": request.user})
        query.is_valid(raise_exception=True)
        return report_filters(user=request.user, report=self.report, data=query.validated_data)


class ReportDownloadView(ReportView):
    """The whole report as a file: CSV streamed row by row, or an XLSX workbook of one sheet."""

    view_parameters = frozenset({"format"})
    file_format: str
    personal_data_door = Door.EXPORT

    problem_responses = {
        **ReportView.problem_responses,
        422: gettext_lazy(
            "`xlsx-too-large`: more rows than a workbook is built for on request "
            "(`REPORTS_XLSX_SYNC_ROWS`); download the CSV, or narrow the filters"
        ),
    }

    def get(self, request: Request) -> HttpResponseBase:
        filters = self.filters(request)
        filename = f"{self.report.slug}_{filters.start.isoformat()}_{filters.end.isoformat()}.{self.file_format}"
        rows = self.report.export_rows(filters)
        if self.file_format == "csv":
            # Read once: the rows the log names are the rows the file streams.
            self.personal_data_named(self.report.people(rows), office_ids=filters.office_ids)
            table = Table(title=self.report.title, columns=self.report.columns, rows=rows)
            return csv_stream_response(table=table, filename=filename)
        count = report_row_count(rows)
        if count > settings.REPORTS_XLSX_SYNC_ROWS:
            raise Problem(
                _(
                    "This report has %(count)s rows, more than a workbook is built for on request "
                    "(%(limit)s): download it as CSV, or narrow the filters."
                )
                % {"count": count, "limit": settings.REPORTS_XLSX_SYNC_ROWS},
                code="xlsx-too-large",
                status_code=422,
            )
        self.personal_data_named(self.report.people(rows), office_ids=filters.office_ids)
        table = Table(title=self.report.title, columns=self.report.columns, rows=rows)
        return xlsx_response(tables=[table], filename=filename)


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


def report_download_view(report: Report, file_format: str) -> type[ReportDownloadView]:
    """The download of one report as ``csv`` or ``xlsx``, documented with its filters."""

    @extend_schema(
        tags=TAGS,
        operation_id=f"v1_reports_{report.slug.replace('-', '_')}_{file_format}",
        summary=format_lazy("{} ({})", report.title, file_format.upper()),
        description=DOWNLOAD_DESCRIPTIONS[file_format],
        parameters=[query_serializer_for(report)],
        responses={(200, DOWNLOAD_CONTENT_TYPES[file_format]): OpenApiTypes.BINARY},
    )
    def get(self: ReportDownloadView, request: Request) -> HttpResponseBase:
        return ReportDownloadView.get(self, request)

    name = f"{report.class_name}Report{file_format.capitalize()}View"
    return type(name, (ReportDownloadView,), {"report": report, "file_format": file_format, "get": get})

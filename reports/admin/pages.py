"""One admin page per report: its filters, its rows a page at a time, and its downloads.

The page validates its filters exactly as the API does (``reports.filters``) and reads the same
rows (``Report.rows``); ``?export=csv`` streams the whole report, ``?export=xlsx`` downloads it
as a workbook, or, past ``REPORTS_XLSX_SYNC_ROWS`` rows, has a worker build it and sends the reader
to their downloads (``reports.downloads``). A report that names people records each page, export
and refusal in the personal-data access log (``privacy``): the page's people, or the file's.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from offices.selectors import overseen_offices, overseen_regions
from privacy.models import Door
from privacy.services import personal_data_access_record, search_mask
from reports.definitions.base import Report, ReportFilters
from reports.downloads import report_download_request, report_row_count
from reports.exports import Table, csv_stream_response, xlsx_response
from reports.filters import query_serializer_for, report_filters, type_field_label
from reports.registry import REPORTS

# Rows shown on one page of a report in the admin.
PAGE_ROWS = 100

# Query parameters of the page itself rather than of the report.
PAGE_PARAMETERS = ("export", "p")


def report_page(model_admin: admin.ModelAdmin, request: HttpRequest, slug: str) -> HttpResponse:
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    if not model_admin.has_view_permission(request):
        if report.people_keys:
            personal_data_access_record(
                request=request, door=Door.REPORT, status_code=403, search=search_mask(request.GET), refused=True
            )
        raise PermissionDenied
    data = {name: value for name, value in request.GET.items() if name not in PAGE_PARAMETERS and value != ""}
    query = query_serializer_for(report)(data=data, context={"user": request.user})
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": report.title,
        "report": report,
        "reports": REPORTS.values(),
        "values": data,
        "offices": overseen_offices(request.user).order_by("code"),
        "regions": overseen_regions(request.user),
    }
    valid = query.is_valid()
    errors = {} if valid else query.errors
    context["errors"] = errors
    context["type_fields"] = [
        {
            "name": name,
            "label": capfirst(str(type_field_label(name))),
            "choices": query.fields[name].choices.items(),
            "value": data.get(name, ""),
            "errors": errors.get(name),
        }
        for name in report.type_filter_names()
    ]
    if not valid:
        return TemplateResponse(request, "admin/reports/dashboard/report.html", context, status=400)
    filters = report_filters(user=request.user, report=report, data=query.validated_data)
    filename = f"{slug}_{filters.start.isoformat()}_{filters.end.isoformat()}"
    export = request.GET.get("export")
    if export == "csv":
        rows = report.export_rows(filters)
        response = csv_stream_response(
            table=Table(title=report.title, columns=report.columns, rows=rows), filename=f"{filename}.csv"
        )
        _record_read(request, report, filters, door=Door.EXPORT, rows=rows, status_code=response.status_code)
        return response
    if export == "xlsx":
        rows = report.export_rows(filters)
        if report_row_count(rows) > settings.REPORTS_XLSX_SYNC_ROWS:
            report_download_request(user=request.user, report=report, query=query.validated_data)
            messages.info(request, _("The workbook is being prepared; download it from this list when it is ready."))
            response = redirect("admin:reports_reportdownload_changelist")
        else:
            table = Table(title=report.title, columns=report.columns, rows=rows)
            response = xlsx_response(tables=[table], filename=f"{filename}.xlsx")
        # A workbook built by a worker is recorded when it is asked for: it names the same rows.
        _record_read(request, report, filters, door=Door.EXPORT, rows=rows, status_code=response.status_code)
        return response
    page = Paginator(report.rows(filters), PAGE_ROWS).get_page(request.GET.get("p"))
    kept = request.GET.copy()
    kept.pop("p", None)
    context.update(filters=filters, page=page, query=kept.urlencode())
    response = TemplateResponse(request, "admin/reports/dashboard/report.html", context)
    _record_read(request, report, filters, door=Door.REPORT, rows=page, status_code=response.status_code)
    return response


def _record_read(
    request: HttpRequest,
    report: Report,
    filters: ReportFilters,
    *,
    door: str,
    rows: Iterable[Mapping[str, Any]],
    status_code: int,
) -> None:
    """The one access log row of a report that names people; reports that name nobody write none."""
    if not report.people_keys:
        return
    personal_data_access_record(
        request=request,
        door=door,
        status_code=status_code,
        people=report.people(rows),
        search=search_mask(request.GET),
        office_id=filters.office_ids[0] if len(filters.office_ids) == 1 else None,
    )

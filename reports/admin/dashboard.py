"""The dashboard: the first page of the reports, for the offices the reader oversees.

It takes the reports' region, office and date filters, validated as theirs are
(``reports.filters``); the dates choose the range of the charts, the table always tells where
each office stands today. Bad filters show their errors and no numbers.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from casework.kinds import kinds
from offices.selectors import overseen_offices, overseen_regions
from reports.dashboard import dashboard_overview, steps
from reports.definitions.base import Report
from reports.filters import ReportQuerySerializer, report_filters
from reports.registry import REPORTS

# The reports' default range (the last 30 days, today included) is the charts' default too.
DASHBOARD_RANGE = Report()


class DashboardQuerySerializer(ReportQuerySerializer):
    """Region, office and dates; no type filter: the dashboard counts every kind of case, whole."""

    report = DASHBOARD_RANGE


def dashboard_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    data = {name: value for name, value in request.GET.items() if value != ""}
    query = DashboardQuerySerializer(data=data, context={"user": request.user})
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": model_admin.opts.verbose_name_plural.capitalize(),
        "reports": REPORTS.values(),
        "values": data,
        "offices": overseen_offices(request.user).order_by("code"),
        "regions": overseen_regions(request.user),
    }
    if not query.is_valid():
        context["errors"] = query.errors
        return TemplateResponse(request, "admin/reports/dashboard/dashboard.html", context, status=400)
    filters = report_filters(user=request.user, report=DASHBOARD_RANGE, data=query.validated_data)
    context.update(
        filters=filters, overview=dashboard_overview(filters=filters), steps=steps(), kinds=kinds(), errors={}
    )
    return TemplateResponse(request, "admin/reports/dashboard/dashboard.html", context)

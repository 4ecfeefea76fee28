"""The dashboard: the first page of the reports, for the offices the reader oversees."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from reports.registry import REPORTS


def dashboard_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": model_admin.opts.verbose_name_plural.capitalize(),
        "reports": REPORTS.values(),
    }
    return TemplateResponse(request, "admin/reports/dashboard/dashboard.html", context)

"""API routes of the reports, included under /api/v1/ by imigrasi.urls: /reports/<slug>/ for each."""

from django.urls import path

from reports.api.views import ReportIndexView, report_view
from reports.registry import REPORTS

urlpatterns = [
    path("reports/", ReportIndexView.as_view(), name="report-list"),
    *(
        path(f"reports/{slug}/", report_view(report).as_view(), name=f"report-{slug}")
        for slug, report in REPORTS.items()
    ),
]

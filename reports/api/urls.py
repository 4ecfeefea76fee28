"""API routes of the reports, included under /api/v1/ by imigrasi.urls.

``/reports/`` lists them; ``/reports/<slug>/`` answers each in pages, and ``/reports/<slug>/csv/``
and ``/reports/<slug>/xlsx/`` download it whole.
"""

from django.urls import path

from reports.api.views import ReportIndexView, report_download_view, report_view
from reports.registry import REPORTS

FILE_FORMATS = ("csv", "xlsx")

urlpatterns = [
    path("reports/", ReportIndexView.as_view(), name="report-list"),
    *(
        path(f"reports/{slug}/", report_view(report).as_view(), name=f"report-{slug}")
        for slug, report in REPORTS.items()
    ),
    *(
        path(
            f"reports/{slug}/{file_format}/",
            report_download_view(report, file_format).as_view(),
            name=f"report-{slug}-{file_format}",
        )
        for slug, report in REPORTS.items()
        for file_format in FILE_FORMATS
    ),
]

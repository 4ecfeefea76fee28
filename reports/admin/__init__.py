"""The reports in the admin: the dashboard (the changelist of ``Dashboard``) and one page per report.

Both are for those who oversee offices (office heads, regional supervisors, national
administrators: ``reports.view_dashboard``) and show only the offices they oversee.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from offices.selectors import overseen_scope
from reports.admin.dashboard import dashboard_view
from reports.admin.downloads import ReportDownloadAdmin as ReportDownloadAdmin
from reports.admin.pages import report_page
from reports.models import Dashboard


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj: Dashboard | None = None) -> bool:
        return super().has_view_permission(request, obj) and not overseen_scope(request.user).is_empty

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Dashboard | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Dashboard | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        page = self.admin_site.admin_view(lambda request, slug: report_page(self, request, slug))
        name = f"{self.opts.app_label}_{self.opts.model_name}_report"
        return [path("<slug:slug>/", page, name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return dashboard_view(self, request)

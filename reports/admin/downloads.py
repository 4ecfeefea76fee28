"""A reader's report downloads in the admin: the workbooks built for them, theirs alone.

The list shows only the reader's own downloads (not those of others, even of offices they
oversee: a download is the requester's copy of what they were allowed to read). The file is
never served from a media URL; ``<id>/file/`` streams it to its requester only.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from offices.admin_checks import CheckedInputAdminMixin
from reports.downloads import download_filename, downloads_of
from reports.models import DownloadStatus, ReportDownload
from reports.registry import REPORTS


@admin.register(ReportDownload)
class ReportDownloadAdmin(CheckedInputAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "report_title", "period", "status", "row_count", "finished_at", "file_link")
    list_filter = ("status",)
    fields = ("report_title", "period", "query", "status", "row_count", "error", "created_at", "finished_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportDownload]:
        return downloads_of(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportDownload | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReportDownload | None = None) -> bool:
        return False

    @admin.display(description=_("report"))
    def report_title(self, download: ReportDownload) -> str:
        report = REPORTS.get(download.report)
        return str(report.title) if report else download.report

    @admin.display(description=_("period"))
    def period(self, download: ReportDownload) -> str:
        return _("%(start)s to %(end)s") % {"start": download.query.get("start"), "end": download.query.get("end")}

    @admin.display(description=_("file"))
    def file_link(self, download: ReportDownload) -> str:
        if download.status != DownloadStatus.READY:
            return download.error or self.get_empty_value_display()
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_file", args=[download.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_file"
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:download_id>/file/", view, name=name), *super().get_urls()]

    def file_view(self, request: HttpRequest, download_id: int) -> FileResponse:
        """The workbook as an attachment, for its requester only: any other download is a 404."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        download = self.get_queryset(request).filter(pk=download_id, status=DownloadStatus.READY).first()
        if download is None or not download.file:
            raise Http404
        return FileResponse(download.file.open("rb"), as_attachment=True, filename=download_filename(download))

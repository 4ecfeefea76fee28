"""The daily rollup (what each office did on each of its own days, counted once for every report),
the report workbooks built by workers, and the weekly summaries sent to regional supervisors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from offices.models import Office, Region


class DailyRollup(models.Model):
    """One number of one office on one office-local day: ``measure`` for ``key`` (``reports.measures``).

    A narrow table (one row per measure and key) so that a new measure or a new application type
    needs no schema change; a missing row means zero.
    """

    office = models.ForeignKey(Office, models.CASCADE, related_name="+", verbose_name=_("office"))
    day = models.DateField(_("day"))
    measure = models.CharField(_("measure"), max_length=40)
    key = models.CharField(_("key"), max_length=60, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        ordering = ["office", "day", "measure", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "measure", "key"], name="daily_rollup_unique"),
        ]
        indexes = [models.Index(fields=["office", "day"], name="daily_rollup_office_day_idx")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.measure}[{self.key}] = {self.value}"


class Dashboard(DailyRollup):
    """The admin's dashboard and report pages (``reports.admin``); its view permission opens them."""

    class Meta:
        proxy = True
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard and reports")


class DownloadStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def download_file_name(download: "ReportDownload", filename: str) -> str:
    """Under ``reports/`` of the media root, prefixed by the download's id so names never collide."""
    return f"reports/{download.pk}-{filename}"


class ReportDownload(models.Model):
    """A report workbook too large to build during a request, built by a worker for its requester.

    ``query`` holds the validated filters as JSON (ISO dates, region and office codes) and is
    validated again for the same user when the file is built, so the file never holds offices
    they stopped overseeing in between. The file is private: only its requester downloads it,
    through the admin (``reports.admin.downloads``), never from a public media URL.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="report_downloads", verbose_name=_("user")
    )
    report = models.CharField(_("report"), max_length=60)
    query = models.JSONField(_("filters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DownloadStatus.choices, default=DownloadStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=download_file_name, max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="report_download_user_idx")]

    def __str__(self) -> str:
        return f"{self.report} {self.query.get('start', '')}..{self.query.get('end', '')} ({self.status})"


class WeeklySummary(models.Model):
    """One weekly summary emailed to one regional supervisor for one region: sent at most once.

    ``week`` is the Monday the summary was sent on (the week it covers is the seven days before).
    The row is written before the email is sent, in the same transaction, so a second worker
    waits on the unique constraint and then finds it; a failed send rolls it back for a retry.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="weekly_summaries", verbose_name=_("user")
    )
    region = models.ForeignKey(Region, models.CASCADE, related_name="+", verbose_name=_("region"))
    week = models.DateField(_("week (its Monday)"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("weekly summary")
        verbose_name_plural = _("weekly summaries")
        ordering = ["-week", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "week"], name="weekly_summary_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.region_id} {self.week}"

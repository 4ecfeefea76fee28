"""Report workbooks too large for a request: asked for on the report page, built by a worker.

An XLSX export of more than ``REPORTS_XLSX_SYNC_ROWS`` rows would hold the request (and the web
process's memory) for as long as the workbook takes to write, so it becomes a ``ReportDownload``
instead: the worker builds it, its requester downloads it from their list of downloads. The
filters are stored as the reader gave them (validated, as codes and ISO dates) and validated
again for the same user when the file is built: a reader who stopped overseeing an office in
between gets a failed download, never that office's rows.
"""

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from celery import signature
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from casework.services import task_enqueue
from reports.definitions.base import Report, type_filters
from reports.exports import xlsx_workbook
from reports.filters import query_serializer_for, report_filters
from reports.models import DownloadStatus, ReportDownload
from reports.registry import REPORTS

logger = logging.getLogger(__name__)


def report_row_count(rows: Sequence[Mapping[str, Any]]) -> int:
    """How many rows a report has: a queryset is counted in the database, a list by its length."""
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def download_query(data: Mapping[str, Any]) -> dict[str, str]:
    """Validated filters as JSON that validates again to the same filters: codes and ISO dates."""
    query = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
    for name in ("region", "office"):
        if data.get(name) is not None:
            query[name] = data[name].code
    for name in type_filters():
        if data.get(name):
            query[name] = str(data[name])
    return query


def download_filename(download: ReportDownload) -> str:
    """The name the workbook is offered under, as the report page names a direct download."""
    return f"{download.report}_{download.query['start']}_{download.query['end']}.xlsx"


def report_download_request(*, user: AbstractBaseUser, report: Report, query: Mapping[str, Any]) -> ReportDownload:
    """Record a download of ``report`` for ``query`` (its validated filters) and queue its build."""
    download = ReportDownload.objects.create(user=user, report=report.slug, query=download_query(query))
    transaction.on_commit(lambda: report_download_enqueue(download_id=download.pk))
    return download


def report_download_enqueue(*, download_id: int) -> None:
    # Named, not imported: reports.tasks runs this module's build, so importing it here would be a
    # cycle. A signature runs in-process like the task itself without a broker.
    task_enqueue(signature("reports.tasks.report_download_build_task"), download_id)


class _RefusedQuery(Exception):
    """The stored filters no longer validate for the user (scope lost, report removed)."""


def _workbook(download: ReportDownload) -> tuple[bytes, int]:
    """The workbook of the download, built with the filters validated for its user now, and its rows."""
    report = REPORTS.get(download.report)
    if report is None:
        raise _RefusedQuery(gettext("This report no longer exists."))
    serializer = query_serializer_for(report)(data=download.query, context={"user": download.user})
    if not serializer.is_valid():
        raise _RefusedQuery(
            "; ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in serializer.errors.items())
        )
    table = report.table(report_filters(user=download.user, report=report, data=serializer.validated_data))
    return xlsx_workbook(tables=[table]), report_row_count(table.rows)


def report_download_build(*, download_id: int) -> ReportDownload | None:
    """Build a pending download's workbook and mark it ready, or failed with the reason.

    The row is locked while it is built, and one already ready or failed (or being built by
    another worker) is left alone, so a task delivered twice builds the file once.
    """
    with transaction.atomic():
        download = (
            ReportDownload.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=download_id, status=DownloadStatus.PENDING)
            .first()
        )
        if download is None:
            return None
        try:
            with transaction.atomic():
                content, count = _workbook(download)
        except _RefusedQuery as refusal:
            download.status, download.error = DownloadStatus.FAILED, str(refusal)
        except Exception:
            logger.exception("Report download %s could not be built", download_id)
            download.status, download.error = DownloadStatus.FAILED, gettext("The workbook could not be built.")
        else:
            download.file.save(download_filename(download), ContentFile(content), save=False)
            download.status, download.row_count = DownloadStatus.READY, count
        download.finished_at = timezone.now()
        download.save()
    return download


def report_downloads_purge(*, now: datetime | None = None) -> int:
    """Delete the downloads (rows and files) requested longer ago than the retention; how many."""
    cutoff = (now or timezone.now()) - settings.REPORTS_DOWNLOAD_RETENTION
    expired = list(ReportDownload.objects.using(DEFAULT_DB_ALIAS).filter(created_at__lt=cutoff))
    for download in expired:
        if download.file:
            download.file.delete(save=False)
    ReportDownload.objects.filter(pk__in=[download.pk for download in expired]).delete()
    return len(expired)


def downloads_of(user: AbstractBaseUser) -> QuerySet[ReportDownload]:
    """The user's own downloads, newest first, read from the primary database where they are written."""
    return ReportDownload.objects.using(DEFAULT_DB_ALIAS).filter(user=user)

"""Large XLSX exports: built by a worker, listed and downloaded by their requester only."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from offices.roles import Role
from reports.definitions.office_daily import OfficeDailyReport
from reports.downloads import report_download_build, report_downloads_purge
from reports.exports import XLSX_CONTENT_TYPE
from reports.models import DailyRollup, DownloadStatus, ReportDownload

PAGE = "/admin/reports/dashboard/office-daily/"
DOWNLOADS = "/admin/reports/reportdownload/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rollup(offices):
    """Three office days in March: Semarang twice, Surakarta once; Surabaya (another region) once."""
    for code, day, value in (("SMG", 2, 3), ("SMG", 3, 1), ("SKT", 2, 4), ("SBY", 2, 7)):
        DailyRollup.objects.create(
            office=offices[code], day=date(2026, 3, day), measure="passport_received", key="new:walk_in", value=value
        )
    return offices


@pytest.fixture
def jateng(rollup, member, client):
    """A logged-in supervisor of Jawa Tengah (SMG, SKT, …)."""
    user = member(Role.REGIONAL_SUPERVISOR, region=rollup["SMG"].region)
    client.force_login(user)
    return user


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(row[0], row[2].date(), row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


JATENG_ROWS = [("SKT", date(2026, 3, 2), 4), ("SMG", date(2026, 3, 2), 3), ("SMG", date(2026, 3, 3), 1)]


class TestThePage:
    def test_up_to_the_threshold_the_workbook_comes_at_once(self, jateng, client, settings):
        settings.REPORTS_XLSX_SYNC_ROWS = 3
        response = client.get(PAGE, {**MARCH, "export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert _rows(response.content) == JATENG_ROWS
        assert not ReportDownload.objects.exists()

    def test_past_the_threshold_a_worker_builds_it(self, jateng, client, settings, django_capture_on_commit_callbacks):
        settings.REPORTS_XLSX_SYNC_ROWS = 2
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.get(PAGE, {**MARCH, "office": "smg", "export": "xlsx"})
            assert response.status_code == 200  # two rows: at the threshold
            response = client.get(PAGE, {**MARCH, "export": "xlsx"})
        assert response.status_code == 302
        assert response["Location"] == DOWNLOADS
        assert len(callbacks) == 1
        [message] = get_messages(response.wsgi_request)
        assert message.level_tag == "info"

        download = ReportDownload.objects.get()
        assert (download.user, download.report, download.query) == (
            jateng,
            "office-daily",
            {"start": "2026-03-01", "end": "2026-03-31"},
        )
        assert (download.status, download.row_count, download.error) == (DownloadStatus.READY, 3, "")
        assert download.file.name.startswith(f"reports/{download.pk}-office-daily_2026-03-01_2026-03-31")
        with download.file.open("rb") as file:
            assert _rows(file.read()) == JATENG_ROWS

    def test_the_filters_are_stored_as_codes_and_dates(
        self, jateng, client, settings, django_capture_on_commit_callbacks
    ):
        settings.REPORTS_XLSX_SYNC_ROWS = 0
        region = jateng.memberships.get().region
        with django_capture_on_commit_callbacks(execute=True):
            client.get(
                PAGE, {**MARCH, "region": region.name, "office": "smg", "application_type": "new", "export": "xlsx"}
            )
        download = ReportDownload.objects.get()
        assert download.query == {**MARCH, "region": region.code, "office": "SMG", "application_type": "new"}
        assert download.row_count == 2


class TestTheList:
    def test_only_ones_own_downloads_and_only_ready_ones_link_a_file(self, jateng, client, member, rollup):
        mine = _ready(jateng)
        pending = ReportDownload.objects.create(user=jateng, report="office-daily", query=MARCH)
        colleague = _ready(member(Role.REGIONAL_SUPERVISOR, region=rollup["SMG"].region))
        response = client.get(DOWNLOADS)
        assert response.status_code == 200
        listed = {download.pk for download in response.context["cl"].result_list}
        assert listed == {mine.pk, pending.pk}
        body = response.content.decode()
        assert f"{DOWNLOADS}{mine.pk}/file/" in body
        assert f"{DOWNLOADS}{pending.pk}/file/" not in body
        assert f"{DOWNLOADS}{colleague.pk}/file/" not in body

    def test_the_file_is_an_attachment_for_its_requester(self, jateng, client):
        download = _ready(jateng)
        response = client.get(f"{DOWNLOADS}{download.pk}/file/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="office-daily_2026-03-01_2026-03-31.xlsx"'
        assert _rows(_content(response)) == JATENG_ROWS

    def test_another_users_file_is_not_found_even_in_the_same_scope(self, jateng, client, member, rollup):
        colleague = _ready(member(Role.REGIONAL_SUPERVISOR, region=rollup["SMG"].region))
        assert client.get(f"{DOWNLOADS}{colleague.pk}/file/").status_code == 404
        assert client.get(f"{DOWNLOADS}{colleague.pk}/change/").status_code == 302  # "does not exist" redirect

    def test_a_pending_one_has_no_file_yet(self, jateng, client):
        pending = ReportDownload.objects.create(user=jateng, report="office-daily", query=MARCH)
        assert client.get(f"{DOWNLOADS}{pending.pk}/file/").status_code == 404

    def test_nothing_can_be_added_changed_or_deleted(self, jateng, client):
        download = _ready(jateng)
        assert client.get(f"{DOWNLOADS}add/").status_code == 403
        assert client.post(f"{DOWNLOADS}{download.pk}/delete/").status_code == 403

    @pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.ADJUDICATOR])
    def test_office_staff_have_no_downloads(self, rollup, member, client, role):
        client.force_login(member(role, office=rollup["SMG"]))
        assert client.get(DOWNLOADS).status_code == 403

    def test_office_heads_and_national_administrators_have_theirs(self, rollup, member, national_admin, client):
        for user in (member(Role.OFFICE_HEAD, office=rollup["SMG"]), national_admin):
            client.force_login(user)
            assert client.get(DOWNLOADS).status_code == 200


def _ready(user) -> ReportDownload:
    download = ReportDownload.objects.create(user=user, report="office-daily", query=MARCH)
    report_download_build(download_id=download.pk)
    download.refresh_from_db()
    assert download.status == DownloadStatus.READY
    return download


class TestTheBuild:
    def test_scope_is_checked_again_when_built(self, rollup, member):
        head = member(Role.OFFICE_HEAD, office=rollup["SMG"])
        download = ReportDownload.objects.create(user=head, report="office-daily", query={**MARCH, "office": "SBY"})
        report_download_build(download_id=download.pk)
        download.refresh_from_db()
        assert (download.status, download.file.name, download.row_count) == (DownloadStatus.FAILED, "", None)
        assert download.error.startswith("office: ")
        assert download.finished_at is not None

    def test_a_ready_one_is_left_alone(self, jateng):
        download = _ready(jateng)
        name, finished = download.file.name, download.finished_at
        DailyRollup.objects.filter(office__code="SMG").delete()
        assert report_download_build(download_id=download.pk) is None
        download.refresh_from_db()
        assert (download.file.name, download.finished_at, download.row_count) == (name, finished, 3)

    def test_an_error_fails_it_with_the_reason(self, jateng, monkeypatch):
        def broken(self, filters):
            raise RuntimeError("boom")

        monkeypatch.setattr(OfficeDailyReport, "rows", broken)
        download = ReportDownload.objects.create(user=jateng, report="office-daily", query=MARCH)
        report_download_build(download_id=download.pk)
        download.refresh_from_db()
        assert download.status == DownloadStatus.FAILED
        assert download.error != ""
        assert download.file.name == ""

    def test_an_unknown_report_fails(self, jateng):
        download = ReportDownload.objects.create(user=jateng, report="gone", query=MARCH)
        report_download_build(download_id=download.pk)
        download.refresh_from_db()
        assert download.status == DownloadStatus.FAILED

    @pytest.mark.parametrize("codes", [("SMG",), ("SMG", "SKT", "PTI")])
    def test_a_fixed_number_of_queries_whatever_the_offices(self, offices, member, django_assert_num_queries, codes):
        user = member(Role.REGIONAL_SUPERVISOR, region=offices["SMG"].region)
        for code in codes:
            DailyRollup.objects.create(
                office=offices[code], day=date(2026, 3, 2), measure="passport_received", key="new:walk_in", value=1
            )
        download = ReportDownload.objects.create(user=user, report="office-daily", query=MARCH)
        # Two savepoints and their releases, the locked row, the user's scope, the offices, the rollup, the save.
        with django_assert_num_queries(9):
            report_download_build(download_id=download.pk)
        download.refresh_from_db()
        assert download.row_count == len(codes)


@pytest.mark.django_db
def test_downloads_older_than_a_week_are_purged_with_their_files(rollup, member):
    user = member(Role.NATIONAL_ADMIN)
    old, recent = _ready(user), _ready(user)
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    ReportDownload.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=7, seconds=1))
    ReportDownload.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=6, hours=23))
    storage = old.file.storage

    assert report_downloads_purge(now=now) == 1

    assert list(ReportDownload.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(old.file.name)
    assert storage.exists(recent.file.name)

"""The weekly summary: each regional supervisor's region, emailed once at Monday 07:00 of its zone."""

import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from imigrasi.celery import app
from offices.roles import Role
from reports import weekly
from reports.definitions.base import Report, ReportFilters
from reports.exports import XLSX_CONTENT_TYPE, Column, sheet_title
from reports.models import DailyRollup, WeeklySummary
from reports.registry import REPORTS
from reports.tasks import weekly_summaries_send_task
from reports.weekly import Headline, weekly_headline, weekly_summaries_send

# Monday 9 March 2026: the summary covers Monday 2 to Sunday 8 March.
MONDAY = date(2026, 3, 9)
WEEK = (date(2026, 3, 2), date(2026, 3, 8))
MONDAY_7_WIB = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
MONDAY_659_WIB = datetime(2026, 3, 8, 23, 59, tzinfo=UTC)
MONDAY_7_WIT = datetime(2026, 3, 8, 22, 0, tzinfo=UTC)  # 05:00 WIB, still Monday 05:00 in Semarang
SUNDAY_NOON_WIB = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
TUESDAY_7_WIB = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def rollup(offices):
    """Jawa Tengah (SMG, SKT) through the week, around it, and Jawa Timur (SBY) in it, by hand."""
    smg, skt, sby = offices["SMG"], offices["SKT"], offices["SBY"]
    for office, day, measure, key, value in (
        (smg, date(2026, 3, 2), "passport_received", "new:appointment", 3),
        (smg, date(2026, 3, 2), "passport_received", "renewal:walk_in", 2),
        (skt, date(2026, 3, 8), "permit_received", "ITAS", 1),
        (smg, date(2026, 3, 5), "passport_issued", "new", 4),
        (skt, date(2026, 3, 6), "permit_issued", "ITAS", 2),
        (smg, date(2026, 3, 2), "revenue_idr", "passport:new", 650_000),
        (skt, date(2026, 3, 6), "revenue_idr", "permit:ITAS", 1_600_000),
        (smg, date(2026, 3, 4), "sla_breached", "new", 2),
        # Held on Saturday is not held at the week's end; Sunday's are.
        (smg, date(2026, 3, 7), "held", "passport", 5),
        (smg, date(2026, 3, 8), "held", "passport", 3),
        (skt, date(2026, 3, 8), "held", "permit", 1),
        # Outside the week or the region.
        (smg, date(2026, 3, 1), "passport_received", "new:walk_in", 9),
        (smg, date(2026, 3, 9), "passport_received", "new:walk_in", 7),
        (sby, date(2026, 3, 3), "passport_received", "new:walk_in", 11),
    ):
        DailyRollup.objects.create(office=office, day=day, measure=measure, key=key, value=value)
    return offices


@pytest.fixture
def supervisor(member, offices):
    """A regional supervisor of the region named, with an email: ``supervisor("Jawa Tengah")``."""

    def make(region_name: str, *, email: str | None = None, **fields):
        region = next(office.region for office in offices.values() if office.region.name == region_name)
        user = member(Role.REGIONAL_SUPERVISOR, region=region)
        user.email = email if email is not None else f"{user.username}@imigrasi.go.id"
        for name, value in fields.items():
            setattr(user, name, value)
        user.save()
        return user

    return make


def _sent() -> list[tuple[str, str, date]]:
    return sorted(WeeklySummary.objects.values_list("user__email", "region__name", "week"))


def _attachment(message) -> bytes:
    [(filename, content, mimetype)] = message.attachments
    assert mimetype == XLSX_CONTENT_TYPE
    assert filename.endswith(".xlsx")
    return content


class RangeReport(Report):
    """A stand-in report whose one row is the range it was asked for; standing ones look ahead."""

    columns = (Column("start", "start", "date"), Column("end", "end", "date"))

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.title = slug
        self.description = slug

    def default_range(self, today: date) -> tuple[date, date]:
        return today, today + timedelta(days=60)

    def rows(self, filters: ReportFilters) -> list[dict]:
        return [{"start": filters.start, "end": filters.end}]


@pytest.mark.django_db
class TestWhen:
    def test_not_on_sunday_nor_before_seven_on_monday(self, rollup, supervisor):
        supervisor("Jawa Tengah")
        assert weekly_summaries_send(now=SUNDAY_NOON_WIB) == 0
        assert weekly_summaries_send(now=MONDAY_659_WIB) == 0
        assert mail.outbox == []
        assert WeeklySummary.objects.count() == 0

    def test_at_seven_local_in_each_zone(self, rollup, supervisor):
        jateng = supervisor("Jawa Tengah", email="jateng@imigrasi.go.id")
        papua = supervisor("Papua", email="papua@imigrasi.go.id")

        assert weekly_summaries_send(now=MONDAY_7_WIT) == 1
        assert [message.to for message in mail.outbox] == [[papua.email]]

        assert weekly_summaries_send(now=MONDAY_7_WIB) == 1
        assert [message.to for message in mail.outbox] == [[papua.email], [jateng.email]]
        assert _sent() == [(jateng.email, "Jawa Tengah", MONDAY), (papua.email, "Papua", MONDAY)]

    def test_run_again_the_same_monday_sends_nothing_more(self, rollup, supervisor):
        supervisor("Jawa Tengah")
        assert weekly_summaries_send(now=MONDAY_7_WIB) == 1
        assert weekly_summaries_send(now=datetime(2026, 3, 9, 9, 7, tzinfo=UTC)) == 0
        assert len(mail.outbox) == 1

    def test_not_on_tuesday_either(self, rollup, supervisor):
        """A Monday missed entirely (no worker all day) is not sent late."""
        supervisor("Jawa Tengah")
        assert weekly_summaries_send(now=TUESDAY_7_WIB) == 0

    def test_next_monday_sends_the_next_week(self, rollup, supervisor):
        user = supervisor("Jawa Tengah")
        weekly_summaries_send(now=MONDAY_7_WIB)
        weekly_summaries_send(now=datetime(2026, 3, 16, 0, 7, tzinfo=UTC))
        assert _sent() == [(user.email, "Jawa Tengah", MONDAY), (user.email, "Jawa Tengah", date(2026, 3, 16))]

    def test_without_email_or_inactive_nothing_is_sent(self, rollup, supervisor):
        supervisor("Jawa Tengah", email="")
        supervisor("Jawa Tengah", is_active=False)
        assert weekly_summaries_send(now=MONDAY_7_WIB) == 0
        assert mail.outbox == []

    def test_office_heads_get_no_summary(self, rollup, member):
        head = member(Role.OFFICE_HEAD, office=rollup["SMG"])
        head.email = "head@imigrasi.go.id"
        head.save()
        assert weekly_summaries_send(now=MONDAY_7_WIB) == 0

    def test_a_failed_send_is_retried_by_the_next_run(self, rollup, supervisor, monkeypatch):
        user = supervisor("Jawa Tengah")

        def refuse(message, fail_silently=False):
            raise ConnectionRefusedError("mail server down")

        with monkeypatch.context() as patch:
            patch.setattr(mail.EmailMessage, "send", refuse)
            assert weekly_summaries_send(now=MONDAY_7_WIB) == 0
        assert WeeklySummary.objects.count() == 0

        assert weekly_summaries_send(now=datetime(2026, 3, 9, 1, 7, tzinfo=UTC)) == 1
        assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.django_db
class TestContent:
    def test_headline_numbers_of_the_region_and_week(self, rollup):
        region = rollup["SMG"].region
        offices = tuple(office for office in rollup.values() if office.region_id == region.pk)
        filters = ReportFilters(offices=offices, start=WEEK[0], end=WEEK[1])
        assert weekly_headline(filters) == Headline(received=6, issued=6, revenue_idr=2_250_000, sla_breached=2, held=4)

    def test_the_body_gives_the_numbers(self, rollup, supervisor):
        supervisor("Jawa Tengah")
        weekly_summaries_send(now=MONDAY_7_WIB)
        [message] = mail.outbox
        lines = message.body.splitlines()
        # Received, issued, revenue (Indonesian grouping), SLA breached, held at Sunday's end.
        assert [line.rsplit(" ", 1)[-1] for line in lines[2:7]] == ["6", "6", "2.250.000", "2", "4"]
        assert "Jawa Tengah" in message.subject
        assert message.from_email == settings.DEFAULT_FROM_EMAIL

    def test_the_attachment_has_one_sheet_per_report_with_its_header(self, rollup, supervisor):
        supervisor("Jawa Tengah")
        weekly_summaries_send(now=MONDAY_7_WIB)
        [message] = mail.outbox
        workbook = load_workbook(io.BytesIO(_attachment(message)))

        registered = [REPORTS[slug] for slug in weekly.WEEKLY_REPORTS if slug in REPORTS]
        assert registered[0].slug == "office-daily"
        with translation.override(settings.LANGUAGE_CODE):
            titles = [sheet_title(report.title, set()) for report in registered]
            headers = [[str(column.header) for column in report.columns] for report in registered]
        assert workbook.sheetnames == titles
        for sheet, header in zip(workbook.worksheets, headers, strict=True):
            assert [cell.value for cell in sheet[1]] == header

        daily = workbook.worksheets[0]  # passports received; SLA is not a column of this sheet
        rows = [(row[0], row[2].date(), row[3]) for row in daily.iter_rows(min_row=2, values_only=True)]
        assert rows == [
            ("SKT", date(2026, 3, 6), 0),
            ("SKT", date(2026, 3, 8), 0),
            ("SMG", date(2026, 3, 2), 5),
            ("SMG", date(2026, 3, 5), 0),
            ("SMG", date(2026, 3, 7), 0),
            ("SMG", date(2026, 3, 8), 0),
        ]

    def test_reports_of_what_stands_cover_their_own_range_from_monday(self, rollup, supervisor, monkeypatch):
        for slug in ("sla", "backlog", "revenue", "permits-expiring"):
            monkeypatch.setitem(REPORTS, slug, RangeReport(slug))
        supervisor("Jawa Tengah")
        weekly_summaries_send(now=MONDAY_7_WIB)
        workbook = load_workbook(io.BytesIO(_attachment(mail.outbox[0])))
        ranges = [
            tuple(cell.date() for cell in next(sheet.iter_rows(min_row=2, values_only=True)))
            for sheet in workbook.worksheets[1:]
        ]
        assert ranges == [
            WEEK,  # sla
            (MONDAY, MONDAY + timedelta(days=60)),  # backlog
            WEEK,  # revenue
            (MONDAY, MONDAY + timedelta(days=60)),  # permits-expiring
        ]

    def test_a_report_not_registered_is_left_out(self, rollup, supervisor, monkeypatch):
        monkeypatch.setattr(weekly, "WEEKLY_REPORTS", ("office-daily", "not-a-report"))
        supervisor("Jawa Tengah")
        weekly_summaries_send(now=MONDAY_7_WIB)
        workbook = load_workbook(io.BytesIO(_attachment(mail.outbox[0])))
        assert len(workbook.sheetnames) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("codes", [("SMG",), ("SMG", "SKT", "PTI")])
def test_a_summary_takes_a_fixed_number_of_queries_whatever_the_offices(
    offices, supervisor, monkeypatch, django_assert_num_queries, codes
):
    monkeypatch.setattr(weekly, "WEEKLY_REPORTS", ("office-daily",))
    for code in codes:
        DailyRollup.objects.create(
            office=offices[code], day=date(2026, 3, 3), measure="passport_received", key="new:walk_in", value=1
        )
    supervisor("Jawa Tengah")
    # Due: the memberships, the regions' zones, those sent (3). The row: get_or_create in a
    # transaction (6 with the savepoints). The headline: scope, offices, rollup (3). The sheet:
    # the region filter, the offices, the rollup (3; the scope is read once per user).
    with django_assert_num_queries(15):
        assert weekly_summaries_send(now=MONDAY_7_WIB) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(rollup, supervisor, monkeypatch):
    user = supervisor("Jawa Tengah")
    barrier = threading.Barrier(2)
    find_due = weekly.weekly_summaries_due

    def due_in_both(*, now):
        """Both runs find the summary due before either records it."""
        due = find_due(now=now)
        barrier.wait(timeout=10)
        return due

    monkeypatch.setattr(weekly, "weekly_summaries_due", due_in_both)
    results: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            results.append(weekly_summaries_send(now=MONDAY_7_WIB))
        except BaseException as failure:  # reported to the test below
            failures.append(failure)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(results) == [0, 1]
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert _sent() == [(user.email, "Jawa Tengah", MONDAY)]


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_sends_on_a_worker(rollup, supervisor, celery_worker):
    user = supervisor("Jawa Tengah")

    assert weekly_summaries_send_task.delay(now=MONDAY_7_WIB.isoformat()) is not None

    assert celery_worker.wait_for(lambda: WeeklySummary.objects.filter(user=user, week=MONDAY).exists())
    assert celery_worker.wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [user.email]


def test_beat_runs_the_summaries_hourly_at_a_minute_of_their_own():
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    name = "reports.tasks.weekly_summaries_send_task"
    app.loader.import_default_modules()
    assert name in app.tasks
    schedule = entries[name]
    assert isinstance(schedule, crontab)
    assert len(schedule.hour) == 24
    assert len(schedule.minute) == 1
    others = [other.minute for task, other in entries.items() if task != name and isinstance(other, crontab)]
    assert not any(schedule.minute & minute for minute in others)

"""The beat tasks of stay permits: expiry on each office's local date, and reminders sent once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from casework.models import Notification, NotificationStatus
from imigrasi.celery import app
from permits.models import PermitStatus, PermitType, StayPermit
from permits.tasks import permits_expire_task, permits_remind_expiring_task
from tests.permits.factories import StayPermitFactory

TERM_DAYS = {PermitType.ITK: 30, PermitType.ITAS: 365, PermitType.ITAP: 5 * 365}


@pytest.fixture
def frozen_at(monkeypatch):
    """Fix "now" for the services, so each office's local date is known: ``frozen_at(moment)``."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def _permit(office, permit_type: str, valid_until: date, **fields) -> StayPermit:
    return StayPermitFactory(
        office=office,
        permit_type=permit_type,
        valid_from=valid_until - timedelta(days=TERM_DAYS[permit_type] - 1),
        valid_until=valid_until,
        **fields,
    )


def _status(permit: StayPermit) -> str:
    return StayPermit.objects.get(pk=permit.pk).status


def test_beat_runs_both_permit_tasks_daily_at_night_in_indonesia():
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    names = {"permits.tasks.permits_expire_task", "permits.tasks.permits_remind_expiring_task"}
    assert names <= set(entries)
    app.loader.import_default_modules()  # what a worker does at start: discover every app's tasks
    assert set(entries) <= set(app.tasks)

    schedules = [entries[name] for name in sorted(names)]
    assert all(isinstance(schedule, crontab) for schedule in schedules)
    # Once a day, between midnight WIB (17:00 UTC) and 05:00 WIB, in every Indonesian zone a night hour.
    assert all(len(schedule.hour) == 1 and next(iter(schedule.hour)) in range(17, 22) for schedule in schedules)
    minutes = [schedule.minute for schedule in schedules]
    assert all(len(minute) == 1 for minute in minutes)
    others = [
        schedule.minute for name, schedule in entries.items() if name not in names and isinstance(schedule, crontab)
    ]
    assert minutes[0] != minutes[1]
    assert not any(minute & other for minute in minutes for other in others)


@pytest.mark.django_db
class TestReminders:
    MOMENT = datetime(2030, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 on 10 March at every Indonesian office

    @pytest.mark.parametrize(("permit_type", "notice"), [("ITAP", 60), ("ITAS", 30), ("ITK", 30)])
    def test_reminded_once_to_holder_and_sponsor_on_the_first_day_of_notice(
        self, smg, frozen_at, django_capture_on_commit_callbacks, permit_type, notice
    ):
        frozen_at(self.MOMENT)
        today = smg.local_today()
        due = _permit(smg, permit_type, today + timedelta(days=notice))
        early = _permit(smg, permit_type, today + timedelta(days=notice + 1))

        with django_capture_on_commit_callbacks(execute=True):
            first = permits_remind_expiring_task.delay().get()
        with django_capture_on_commit_callbacks(execute=True):
            second = permits_remind_expiring_task.delay().get()

        assert (first, second) == (1, 0)
        reminders = Notification.objects.filter(case_reference=due.number)
        assert sorted(reminders.values_list("recipient", flat=True)) == sorted([due.holder.email, due.sponsor.email])
        assert {(n.event, n.status, n.office_id) for n in reminders} == {
            ("expiry_reminder", NotificationStatus.SENT, smg.pk)
        }
        assert sorted(message.to[0] for message in mail.outbox) == sorted([due.holder.email, due.sponsor.email])
        assert due.valid_until.isoformat() in mail.outbox[0].body
        assert StayPermit.objects.get(pk=due.pk).reminder_sent_at == self.MOMENT
        assert not Notification.objects.filter(case_reference=early.number).exists()
        assert StayPermit.objects.get(pk=early.pk).reminder_sent_at is None

    def test_a_run_missed_is_made_up_by_the_next_while_the_permit_still_runs(
        self, smg, frozen_at, django_capture_on_commit_callbacks
    ):
        frozen_at(self.MOMENT)
        today = smg.local_today()
        late = _permit(smg, PermitType.ITAS, today + timedelta(days=12))
        last_day = _permit(smg, PermitType.ITK, today)
        ended = _permit(smg, PermitType.ITAS, today - timedelta(days=1))
        superseded = _permit(smg, PermitType.ITAS, today + timedelta(days=5), status=PermitStatus.SUPERSEDED)
        reminded = _permit(smg, PermitType.ITAS, today + timedelta(days=3), reminder_sent_at=self.MOMENT)

        with django_capture_on_commit_callbacks(execute=True):
            assert permits_remind_expiring_task.delay().get() == 2

        assert set(Notification.objects.values_list("case_reference", flat=True)) == {late.number, last_day.number}
        assert Notification.objects.count() == 4
        for permit in (ended, superseded, reminded):
            assert not Notification.objects.filter(case_reference=permit.number).exists()


@pytest.mark.django_db
def test_expiry_marks_only_permits_past_their_last_day_in_the_offices_local_date(offices, frozen_at):
    # 23:30 on 10 March in Semarang (WIB), already 01:30 on 11 March in Ambon (WIT).
    frozen_at(datetime(2030, 3, 10, 16, 30, tzinfo=UTC))
    smg, ambon = offices["SMG"], offices["AMQ"]
    assert (smg.local_today(), ambon.local_today()) == (date(2030, 3, 10), date(2030, 3, 11))
    ended_yesterday = _permit(smg, PermitType.ITAS, date(2030, 3, 9))
    last_day = _permit(smg, PermitType.ITAS, date(2030, 3, 10))
    ended_in_ambon = _permit(ambon, PermitType.ITAS, date(2030, 3, 10))
    ends_in_ambon_today = _permit(ambon, PermitType.ITK, date(2030, 3, 11))
    superseded = _permit(smg, PermitType.ITAS, date(2030, 1, 31), status=PermitStatus.SUPERSEDED)
    cancelled = _permit(smg, PermitType.ITAS, date(2030, 1, 31), status=PermitStatus.CANCELLED)

    assert permits_expire_task.delay().get() == 2
    assert permits_expire_task.delay().get() == 0

    assert _status(ended_yesterday) == _status(ended_in_ambon) == PermitStatus.EXPIRED
    assert _status(last_day) == _status(ends_in_ambon_today) == PermitStatus.ACTIVE
    assert (_status(superseded), _status(cancelled)) == (PermitStatus.SUPERSEDED, PermitStatus.CANCELLED)


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_reminder_task_twice_and_sends_each_reminder_once(offices, celery_worker):
    smg = offices["SMG"]
    permit = _permit(smg, PermitType.ITAS, smg.local_today() + timedelta(days=30))
    reminders = Notification.objects.filter(case_reference=permit.number)

    permits_remind_expiring_task.delay()
    permits_remind_expiring_task.delay()

    def both_sent() -> bool:
        return reminders.filter(status=NotificationStatus.SENT).count() == 2

    assert celery_worker.wait_for(both_sent), f"reminders not sent within {celery_worker.timeout_seconds}s"
    assert reminders.count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([permit.holder.email, permit.sponsor.email])
    assert StayPermit.objects.get(pk=permit.pk).reminder_sent_at is not None

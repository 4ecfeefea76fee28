"""The beat tasks: incomplete applications and uncollected passports are cancelled, once."""

import threading
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from applications.models import PassportApplication
from applications.services import applicant_upsert
from applications.tasks import applications_expire_incomplete_task, applications_expire_uncollected_task
from applications.workflow import Status
from casework.history import case_timeline
from casework.models import Notification, NotificationStatus
from imigrasi.celery import app
from tests.applications.service_factories import PassportApplicationFactory


def _returned(office, days_ago: float, **fields) -> PassportApplication:
    return PassportApplicationFactory(
        office=office,
        status=Status.INCOMPLETE,
        documents_returned_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def _printed(office, days_ago: float, **fields) -> PassportApplication:
    return PassportApplicationFactory(
        office=office, status=Status.PRINTED, printed_at=timezone.now() - timedelta(days=days_ago), **fields
    )


def _state(application: PassportApplication) -> tuple:
    stored = PassportApplication.objects.get(pk=application.pk)
    return stored.status, stored.version, stored.passport_number_voided


def test_beat_schedule_runs_the_expiries_the_sweeps_the_purges_and_the_weekly_summary():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(tasks) == {
        "applications.tasks.applications_expire_incomplete_task",
        "applications.tasks.applications_expire_uncollected_task",
        "casework.tasks.notifications_send_pending",
        "plumbing.tasks.api_tokens_purge",
        "plumbing.tasks.idempotency_keys_purge",
        "permits.tasks.permits_expire_task",
        "permits.tasks.permits_remind_expiring_task",
        "privacy.tasks.personal_data_accesses_purge_task",
        "recovery.tasks.releases_resume",
        "reports.tasks.report_downloads_purge_task",
        "reports.tasks.rollups_refresh_held_today_task",
        "reports.tasks.weekly_summaries_send_task",
    }
    assert all(isinstance(schedule, crontab) for schedule in tasks.values())
    app.loader.import_default_modules()  # what a worker does at start: discover every app's tasks
    assert set(tasks) <= set(app.tasks)


@pytest.mark.django_db
def test_incomplete_over_14_days_is_cancelled(offices, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    old = _returned(smg, 14.1)
    young = _returned(smg, 13.9)
    elsewhere = _returned(offices["SBY"], 30)

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_incomplete_task.delay().get() == 2

    stored = PassportApplication.objects.get(pk=old.pk)
    assert stored.status == Status.CANCELLED
    assert stored.cancelled_at is not None
    assert "14" in stored.cancellation_reason
    assert stored.version == old.version + 1
    assert _state(young) == (Status.INCOMPLETE, young.version, False)
    assert PassportApplication.objects.get(pk=elsewhere.pk).status == Status.CANCELLED

    last = case_timeline(stored)[-1]
    assert (last.action, last.actor, last.from_status, last.to_status) == (
        "expire",
        "system",
        Status.INCOMPLETE,
        Status.CANCELLED,
    )
    assert last.note == stored.cancellation_reason

    notification = Notification.objects.get(case_reference=old.reference)
    assert (notification.event, notification.status) == ("cancelled", NotificationStatus.SENT)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([old.applicant.email, elsewhere.applicant.email])


@pytest.mark.django_db
def test_uncollected_over_30_days_is_cancelled_and_voided(offices, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    old = _printed(smg, 30.1)
    young = _printed(smg, 29.9)
    incomplete_but_young = _returned(smg, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_uncollected_task.delay().get() == 1

    stored = PassportApplication.objects.get(pk=old.pk)
    assert (stored.status, stored.passport_number_voided) == (Status.CANCELLED, True)
    assert stored.passport_number == old.passport_number  # kept, so it is never issued again
    assert "30" in stored.cancellation_reason
    assert _state(young) == (Status.PRINTED, young.version, False)
    assert _state(incomplete_but_young)[0] == Status.INCOMPLETE
    assert case_timeline(stored)[-1].action == "expire"
    assert Notification.objects.filter(case_reference=old.reference, event="cancelled").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_running_twice_changes_nothing_more(offices, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    incomplete, printed = _returned(smg, 20), _printed(smg, 40)
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_incomplete_task() == 1
        assert applications_expire_uncollected_task() == 1
    after_first = (_state(incomplete), _state(printed), Notification.objects.count(), len(mail.outbox))
    events = PassportApplication.pgh_event_model.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_incomplete_task() == 0
        assert applications_expire_uncollected_task() == 0
    assert (_state(incomplete), _state(printed), Notification.objects.count(), len(mail.outbox)) == after_first
    assert PassportApplication.pgh_event_model.objects.count() == events


@pytest.mark.django_db
def test_resubmitted_application_is_not_expired(offices, member):
    smg = offices["SMG"]
    resubmitted = PassportApplicationFactory(
        office=smg, status=Status.SUBMITTED, documents_returned_at=timezone.now() - timedelta(days=20)
    )
    assert applications_expire_incomplete_task() == 0
    assert _state(resubmitted)[0] == Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_expiry_is_not_skipped_while_the_applicant_is_at_the_desk(offices):
    """Expiring locks the case row only. The same citizen being taken in again at that moment
    (intake locks the applicant row) must not make the task skip the old application."""
    smg = offices["SMG"]
    old = _returned(smg, 20)
    applicant = old.applicant
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def intake_in_progress() -> None:
        try:
            with transaction.atomic():
                applicant_upsert(
                    data={
                        "nik": applicant.nik,
                        "full_name": applicant.full_name,
                        "birth_place": applicant.birth_place,
                        "birth_date": applicant.birth_date,
                        "sex": applicant.sex,
                        "address": applicant.address,
                        "phone": applicant.phone,
                    }
                )
                locked.set()
                release.wait(timeout=30)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=intake_in_progress)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert applications_expire_incomplete_task() == 1
    finally:
        release.set()
        thread.join(timeout=30)
    assert not failures
    assert _state(old)[0] == Status.CANCELLED

"""The notification outbox: one stored message per change the applicant cares about, sent once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications.services import application_act
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.models import Notification, NotificationStatus
from casework.tasks import MAX_ATTEMPTS, notification_send, notifications_send_pending
from offices.roles import Role
from tests.applications.service_factories import ApplicantFactory, PassportApplicationFactory, action_inputs

pytestmark = pytest.mark.django_db

NOTIFYING = [
    ("return_documents", Status.SUBMITTED, Role.FRONT_DESK, "documents_returned"),
    ("approve", Status.INTERVIEWED, Role.ADJUDICATOR, "approved"),
    ("print", Status.APPROVED, Role.PRINT_OPERATOR, "ready_for_pickup"),
    ("reject", Status.PAID, Role.ADJUDICATOR, "rejected"),
    ("cancel", Status.VERIFIED, Role.FRONT_DESK, "cancelled"),
]
SILENT = [
    ("resubmit", Status.INCOMPLETE, Role.FRONT_DESK),
    ("verify", Status.SUBMITTED, Role.FRONT_DESK),
    ("record_payment", Status.VERIFIED, Role.FRONT_DESK),
    ("capture_biometrics", Status.PAID, Role.BIOMETRIC_OPERATOR),
    ("interview", Status.BIOMETRICS_CAPTURED, Role.INTERVIEWER),
    ("hand_over", Status.PRINTED, Role.HANDOVER_OFFICER),
]


def test_the_table_names_the_notifying_actions():
    assert {action.name for action in PASSPORT_WORKFLOW if action.notify} == {name for name, *_ in NOTIFYING} | {
        "expire"
    }


def sending(callbacks: list) -> list:
    """The callbacks that send a notification: a change also refreshes its office's daily rollup."""
    return [callback for callback in callbacks if callback.__qualname__.startswith("notification_queue")]


@pytest.mark.parametrize(("action", "source", "role", "event"), NOTIFYING)
def test_change_stores_one_notification_and_sends_one_email(
    offices, member, django_capture_on_commit_callbacks, action, source, role, event
):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=source)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = application_act(
            application=application, action=action, actor=member(role, office=smg), **action_inputs(action, application)
        )
        # Nothing is sent before the change commits.
        assert mail.outbox == []
    assert len(sending(callbacks)) == 1

    notification = Notification.objects.get()
    assert (notification.event, notification.case_reference, notification.office) == (
        event,
        application.reference,
        smg,
    )
    assert (notification.status, notification.attempts, notification.channel) == (NotificationStatus.SENT, 1, "email")
    assert notification.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [application.applicant.email]
    assert application.reference in message.subject
    assert message.body == notification.body
    if action in {"reject", "cancel"}:
        assert action_inputs(action, application)["reason"] in message.body


@pytest.mark.parametrize(("action", "source", "role"), SILENT)
def test_other_changes_send_nothing(offices, member, django_capture_on_commit_callbacks, action, source, role):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=source)
    with django_capture_on_commit_callbacks(execute=True):
        application_act(
            application=application, action=action, actor=member(role, office=smg), **action_inputs(action, application)
        )
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_refused_change_queues_nothing(offices, member, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        application_act(application=application, action="reject", actor=member(Role.ADJUDICATOR, office=smg))
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_sending_twice_sends_once(offices, member, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    with django_capture_on_commit_callbacks(execute=True):
        application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))
    notification = Notification.objects.get()

    assert notification_send.delay(notification.pk).get() == "skipped"
    assert notification_send(notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_unknown_id_is_skipped():
    assert notification_send(987654321) == "skipped"
    assert mail.outbox == []


def test_no_email_address_is_undeliverable(offices, member, django_capture_on_commit_callbacks):
    smg = offices["SMG"]
    application = PassportApplicationFactory(
        office=smg, status=Status.INTERVIEWED, applicant=ApplicantFactory(email="")
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))
    assert sending(callbacks) == []
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == (NotificationStatus.UNDELIVERABLE, 0)
    assert notification_send(notification.pk) == "skipped"
    assert mail.outbox == []


def _pending(office) -> Notification:
    return Notification.objects.create(
        dedupe_key="X:v2",
        case_reference="X",
        office=office,
        event="approved",
        recipient="warga@example.id",
        subject="s",
        body="b",
    )


def test_failed_send_is_kept_pending_and_retried(offices):
    notification = _pending(offices["SMG"])
    with (
        mock.patch("casework.tasks.send_mail", side_effect=OSError("smtp down")),
        mock.patch.object(notification_send, "retry", side_effect=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError, match="retry"),
    ):
        notification_send(notification.pk)
    retry.assert_called_once()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        NotificationStatus.PENDING,
        1,
        "smtp down",
    )
    assert notification_send(notification.pk) == "sent"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_gives_up_after_the_last_attempt(offices):
    notification = _pending(offices["SMG"])
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
    with mock.patch("casework.tasks.send_mail", side_effect=OSError("smtp down")):
        assert notification_send(notification.pk) == "failed"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, MAX_ATTEMPTS)
    assert notification_send(notification.pk) == "skipped"


def test_broker_down_after_commit_keeps_the_change_and_the_sweep_sends_later(
    offices, member, django_capture_on_commit_callbacks
):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    with (
        mock.patch.object(notification_send, "delay", side_effect=OperationalError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        approved = application_act(
            application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg)
        )
    assert approved.status == Status.APPROVED
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.PENDING
    assert mail.outbox == []

    assert notifications_send_pending() == 0  # too recent: its own task may still be on the way
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert notifications_send_pending() == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    assert notifications_send_pending() == 0

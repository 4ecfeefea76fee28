"""Celery tasks of casework. Tasks take ids and can run twice without doing anything twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from casework.models import Notification, NotificationStatus

MAX_ATTEMPTS = 5
PENDING_SWEEP_AGE = timedelta(minutes=15)


def notification_deliver(notification_id: int) -> tuple[str, OSError | None]:
    """Send one stored notification, unless it has been sent already; (outcome, error to retry on).

    The row is locked while sending, so two workers given the same id (a retry racing its
    original) send once: the second finds it sent.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return "skipped", None
        notification.attempts += 1
        try:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient],
                fail_silently=False,
            )
        except OSError as failure:
            notification.last_error = str(failure)
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            if notification.status == NotificationStatus.PENDING:
                return "retry", failure
            return "failed", None
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "status", "sent_at"])
    return "sent", None


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, default_retry_delay=60)
def notification_send(self, notification_id: int) -> str:
    """Send one stored notification, retrying later while the mail server refuses."""
    outcome, error = notification_deliver(notification_id)
    if error is not None:
        raise self.retry(exc=error)
    return outcome


@shared_task
def notifications_send_batch(notification_ids: list[int]) -> int:
    """Send many stored notifications in one task (a release's chunk); returns how many were sent.

    One that the mail server refuses stays pending, and the sweep queues it again.
    """
    return sum(notification_deliver(notification_id)[0] == "sent" for notification_id in notification_ids)


@shared_task
def notifications_send_pending() -> int:
    """Queue again every notification still pending a while after it was stored.

    Catches those whose hand-over to the broker failed after commit; sending stays idempotent, so
    one queued twice is still sent once.
    """
    cutoff = timezone.now() - PENDING_SWEEP_AGE
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff).values_list(
            "id", flat=True
        )
    )
    for notification_id in ids:
        notification_send.delay(notification_id)
    return len(ids)

"""The abstract case, per-office reference counters and the notification outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from offices.models import Office


class Case(FSMModelMixin, models.Model):
    """A case handled at one office; concrete kinds add their applicant, status and steps.

    ``version`` grows by one with every change, so clients can send ``If-Match`` and never
    overwrite a change they have not seen.
    """

    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """The last number handed out per office, local day and series of references."""

    office = models.ForeignKey(Office, models.CASCADE, related_name="+")
    day = models.DateField()
    series = models.CharField(max_length=8, blank=True)
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "series"], name="reference_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.series} {self.day}: {self.last_number}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNDELIVERABLE = "undeliverable", _("No address to send to")


class Notification(models.Model):
    """A message to an applicant, stored with the change that caused it (an outbox).

    It is written in the same transaction as the case change, so a change is never without its
    notification nor a notification without its change; a task sends it after commit. The
    ``dedupe_key`` makes queuing idempotent, ``status`` makes sending idempotent.
    """

    dedupe_key = models.CharField(max_length=100, unique=True)
    case_reference = models.CharField(_("case"), max_length=32, db_index=True)
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, default="email")
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=15, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case_reference} · {self.event} · {self.status}"

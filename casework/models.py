"""The abstract case, per-office reference counters and the notification outbox."""

import re

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from offices.models import Capability, Office
from plumbing.limits import NOTE_MAX_LENGTH

BILLING_CODE = re.compile(r"^[0-9]{15}$")  # a SIMPONI kode billing has 15 digits


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


def text_required(name: str, value: str, message: str) -> str:
    """``value`` stripped; a blank one is refused on the field ``name`` with the code "required"."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({name: ValidationError(message, code="required")})
    return value


def version_parse(text: str) -> int | None:
    """The case version ``text`` names: one to nine ASCII digits (as a version column holds), else None.

    ``str.isdigit`` is not enough: it accepts digits such as ``²`` that ``int`` refuses, and
    thousands of digits ``int`` will not read.
    """
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


class Case(FSMModelMixin, models.Model):
    """A case handled at one office; concrete kinds add their applicant, status and own steps.

    Every kind of case is taken in, verified, paid, biometrics captured, decided and may be
    cancelled: those steps' fields and rules live here, and the concrete kinds' transitions call
    them. ``version`` grows by one with every change, so clients can send ``If-Match`` and never
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

    fee_idr = models.PositiveIntegerField(_("fee (Rp)"), editable=False)
    documents_returned_at = models.DateTimeField(_("documents returned at"), null=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, editable=False)
    billing_code = models.CharField(_("billing code"), max_length=15, blank=True, editable=False)
    amount_paid_idr = models.PositiveIntegerField(_("amount paid (Rp)"), null=True, editable=False)
    biometrics_captured_at = models.DateTimeField(_("biometrics captured at"), null=True, editable=False)
    photo_ref = models.CharField(_("photo reference"), max_length=200, blank=True, editable=False)
    fingerprints_ref = models.CharField(_("fingerprints reference"), max_length=200, blank=True, editable=False)
    interviewed_at = models.DateTimeField(_("interviewed at"), null=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, editable=False)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, editable=False)
    rejection_reason = models.TextField(_("rejection reason"), max_length=NOTE_MAX_LENGTH, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, editable=False)
    cancellation_reason = models.TextField(
        _("cancellation reason"), max_length=NOTE_MAX_LENGTH, blank=True, editable=False
    )
    # Set by every transition from the workflow table: the capability the next step needs, and
    # the moment the case became ready for it. An outage holds the case when that capability is
    # down at its office; the release serves held cases in the order of ``ready_at``.
    awaiting = models.CharField(_("waiting for"), max_length=30, blank=True, editable=False, choices=Capability.choices)
    ready_at = models.DateTimeField(_("ready since"), null=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.reference

    # The bodies of the steps every kind shares; inputs default to empty so that a missing one is
    # refused as a field error with its code, like a blank one, rather than as a TypeError.

    def payment_take(self, *, billing_code: str = "", amount_idr: int | None = None) -> None:
        errors = {}
        if not BILLING_CODE.match(billing_code or ""):
            errors["billing_code"] = ValidationError(
                gettext("A billing code has 15 digits."), code="billing-code-format"
            )
        if amount_idr != self.fee_idr:
            errors["amount_idr"] = ValidationError(
                gettext("The amount paid must equal the fee, Rp%(fee)s.") % {"fee": f"{self.fee_idr:,}"},
                code="amount-mismatch",
            )
        if errors:
            raise ValidationError(errors)
        self.billing_code = billing_code
        self.amount_paid_idr = amount_idr
        self.paid_at = timezone.now()

    def biometrics_take(self, *, photo_ref: str = "", fingerprints_ref: str = "") -> None:
        self.photo_ref = text_required("photo_ref", photo_ref, gettext("The photo reference is required."))
        self.fingerprints_ref = text_required(
            "fingerprints_ref", fingerprints_ref, gettext("The fingerprints reference is required.")
        )
        self.biometrics_captured_at = timezone.now()

    def rejection_take(self, *, reason: str = "") -> None:
        self.rejection_reason = text_required("reason", reason, gettext("Give the reason for the rejection."))
        self.rejected_at = timezone.now()

    def cancellation_take(self, *, reason: str = "") -> None:
        self.cancellation_reason = text_required("reason", reason, gettext("Give the reason for the cancellation."))
        self.cancelled_at = timezone.now()


class Attribution(models.TextChoices):
    RECORDED = "recorded", _("Recorded as it happened")
    # Steps carried over from row snapshots written before each step had its own record, where
    # several changes had shared one history context and so the name on them cannot be trusted.
    UNKNOWN = "unknown", _("Attribution unknown")


class CaseStep(models.Model):
    """One change of one case, as it happened: who, what, why, where, from which status to which.

    Written by the service that makes the change, in its transaction, one row per change, so it
    never depends on what else ran in the same request, command or task (pghistory's context is
    shared by all of them). The row snapshots of pghistory stay the record of field values; this
    is the record of the step. Append-only: the database refuses to change or remove a step.
    """

    case_model = models.CharField(
        _("kind of case"), max_length=60
    )  # the model's label: "applications.passportapplication"
    case_id = models.BigIntegerField(_("case id"))
    reference = models.CharField(_("reference"), max_length=32)
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=30, blank=True)
    to_status = models.CharField(_("to status"), max_length=30)
    version = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, verbose_name=_("done by")
    )
    # The actor's username when the step was taken: a later rename does not rewrite history.
    actor_name = models.CharField(_("done by (name)"), max_length=150, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    origin = models.CharField(_("origin"), max_length=210, blank=True)
    origin_id = models.CharField(_("origin id"), max_length=32, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, verbose_name=_("started by")
    )
    attribution = models.CharField(
        _("attribution"), max_length=10, choices=Attribution.choices, default=Attribution.RECORDED
    )

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        indexes = [models.Index(fields=["case_model", "case_id", "id"], name="case_step_case")]
        triggers = [
            pgtrigger.Protect(name="case_step_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.action} · {self.actor_name or 'system'}"


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

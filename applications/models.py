"""Citizens (applicants) and their passport applications."""

import re
from datetime import date

import pghistory
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import FSMField, transition

from applications.fees import passport_fee
from applications.workflow import PASSPORT_WORKFLOW, SLA_OPEN, Status
from casework.calendar import working_days_after
from casework.models import Case, Sex
from casework.validators import birth_date_validate, nik_validate_against, nik_validate_format, phone_normalize
from plumbing.limits import ADDRESS_MAX_LENGTH

SLA_WORKING_DAYS = 4  # printed within 4 working days after the interview (Permenkumham 18/2022)
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{8,9}$")


@pghistory.track()
class Applicant(models.Model):
    """A citizen (WNI) applying for a passport; one per NIK, reused by later applications."""

    nik = models.CharField("NIK", max_length=16, unique=True, validators=[nik_validate_format])
    full_name = models.CharField(gettext_lazy("full name"), max_length=200)
    birth_place = models.CharField(gettext_lazy("place of birth"), max_length=100)
    birth_date = models.DateField(gettext_lazy("date of birth"), validators=[birth_date_validate])
    sex = models.CharField(gettext_lazy("sex"), max_length=1, choices=Sex.choices)
    address = models.TextField(gettext_lazy("address"), max_length=ADDRESS_MAX_LENGTH)
    phone = models.CharField(gettext_lazy("phone"), max_length=20, help_text=gettext_lazy("Stored as +62…"))
    email = models.EmailField(gettext_lazy("email"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("applicant")
        verbose_name_plural = gettext_lazy("applicants")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["full_name"], name="applicant_name_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"

    def data_subjects(self) -> list[str]:
        """Whom this record is about, as the personal-data access log names people (``privacy``)."""
        return [self.nik]

    def clean_fields(self, exclude: list[str] | None = None) -> None:
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            nik_errors = error.error_dict.get("nik", [])
            if any(item.code == "nik-format" for item in nik_errors):
                # A NIK of the wrong length is one mistake: report it once, with the NIK's code.
                error.error_dict["nik"] = [item for item in nik_errors if item.code != "max_length"]
            raise

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.phone:
            try:
                self.phone = phone_normalize(self.phone)
            except ValidationError as error:
                errors["phone"] = [error]
        if self.nik and self.birth_date and self.sex:
            try:
                nik_validate_format(self.nik)
            except ValidationError:
                # Already reported by the field's validator; comparing a malformed NIK would only
                # report the same NIK twice.
                pass
            else:
                try:
                    nik_validate_against(self.nik, birth_date=self.birth_date, sex=self.sex)
                except ValidationError as error:
                    errors["nik"] = [error]
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: date) -> int:
        return relativedelta(day, self.birth_date).years


class ApplicationType(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    RENEWAL = "renewal", gettext_lazy("Renewal")
    REPLACEMENT_LOST = "replacement_lost", gettext_lazy("Replacement (lost)")
    REPLACEMENT_DAMAGED = "replacement_damaged", gettext_lazy("Replacement (damaged)")


class PassportKind(models.TextChoices):
    ELECTRONIC = "electronic", gettext_lazy("Electronic")
    NON_ELECTRONIC = "non_electronic", gettext_lazy("Non-electronic")


class Service(models.TextChoices):
    REGULAR = "regular", gettext_lazy("Regular")
    EXPRESS = "express", gettext_lazy("Express (same day)")


class Channel(models.TextChoices):
    APPOINTMENT = "appointment", gettext_lazy("Appointment")
    WALK_IN = "walk_in", gettext_lazy("Walk-in")


class Priority(models.TextChoices):
    ELDERLY = "elderly", gettext_lazy("Elderly (60+)")
    CHILD = "child", gettext_lazy("Child (under 5)")
    PREGNANT = "pregnant", gettext_lazy("Pregnant")
    DISABILITY = "disability", gettext_lazy("Disability")


@pghistory.track()
class PassportApplication(Case):
    """A citizen's passport application at one office (docs/design.md §5)."""

    workflow = PASSPORT_WORKFLOW

    applicant = models.ForeignKey(
        Applicant, models.PROTECT, related_name="applications", verbose_name=gettext_lazy("applicant")
    )
    status = FSMField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, protected=True
    )
    application_type = models.CharField(
        gettext_lazy("application type"), max_length=20, choices=ApplicationType.choices
    )
    previous_passport_number = models.CharField(gettext_lazy("previous passport number"), max_length=9, blank=True)
    passport_kind = models.CharField(gettext_lazy("passport kind"), max_length=15, choices=PassportKind.choices)
    validity_years = models.PositiveSmallIntegerField(gettext_lazy("validity (years)"), choices=[(5, "5"), (10, "10")])
    service = models.CharField(gettext_lazy("service"), max_length=10, choices=Service.choices, default=Service.REGULAR)
    channel = models.CharField(gettext_lazy("channel"), max_length=12, choices=Channel.choices)
    priority = models.CharField(gettext_lazy("priority"), max_length=12, choices=Priority.choices, blank=True)

    sla_due_date = models.DateField(gettext_lazy("print due by (SLA)"), null=True, editable=False)
    printed_at = models.DateTimeField(gettext_lazy("printed at"), null=True, editable=False)
    passport_number = models.CharField(gettext_lazy("passport number"), max_length=9, blank=True, editable=False)
    passport_number_voided = models.BooleanField(gettext_lazy("passport number voided"), default=False, editable=False)
    passport_issue_date = models.DateField(gettext_lazy("passport issued on"), null=True, editable=False)
    passport_expiry_date = models.DateField(gettext_lazy("passport expires on"), null=True, editable=False)
    issued_at = models.DateTimeField(gettext_lazy("handed over at"), null=True, editable=False)

    class Meta:
        verbose_name = gettext_lazy("passport application")
        verbose_name_plural = gettext_lazy("passport applications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["office", "status"], name="passport_office_status_idx"),
            models.Index(fields=["office", "created_at"], name="passport_office_created_idx"),
            models.Index(fields=["status", "documents_returned_at"], name="passport_status_returned_idx"),
            models.Index(fields=["status", "printed_at"], name="passport_status_printed_idx"),
            # The backlog and the release: cases of an office waiting for a capability, oldest first.
            models.Index(
                fields=["office", "awaiting", "ready_at"], condition=~Q(awaiting=""), name="passport_awaiting_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(name="passport_validity_5_or_10", condition=Q(validity_years__in=[5, 10])),
            models.CheckConstraint(
                name="passport_walk_in_needs_priority",
                condition=Q(channel=Channel.APPOINTMENT, priority="") | (Q(channel=Channel.WALK_IN) & ~Q(priority="")),
            ),
            models.CheckConstraint(
                name="passport_previous_number_unless_new",
                condition=Q(application_type=ApplicationType.NEW) | ~Q(previous_passport_number=""),
            ),
            models.CheckConstraint(name="passport_fee_positive", condition=Q(fee_idr__gt=0)),
            models.CheckConstraint(
                name="passport_number_when_printed",
                condition=Q(printed_at__isnull=True) | ~Q(passport_number=""),
            ),
            # Numbers are never reused, voided ones included.
            models.UniqueConstraint(
                fields=["passport_number"], condition=~Q(passport_number=""), name="passport_number_unique"
            ),
        ]

    def data_subjects(self) -> list[str]:
        """Whom this case is about (``privacy``): the applicant, by NIK."""
        return [self.applicant.nik]

    def compute_fee(self) -> int:
        return passport_fee(
            passport_kind=self.passport_kind,
            validity_years=self.validity_years,
            service=self.service,
            application_type=self.application_type,
        )

    # SLA --------------------------------------------------------------------------------------

    @property
    def sla_breached(self) -> bool | None:
        """None before the interview; then whether printing came (or is still) after the due date."""
        if self.sla_due_date is None:
            return None
        if self.printed_at is not None:
            return self.office.local_date(self.printed_at) > self.sla_due_date
        if self.status in SLA_OPEN:
            return self.office.local_today() > self.sla_due_date
        return False

    # Transitions: sources and targets come from PASSPORT_WORKFLOW ----------------------------

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("return_documents"))
    def return_documents(self) -> None:
        self.documents_returned_at = timezone.now()

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("resubmit"))
    def resubmit(self) -> None:
        self.documents_returned_at = None

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("verify"))
    def verify(self) -> None:
        self.verified_at = timezone.now()

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("record_payment"))
    def record_payment(self, *, billing_code: str = "", amount_idr: int | None = None) -> None:
        self.payment_take(billing_code=billing_code, amount_idr=amount_idr)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("capture_biometrics"))
    def capture_biometrics(self, *, photo_ref: str = "", fingerprints_ref: str = "") -> None:
        self.biometrics_take(photo_ref=photo_ref, fingerprints_ref=fingerprints_ref)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("interview"))
    def interview(self) -> None:
        self.interviewed_at = timezone.now()
        self.sla_due_date = working_days_after(self.office.local_date(self.interviewed_at), SLA_WORKING_DAYS)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("approve"))
    def approve(self) -> None:
        self.approved_at = timezone.now()

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("reject"))
    def reject(self, *, reason: str = "") -> None:
        self.rejection_take(reason=reason)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("print"))
    def print(self, *, passport_number: str = "") -> None:
        number = (passport_number or "").strip().upper()
        if not PASSPORT_NUMBER.match(number):
            raise ValidationError(
                {
                    "passport_number": ValidationError(
                        _("A passport number has 8 or 9 letters and digits."), code="passport-number-format"
                    )
                }
            )
        if PassportApplication.objects.filter(passport_number=number).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "passport_number": ValidationError(
                        _("This passport number is already used."), code="passport-number-taken"
                    )
                }
            )
        self.passport_number = number
        self.printed_at = timezone.now()
        self.passport_issue_date = self.office.local_date(self.printed_at)
        self.passport_expiry_date = self.passport_issue_date + relativedelta(years=self.validity_years)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("hand_over"))
    def hand_over(self) -> None:
        self.issued_at = timezone.now()

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("cancel"))
    def cancel(self, *, reason: str = "") -> None:
        self.cancellation_take(reason=reason)

    @transition(field=status, **PASSPORT_WORKFLOW.fsm("expire"))
    def expire(self, *, reason: str) -> None:
        if self.status == Status.PRINTED:
            # An uncollected passport is destroyed; its number must never be issued again.
            self.passport_number_voided = True
        self.cancellation_reason = reason
        self.cancelled_at = timezone.now()

"""Foreigners, their sponsors, stay permit applications and the permits issued (docs/design.md §5).

The rules across fields and records (validity by type, passport expiry, timely extension,
conversion eligibility) live in ``permits.rules``; the database holds what must never be false.
"""

from datetime import date

import pghistory
from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_fsm import FSMField, transition

from casework.models import Case, Sex
from casework.validators import birth_date_validate, nik_validate_format, passport_expiry_validate
from offices.models import Office
from permits.fees import permit_fee
from permits.workflow import OPEN, PERMIT_WORKFLOW, Status
from plumbing.limits import ADDRESS_MAX_LENGTH

NATIONAL_AUTHORITY_BEYOND = relativedelta(years=1)  # an office approves an ITAS of up to one year


def nationality_choices() -> list[tuple[str, str]]:
    """ISO 3166 alpha-3 codes with their names, from django-countries."""
    return [(countries.alpha3(country.code), country.name) for country in countries]


class PermitType(models.TextChoices):
    ITK = "ITK", _("ITK (visit stay)")
    ITAS = "ITAS", _("ITAS (limited stay)")
    ITAP = "ITAP", _("ITAP (permanent stay)")


class ApplicationKind(models.TextChoices):
    NEW = "new", _("New")
    EXTENSION = "extension", _("Extension")
    CONVERSION = "conversion", _("Conversion (alih status)")


class Purpose(models.TextChoices):
    WORK = "work", _("Work")
    FAMILY = "family", _("Family")
    INVESTMENT = "investment", _("Investment")
    RETIREMENT = "retirement", _("Retirement")
    STUDY = "study", _("Study")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class ConversionGround(models.TextChoices):
    ITAS_YEARS = "itas_years", _("Three consecutive years on ITAS")
    MARRIAGE = "marriage", _("Two years of marriage to a citizen")


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Superseded")


class SponsorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person (citizen)")


@pghistory.track()
class Foreigner(models.Model):
    """A foreign national (WNA), identified by nationality and passport number.

    A new passport does not make a new person: intake with ``previous_passport_number`` finds
    the record by the old number and moves it to the new one.
    """

    full_name = models.CharField(_("full name"), max_length=200)
    nationality = models.CharField(_("nationality"), max_length=3, choices=nationality_choices)
    passport_number = models.CharField(_("passport number"), max_length=20)
    passport_expiry = models.DateField(_("passport expires on"), validators=[passport_expiry_validate])
    previous_passport_number = models.CharField(_("previous passport number"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), validators=[birth_date_validate])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.TextField(_("address in Indonesia"), max_length=ADDRESS_MAX_LENGTH)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164 (+…)"))
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("foreigner")
        verbose_name_plural = _("foreigners")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["full_name"], name="foreigner_name_idx"),
            models.Index(fields=["passport_number"], name="foreigner_passport_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nationality", "passport_number"], name="foreigner_passport_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nationality} {self.passport_number})"

    def data_subjects(self) -> list[str]:
        """Whom this record is about, as the personal-data access log names people (``privacy``)."""
        return [self.passport_number]


@pghistory.track()
class Sponsor(models.Model):
    """The penjamin: a company (by its 13-digit NIB) or a citizen (by NIK)."""

    kind = models.CharField(_("kind"), max_length=10, choices=SponsorKind.choices)
    nib = models.CharField("NIB", max_length=13, blank=True)
    nik = models.CharField("NIK", max_length=16, blank=True, validators=[nik_validate_format])
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), max_length=ADDRESS_MAX_LENGTH)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="sponsor_name_idx")]
        constraints = [
            models.CheckConstraint(
                name="sponsor_identified_by_kind",
                condition=Q(kind=SponsorKind.COMPANY, nib__regex=r"^[0-9]{13}$", nik="")
                | Q(kind=SponsorKind.PERSON, nik__regex=r"^[0-9]{16}$", nib=""),
            ),
            models.UniqueConstraint(fields=["nib"], condition=~Q(nib=""), name="sponsor_nib_unique"),
            models.UniqueConstraint(fields=["nik"], condition=~Q(nik=""), name="sponsor_nik_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nib or self.nik})"

    def data_subjects(self) -> list[str]:
        """A person sponsor, by NIK; a company is no data subject (``privacy``)."""
        return [self.nik] if self.nik else []


@pghistory.track()
class StayPermit(models.Model):
    """A permit as issued: who holds it, from when to when, and what it extended or replaced."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    permit_type = models.CharField(_("type"), max_length=4, choices=PermitType.choices)
    holder = models.ForeignKey(Foreigner, models.PROTECT, related_name="permits", verbose_name=_("holder"))
    sponsor = models.ForeignKey(Sponsor, models.PROTECT, related_name="permits", verbose_name=_("sponsor"))
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    application = models.OneToOneField(
        "StayPermitApplication",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_permit",
        verbose_name=_("issued by application"),
    )
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("extends or replaces"),
    )
    status = models.CharField(_("status"), max_length=12, choices=PermitStatus.choices, default=PermitStatus.ACTIVE)
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stay permit")
        verbose_name_plural = _("stay permits")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["office", "status", "valid_until"], name="permit_office_status_until_idx"),
            models.Index(fields=["status", "valid_until"], name="permit_status_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="permit_valid_from_before_until", condition=Q(valid_until__gte=models.F("valid_from"))
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def data_subjects(self) -> list[str]:
        """Whom this permit is about (``privacy``): the holder by passport, a person sponsor by NIK."""
        return [self.holder.passport_number, *self.sponsor.data_subjects()]

    def covers(self, day: date) -> bool:
        """Whether the permit ran on ``day``: a superseded one did until its successor began, a cancelled never."""
        return self.status != PermitStatus.CANCELLED and self.valid_from <= day <= self.valid_until


@pghistory.track()
class StayPermitApplication(Case):
    """A foreigner's application for a stay permit at the office covering their residence."""

    workflow = PERMIT_WORKFLOW

    foreigner = models.ForeignKey(Foreigner, models.PROTECT, related_name="applications", verbose_name=_("foreigner"))
    sponsor = models.ForeignKey(Sponsor, models.PROTECT, related_name="applications", verbose_name=_("sponsor"))
    status = FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, protected=True)
    permit_type = models.CharField(_("permit type"), max_length=4, choices=PermitType.choices)
    application_kind = models.CharField(_("application kind"), max_length=10, choices=ApplicationKind.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    current_permit = models.ForeignKey(
        StayPermit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("current permit"),
    )
    ground = models.CharField(_("ground for ITAP"), max_length=12, choices=ConversionGround.choices, blank=True)
    married_since = models.DateField(_("married to a citizen since"), null=True, blank=True)
    requested_from = models.DateField(_("requested from"))
    requested_until = models.DateField(_("requested until"))
    filed_on = models.DateField(_("filed on (office date)"), editable=False)
    closed_on = models.DateField(_("closed on (office date)"), null=True, editable=False)
    national_approval = models.BooleanField(_("approved nationally"), default=False, editable=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, editable=False)

    class Meta:
        verbose_name = _("stay permit application")
        verbose_name_plural = _("stay permit applications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["office", "status"], name="permit_app_office_status_idx"),
            models.Index(fields=["office", "created_at"], name="permit_app_office_created_idx"),
            # The backlog and the release: cases of an office waiting for a capability, oldest first.
            models.Index(
                fields=["office", "awaiting", "ready_at"], condition=~Q(awaiting=""), name="permit_app_awaiting_idx"
            ),
        ]
        constraints = [
            # One case at a time per foreigner: two open applications could each end in a permit.
            models.UniqueConstraint(
                fields=["foreigner"], condition=Q(status__in=OPEN), name="permit_application_one_open"
            ),
            models.CheckConstraint(
                name="permit_application_current_unless_new",
                condition=Q(application_kind=ApplicationKind.NEW, current_permit__isnull=True)
                | (~Q(application_kind=ApplicationKind.NEW) & Q(current_permit__isnull=False)),
            ),
            models.CheckConstraint(
                name="permit_application_requested_order",
                condition=Q(requested_until__gte=models.F("requested_from")),
            ),
            models.CheckConstraint(name="permit_application_fee_positive", condition=Q(fee_idr__gt=0)),
        ]

    def data_subjects(self) -> list[str]:
        """Whom this case is about (``privacy``): the foreigner by passport, a person sponsor by NIK."""
        return [self.foreigner.passport_number, *self.sponsor.data_subjects()]

    def compute_fee(self) -> int | None:
        return permit_fee(
            permit_type=self.permit_type, valid_from=self.requested_from, valid_until=self.requested_until
        )

    @property
    def interview_required(self) -> bool:
        return self.permit_type == PermitType.ITAP or self.application_kind == ApplicationKind.CONVERSION

    @property
    def needs_national_approval(self) -> bool:
        if self.permit_type == PermitType.ITAP:
            return True
        return self.permit_type == PermitType.ITAS and self.requested_until >= (
            self.requested_from + NATIONAL_AUTHORITY_BEYOND
        )

    def _close(self) -> None:
        self.closed_on = self.office.local_today()

    # Transitions: sources and targets come from PERMIT_WORKFLOW ---------------------------------

    @transition(field=status, **PERMIT_WORKFLOW.fsm("return_documents"))
    def return_documents(self) -> None:
        self.documents_returned_at = timezone.now()

    @transition(field=status, **PERMIT_WORKFLOW.fsm("resubmit"))
    def resubmit(self) -> None:
        self.documents_returned_at = None

    @transition(field=status, **PERMIT_WORKFLOW.fsm("verify"))
    def verify(self) -> None:
        self.verified_at = timezone.now()

    @transition(field=status, **PERMIT_WORKFLOW.fsm("record_payment"))
    def record_payment(self, *, billing_code: str = "", amount_idr: int | None = None) -> None:
        self.payment_take(billing_code=billing_code, amount_idr=amount_idr)

    @transition(field=status, **PERMIT_WORKFLOW.fsm("capture_biometrics"))
    def capture_biometrics(self, *, photo_ref: str = "", fingerprints_ref: str = "") -> None:
        self.biometrics_take(photo_ref=photo_ref, fingerprints_ref=fingerprints_ref)

    @transition(field=status, **PERMIT_WORKFLOW.fsm("interview"))
    def interview(self) -> None:
        self.interviewed_at = timezone.now()

    @transition(field=status, **PERMIT_WORKFLOW.fsm("approve"))
    def approve(self) -> None:
        self.approved_at = timezone.now()
        self.national_approval = self.needs_national_approval

    @transition(field=status, **PERMIT_WORKFLOW.fsm("reject"))
    def reject(self, *, reason: str = "") -> None:
        self.rejection_take(reason=reason)
        self._close()

    @transition(field=status, **PERMIT_WORKFLOW.fsm("issue"))
    def issue(self) -> None:
        """Issue the permit; the service creates the ``StayPermit`` in the same transaction."""
        self.issued_at = timezone.now()
        self._close()

    @transition(field=status, **PERMIT_WORKFLOW.fsm("cancel"))
    def cancel(self, *, reason: str = "") -> None:
        self.cancellation_take(reason=reason)
        self._close()


class StayException(StayPermit):
    """The admin's list of holders in protected stay or overstaying (``permits.selectors.stay_exceptions``)."""

    class Meta:
        proxy = True
        verbose_name = _("protected stay or overstay")
        verbose_name_plural = _("protected stays and overstays")

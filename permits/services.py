"""Business rules of stay permits: intake, every workflow action, issuance, expiry, reminders."""

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import ActionForbidden
from casework.references import reference_next
from casework.services import (
    case_changed,
    case_step_record,
    case_transition,
    errors_prefixed,
    notification_queue,
    record_upsert,
)
from casework.validators import phone_normalize
from offices.models import Office, TimeZone
from offices.selectors import user_scope
from permits.models import (
    Foreigner,
    PermitStatus,
    PermitType,
    Sponsor,
    SponsorKind,
    StayPermit,
    StayPermitApplication,
)
from permits.notifications import application_notifications, reminder_notifications
from permits.rules import application_rules
from permits.workflow import OPEN, PERMIT_WORKFLOW, SUBMIT_ROLES

FOREIGNER_FIELDS = (
    "full_name",
    "nationality",
    "passport_number",
    "passport_expiry",
    "previous_passport_number",
    "birth_date",
    "sex",
    "address",
    "phone",
    "email",
)
SPONSOR_FIELDS = ("kind", "nib", "nik", "name", "address", "phone", "email")
APPLICATION_SERIES = "WNA"  # references read SMG-WNA-261127-0001
ONE_OPEN_CONSTRAINT = "permit_application_one_open"
REMINDER_NOTICE = {"ITAP": timedelta(days=60), "ITAS": timedelta(days=30), "ITK": timedelta(days=30)}


def _normalized(value: Any) -> str:
    return "".join(str(value or "").split()).upper()


def _phone_clean(record: Any, errors: dict[str, list[ValidationError]]) -> None:
    if record.phone:
        try:
            record.phone = phone_normalize(record.phone, indonesian_only=False)
        except ValidationError as error:
            errors["phone"] = [error]


def _fill(record: Any, fields: tuple[str, ...], data: dict[str, Any], exclude: list[str]) -> Any:
    for name in fields:
        if name in data:
            setattr(record, name, data[name])
    errors: dict[str, list[ValidationError]] = {}
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    _phone_clean(record, errors)
    if errors:
        raise ValidationError(errors)
    return record


def foreigner_upsert(*, data: dict[str, Any]) -> Foreigner:
    """The foreigner with this nationality and passport, created or brought up to date.

    With ``previous_passport_number``, a record known by the old passport moves to the new one,
    so a person's permits and applications stay together across passports.
    """
    data = {
        **data,
        "passport_number": _normalized(data.get("passport_number")),
        "previous_passport_number": _normalized(data.get("previous_passport_number")),
        "nationality": _normalized(data.get("nationality")),
    }
    lookup = {"nationality": data["nationality"], "passport_number": data["passport_number"]}
    previous = data["previous_passport_number"]
    if previous and not Foreigner.objects.filter(**lookup).exists():
        lookup["passport_number"] = previous
        if not Foreigner.objects.filter(**lookup).exists():
            lookup["passport_number"] = data["passport_number"]
    return record_upsert(model=Foreigner, lookup=lookup, fill=lambda record: _fill(record, FOREIGNER_FIELDS, data, []))


def sponsor_upsert(*, data: dict[str, Any]) -> Sponsor:
    """The sponsor with this NIB (company) or NIK (person), created or brought up to date."""
    kind = data.get("kind")
    nib, nik = _normalized(data.get("nib")), _normalized(data.get("nik"))
    errors = {}
    if kind == SponsorKind.COMPANY and not (len(nib) == 13 and nib.isdigit()):
        errors["nib"] = ValidationError(
            _("A company sponsor is identified by its NIB of 13 digits."), code="nib-format"
        )
    if kind == SponsorKind.PERSON and not nik:
        errors["nik"] = ValidationError(_("A person sponsor is identified by their NIK."), code="required")
    if errors:
        raise ValidationError(errors)
    data = {**data, "nib": nib if kind == SponsorKind.COMPANY else "", "nik": nik if kind == SponsorKind.PERSON else ""}
    lookup = {"nib": nib} if kind == SponsorKind.COMPANY else {"nik": nik}
    return record_upsert(model=Sponsor, lookup=lookup, fill=lambda record: _fill(record, SPONSOR_FIELDS, data, []))


def _current_permit(number: str, *, holder: Foreigner) -> StayPermit | None:
    """The holder's permit with this number; looked up among the holder's own permits only, so
    a refusal tells nothing about other people's permits."""
    number = _normalized(number)
    if not number:
        return None
    permit = StayPermit.objects.select_related("previous").filter(number=number, holder=holder).first()
    if permit is None:
        raise ValidationError(
            {
                "current_permit": ValidationError(
                    _("This foreigner has no permit numbered %(number)s.") % {"number": number},
                    code="does_not_exist",
                )
            }
        )
    return permit


def _constraint_violated(error: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reports ``error`` violated, if any."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def _open_application_refusal() -> ValidationError:
    return ValidationError(
        {
            "foreigner": ValidationError(
                _("This foreigner already has an open application; finish or cancel it first."),
                code="open-application-exists",
            )
        }
    )


@transaction.atomic
def permit_application_submit(
    *,
    actor: AbstractBaseUser,
    office: Office,
    foreigner: dict[str, Any],
    sponsor: dict[str, Any],
    permit_type: str,
    application_kind: str,
    purpose: str,
    requested_from: date,
    requested_until: date,
    current_permit: str = "",
    ground: str = "",
    married_since: date | None = None,
    note: str = "",
) -> StayPermitApplication:
    """Take in a stay permit application at ``office`` (the workflow's "submit")."""
    if not user_scope(actor, roles=SUBMIT_ROLES).contains(office):
        raise ActionForbidden(_("Your roles do not allow taking in applications at this office."))
    errors: dict[str, Any] = {}
    records = {}
    for prefix, upsert, data in (("foreigner", foreigner_upsert, foreigner), ("sponsor", sponsor_upsert, sponsor)):
        try:
            records[prefix] = upsert(data=data)
        except ValidationError as error:
            errors.update(errors_prefixed(error, prefix).error_dict)
    if errors:
        raise ValidationError(errors)
    try:
        current = _current_permit(current_permit, holder=records["foreigner"])
    except ValidationError as error:
        errors.update(error.error_dict)
        current = None
    application = StayPermitApplication(
        office=office,
        foreigner=records["foreigner"],
        sponsor=records["sponsor"],
        permit_type=permit_type,
        application_kind=application_kind,
        purpose=purpose,
        current_permit=current,
        ground=ground or "",
        married_since=married_since,
        requested_from=requested_from,
        requested_until=requested_until,
        filed_on=office.local_today(),
        created_by=actor,
    )
    _application_validate(application, errors=errors)
    if StayPermitApplication.objects.filter(foreigner=application.foreigner, status__in=OPEN).exists():
        raise _open_application_refusal()
    application.fee_idr = application.compute_fee()
    application.reference = reference_next(office=office, series=APPLICATION_SERIES)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        # Two desks taking in the same foreigner at once: the partial unique index decides.
        # Any other integrity error is a fault, not the client's: let it surface as one.
        if _constraint_violated(error) != ONE_OPEN_CONSTRAINT:
            raise
        raise _open_application_refusal() from error
    case_step_record(case=application, action="submit", actor=actor, note=note)
    case_changed.send(sender=StayPermitApplication, case=application)
    return application


def _application_validate(application: StayPermitApplication, *, errors: dict[str, list[ValidationError]]) -> None:
    """Choices first, then the rules across fields and records, all reported at once.

    ``errors`` are those found before (an unknown current permit); they win over a rule's
    refusal of the same field.
    """
    try:
        application.clean_fields(
            exclude=[
                "office",
                "foreigner",
                "sponsor",
                "current_permit",
                "created_by",
                "reference",
                "fee_idr",
                "status",
                "filed_on",
            ]
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if not set(errors) - {"current_permit"}:
        try:
            application_rules(application, today=application.filed_on)
        except ValidationError as error:
            for name, field_errors in error.error_dict.items():
                errors.setdefault(name, field_errors)
    if errors:
        raise ValidationError(errors)


def permit_application_act(
    *,
    application: StayPermitApplication,
    action: str,
    actor: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
    **inputs: Any,
) -> StayPermitApplication:
    """Take one workflow action on an application; ``issue`` also creates the permit."""
    with transaction.atomic():
        application = case_transition(
            case=application,
            workflow=PERMIT_WORKFLOW,
            action=action,
            actor=actor,
            note=note,
            expected_version=expected_version,
            inputs=inputs,
            notification=application_notifications,
        )
        if action == "issue":
            _permit_create(application)
    return application


def _permit_create(application: StayPermitApplication) -> StayPermit:
    """The permit an issued application grants; the permit it extends or replaces is superseded."""
    previous = application.current_permit
    if previous is not None:
        StayPermit.objects.filter(pk=previous.pk).update(status=PermitStatus.SUPERSEDED)
    return StayPermit.objects.create(
        number=reference_next(office=application.office, series=application.permit_type),
        permit_type=application.permit_type,
        holder=application.foreigner,
        sponsor=application.sponsor,
        office=application.office,
        valid_from=application.requested_from,
        valid_until=application.requested_until,
        application=application,
        previous=previous,
        status=PermitStatus.ACTIVE,
    )


def permits_expire() -> int:
    """Mark active permits past their last day (in their office's local date) as expired.

    Set-based: one UPDATE per time zone, whatever the number of permits.
    """
    expired = 0
    now = timezone.now()
    for zone in TimeZone:
        today = timezone.localtime(now, ZoneInfo(zone)).date()
        expired += StayPermit.objects.filter(
            status=PermitStatus.ACTIVE, office__timezone=zone, valid_until__lt=today
        ).update(status=PermitStatus.EXPIRED)
    return expired


def permits_remind_expiring() -> int:
    """Tell holders and sponsors that a permit ends soon: 60 days ahead for ITAP, 30 for ITAS and ITK.

    Each permit is reminded once: ``reminder_sent_at`` is set in the transaction that stores the
    notifications, under a row lock that a concurrent run skips. Holders who have already filed
    (an open application names the permit) are not told to file, nor holders of an ITK that is
    already an extension, which cannot be extended again.
    """
    now = timezone.now()
    sent = 0
    for zone in TimeZone:
        today = timezone.localtime(now, ZoneInfo(zone)).date()
        for permit_type, notice in REMINDER_NOTICE.items():
            ids = list(
                StayPermit.objects.filter(
                    status=PermitStatus.ACTIVE,
                    permit_type=permit_type,
                    office__timezone=zone,
                    reminder_sent_at__isnull=True,
                    valid_until__gte=today,
                    valid_until__lte=today + notice,
                )
                .exclude(applications__status__in=OPEN)
                .exclude(permit_type=PermitType.ITK, previous__isnull=False)
                .values_list("id", flat=True)
            )
            for permit_id in ids:
                with transaction.atomic():
                    permit = (
                        StayPermit.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("office", "holder", "sponsor")
                        .filter(pk=permit_id, reminder_sent_at__isnull=True)
                        .first()
                    )
                    if permit is None:
                        continue
                    for message in reminder_notifications(permit):
                        notification_queue(notification=message)
                    permit.reminder_sent_at = now
                    permit.save(update_fields=["reminder_sent_at"])
                    sent += 1
    return sent

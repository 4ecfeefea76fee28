"""Business rules of passport applications: intake, every workflow action, expiry."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    PASSPORT_NUMBER,
    Applicant,
    ApplicationType,
    Channel,
    PassportApplication,
    Service,
)
from applications.notifications import application_notifications
from applications.workflow import PASSPORT_WORKFLOW, SUBMIT_ROLES, Status
from casework.errors import ActionForbidden
from casework.references import reference_next
from casework.services import (
    case_changed,
    case_step_record,
    case_transition,
    errors_prefixed,
    record_upsert,
)
from offices.models import Capability, Office
from offices.outages import capability_guard
from offices.selectors import user_scope

INCOMPLETE_EXPIRY = timedelta(days=14)
UNCOLLECTED_EXPIRY = timedelta(days=30)
MINIMUM_AGE_FOR_TEN_YEARS = 17

APPLICANT_FIELDS = ("nik", "full_name", "birth_place", "birth_date", "sex", "address", "phone", "email")


def applicant_upsert(*, data: dict[str, Any]) -> Applicant:
    """The applicant with this NIK, created or brought up to date with ``data``.

    One applicant per NIK: a later application reuses the record and refreshes the contact
    details; the identity fields must still agree with the NIK.
    """
    return record_upsert(
        model=Applicant, lookup={"nik": data.get("nik")}, fill=lambda applicant: _applicant_fill(applicant, data)
    )


def _applicant_fill(applicant: Applicant, data: dict[str, Any]) -> Applicant:
    for name in APPLICANT_FIELDS:
        if name in data:
            setattr(applicant, name, data[name])
    applicant.full_clean(validate_unique=False)
    return applicant


def _application_rules(application: PassportApplication) -> None:
    """Rules across fields, each refused on the field to correct, with its own code."""
    errors: dict[str, ValidationError] = {}
    today = application.office.local_today()
    if application.validity_years == 10 and application.applicant.age_on(today) < MINIMUM_AGE_FOR_TEN_YEARS:
        errors["validity_years"] = ValidationError(
            _("A 10-year passport is only for applicants aged 17 or over; choose 5 years."), code="validity-age"
        )
    if application.channel == Channel.WALK_IN and not application.priority:
        errors["priority"] = ValidationError(
            _("Walk-in applications are only for priority applicants: elderly, child, pregnant or disability."),
            code="walk-in-needs-priority",
        )
    if application.channel == Channel.APPOINTMENT and application.priority:
        errors["priority"] = ValidationError(
            _("Priority applies to walk-in applicants only."), code="priority-needs-walk-in"
        )
    if application.application_type != ApplicationType.NEW and not application.previous_passport_number:
        errors["previous_passport_number"] = ValidationError(
            _("Give the number of the passport being renewed or replaced."), code="previous-passport-required"
        )
    elif application.previous_passport_number and not PASSPORT_NUMBER.match(application.previous_passport_number):
        errors["previous_passport_number"] = ValidationError(
            _("A passport number has 8 or 9 letters and digits."), code="passport-number-format"
        )
    if errors:
        raise ValidationError(errors)


def _application_validate(application: PassportApplication) -> None:
    """Choices first, then the rules across fields, all reported at once.

    Without the field check an unknown kind or validity would reach the fee table as a KeyError
    and an unknown channel the database as a constraint violation: a 500 instead of a 400.
    """
    errors: dict[str, list[ValidationError]] = {}
    try:
        # Relations were resolved by the caller (checking them again would only cost queries);
        # the status is the workflow's, and django-fsm refuses to have it set.
        application.clean_fields(exclude=["office", "applicant", "created_by", "reference", "fee_idr", "status"])
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        _application_rules(application)
    except ValidationError as error:
        for name, field_errors in error.error_dict.items():
            errors.setdefault(name, field_errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_submit(
    *,
    actor: AbstractBaseUser,
    office: Office,
    applicant: dict[str, Any],
    application_type: str,
    passport_kind: str,
    validity_years: int,
    channel: str,
    service: str = Service.REGULAR,
    priority: str = "",
    previous_passport_number: str = "",
    note: str = "",
) -> PassportApplication:
    """Take in a new application at ``office`` (the workflow's "submit")."""
    if not user_scope(actor, roles=SUBMIT_ROLES).contains(office):
        raise ActionForbidden(_("Your roles do not allow taking in applications at this office."))
    try:
        applicant_record = applicant_upsert(data=applicant)
    except ValidationError as error:
        raise errors_prefixed(error, "applicant") from error
    application = PassportApplication(
        office=office,
        applicant=applicant_record,
        application_type=application_type,
        previous_passport_number="".join((previous_passport_number or "").split()).upper(),
        passport_kind=passport_kind,
        validity_years=validity_years,
        service=service,
        channel=channel,
        priority=priority or "",
        created_by=actor,
    )
    _application_validate(application)
    application.fee_idr = application.compute_fee()
    if service == Service.EXPRESS:
        capability_guard(office=office, capability=Capability.EXPRESS_SERVICE)
    application.reference = reference_next(office=office)
    application.save()
    case_step_record(case=application, action="submit", actor=actor, note=note)
    case_changed.send(sender=PassportApplication, case=application)
    return application


def application_act(
    *,
    application: PassportApplication,
    action: str,
    actor: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
    **inputs: Any,
) -> PassportApplication:
    """Take one workflow action (``verify``, ``print``…) on an application."""
    try:
        return case_transition(
            case=application,
            workflow=PASSPORT_WORKFLOW,
            action=action,
            actor=actor,
            note=note,
            expected_version=expected_version,
            inputs=inputs,
            notification=application_notifications,
        )
    except IntegrityError as error:
        # Two printers entering the same number at once: the unique index decides.
        raise ValidationError(
            {
                "passport_number": ValidationError(
                    _("This passport number is already used."), code="passport-number-taken"
                )
            }
        ) from error


def applications_expire(*, status: str, older_than: timedelta, field: str, reason: str) -> int:
    """Cancel every application left in ``status`` since before ``older_than`` ago (the "expire" action).

    One transaction per application, each through the transition service (so with its step,
    history and notification), so a failure leaves the others done; rows locked by a concurrent
    action are skipped and taken next run.
    """
    cutoff = timezone.now() - older_than
    ids = list(
        PassportApplication.objects.filter(status=status, **{f"{field}__lt": cutoff}).values_list("id", flat=True)
    )
    expired = 0
    for application_id in ids:
        with transaction.atomic():
            application = (
                # Lock the case row only: without ``of`` the office and applicant rows would be
                # locked too, and a case skipped whenever its applicant is being taken in again.
                PassportApplication.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=application_id, status=status, **{f"{field}__lt": cutoff})
                .first()
            )
            if application is None:
                continue
            case_transition(
                case=application,
                workflow=PASSPORT_WORKFLOW,
                action="expire",
                actor=None,
                note=reason,
                inputs={"reason": reason},
                notification=application_notifications,
            )
            expired += 1
    return expired


def applications_expire_incomplete() -> int:
    return applications_expire(
        status=Status.INCOMPLETE,
        older_than=INCOMPLETE_EXPIRY,
        field="documents_returned_at",
        reason=_("Documents were not completed within 14 days."),
    )


def applications_expire_uncollected() -> int:
    return applications_expire(
        status=Status.PRINTED,
        older_than=UNCOLLECTED_EXPIRY,
        field="printed_at",
        reason=_("The passport was not collected within 30 days; its number is void."),
    )

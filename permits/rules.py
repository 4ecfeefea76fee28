"""The rules of stay permits, checked when an application is taken in.

Each refusal is keyed by the field to correct, with its own code and a message that says what to
do. Terms are counted with both ends included: an ITK of 30 days runs from the 1st to the 30th.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from permits.fees import OVERSTAY_FINE_PER_DAY
from permits.models import (
    ApplicationKind,
    ConversionGround,
    PermitStatus,
    PermitType,
    Purpose,
    StayPermit,
    StayPermitApplication,
)

ITK_TERM = relativedelta(days=30)
ITAS_TERM = relativedelta(years=2)
ITAS_INVESTOR_TERMS = (relativedelta(years=2), relativedelta(years=5), relativedelta(years=10))
ITAP_TERM = relativedelta(years=5)
ITAP_EXTENSION_NOTICE = timedelta(days=60)
ITAS_YEARS_FOR_ITAP = relativedelta(years=3)
MARRIAGE_YEARS_FOR_ITAP = relativedelta(years=2)
CONVERSIONS = {(PermitType.ITK, PermitType.ITAS), (PermitType.ITAS, PermitType.ITAP)}


def within(term: relativedelta, *, start: date, end: date) -> bool:
    """Whether the days from ``start`` to ``end``, both included, fit in ``term``."""
    return end < start + term


def overstay_fine(days: int) -> int:
    return max(days, 0) * OVERSTAY_FINE_PER_DAY


def itas_held_since(permit: StayPermit) -> date:
    """The first day of the unbroken run of ITAS permits that ends with ``permit``."""
    start = permit.valid_from
    while permit.previous_id is not None:
        previous = permit.previous
        if previous.permit_type != PermitType.ITAS or previous.valid_until < start - timedelta(days=1):
            break
        permit, start = previous, previous.valid_from
    return start


def extension_deadline(permit: StayPermit) -> date:
    """The last day an extension of ``permit`` may be filed."""
    if permit.permit_type == PermitType.ITAP:
        return permit.valid_until - ITAP_EXTENSION_NOTICE
    return permit.valid_until


def _error(errors: dict[str, ValidationError], field: str, message: str, code: str) -> None:
    errors.setdefault(field, ValidationError(message, code=code))


def _term_rules(application: StayPermitApplication, today: date, errors: dict[str, ValidationError]) -> None:
    start, end = application.requested_from, application.requested_until
    if start < today and application.application_kind != ApplicationKind.EXTENSION:
        # An extension's start is fixed by the current permit (``extension-start``).
        _error(
            errors,
            "requested_from",
            _("A permit cannot start before the day it is applied for (%(today)s).") % {"today": today.isoformat()},
            "start-in-past",
        )
    if end < start:
        _error(errors, "requested_until", _("The permit must end on or after the day it starts."), "validity-order")
        return
    if application.permit_type == PermitType.ITK and not within(ITK_TERM, start=start, end=end):
        _error(errors, "requested_until", _("An ITK is given for at most 30 days."), "itk-too-long")
    elif application.permit_type == PermitType.ITAS and not within(ITAS_TERM, start=start, end=end):
        if application.purpose != Purpose.INVESTMENT:
            _error(
                errors,
                "requested_until",
                _("An ITAS is given for at most 2 years (investors 2, 5 or 10 years)."),
                "itas-too-long",
            )
        elif not any(end == start + term - timedelta(days=1) for term in ITAS_INVESTOR_TERMS):
            _error(
                errors,
                "requested_until",
                _("An investor's ITAS beyond 2 years runs for exactly 5 or 10 years."),
                "itas-investor-term",
            )
    elif application.permit_type == PermitType.ITAP and not within(ITAP_TERM, start=start, end=end):
        _error(errors, "requested_until", _("An ITAP is given for at most 5 years."), "itap-too-long")
    if end > application.foreigner.passport_expiry:
        _error(
            errors,
            "requested_until",
            _("The permit cannot end after the passport expires (%(expiry)s): renew the passport first.")
            % {"expiry": application.foreigner.passport_expiry.isoformat()},
            "passport-expires-first",
        )


def _extension_rules(
    application: StayPermitApplication, current: StayPermit, today: date, errors: dict[str, ValidationError]
) -> None:
    if current.permit_type != application.permit_type:
        _error(
            errors,
            "permit_type",
            _("An extension keeps the permit's type (%(type)s); a change of type is a conversion.")
            % {"type": current.permit_type},
            "extension-type-mismatch",
        )
        return
    if today > current.valid_until:
        days = (today - current.valid_until).days
        overstay = ngettext(
            "%(days)s day of overstay, a fine of Rp%(fine)s so far",
            "%(days)s days of overstay, a fine of Rp%(fine)s so far",
            days,
        ) % {"days": days, "fine": f"{overstay_fine(days):,}"}
        _error(
            errors,
            "current_permit",
            _(
                "The permit expired on %(expiry)s: an extension must be filed by that day. "
                "%(overstay)s; refer the case to enforcement."
            )
            % {"expiry": current.valid_until.isoformat(), "overstay": overstay},
            "extension-late",
        )
        return
    if current.permit_type == PermitType.ITAP and today > extension_deadline(current):
        _error(
            errors,
            "current_permit",
            _("An ITAP extension is filed at least 60 days before it expires (by %(last)s).")
            % {"last": extension_deadline(current).isoformat()},
            "itap-extension-too-late",
        )
    if current.permit_type == PermitType.ITK and current.previous_id is not None:
        _error(
            errors,
            "current_permit",
            _("An ITK is extended at an office once; this one is already an extension."),
            "itk-extended-once",
        )
    if application.requested_from != current.valid_until + timedelta(days=1):
        _error(
            errors,
            "requested_from",
            _("An extension starts the day after the current permit ends (%(day)s).")
            % {"day": (current.valid_until + timedelta(days=1)).isoformat()},
            "extension-start",
        )


def _conversion_rules(
    application: StayPermitApplication, current: StayPermit, today: date, errors: dict[str, ValidationError]
) -> None:
    if (current.permit_type, application.permit_type) not in CONVERSIONS:
        _error(
            errors,
            "permit_type",
            _("Conversion goes from ITK to ITAS or from ITAS to ITAP, not from %(from)s to %(to)s.")
            % {"from": current.permit_type, "to": application.permit_type},
            "conversion-not-allowed",
        )
        return
    if today > current.valid_until:
        _error(
            errors,
            "current_permit",
            _("The current permit expired on %(expiry)s; a conversion must be filed while it is valid.")
            % {"expiry": current.valid_until.isoformat()},
            "conversion-late",
        )
    if application.permit_type != PermitType.ITAP:
        return
    if application.ground == ConversionGround.ITAS_YEARS:
        since = itas_held_since(current)
        if today < since + ITAS_YEARS_FOR_ITAP:
            _error(
                errors,
                "ground",
                _("An ITAP needs 3 consecutive years on ITAS; this foreigner has held one since %(since)s.")
                % {"since": since.isoformat()},
                "itas-years-short",
            )
    elif application.ground == ConversionGround.MARRIAGE:
        if application.married_since is None:
            _error(errors, "married_since", _("Give the date of the marriage."), "required")
        elif today < application.married_since + MARRIAGE_YEARS_FOR_ITAP:
            _error(
                errors,
                "married_since",
                _("An ITAP on the ground of marriage needs 2 years of marriage to a citizen."),
                "marriage-years-short",
            )
    else:
        _error(
            errors,
            "ground",
            _("Give the ground: three years on ITAS, or two years of marriage to a citizen."),
            "required",
        )


def application_rules(application: StayPermitApplication, *, today: date) -> None:
    """Every rule across fields and records; all refusals at once, keyed by field."""
    errors: dict[str, ValidationError] = {}
    current = application.current_permit
    if application.application_kind == ApplicationKind.NEW:
        if current is not None:
            _error(
                errors,
                "current_permit",
                _("A new application has no current permit; choose extension or conversion."),
                "current-permit-not-allowed",
            )
        if application.permit_type == PermitType.ITAP:
            _error(
                errors,
                "application_kind",
                _("An ITAP is obtained by conversion from an ITAS."),
                "itap-by-conversion-only",
            )
    elif current is None:
        _error(
            errors,
            "current_permit",
            _("Give the number of the permit being extended or converted."),
            "current-permit-required",
        )
    elif current.status not in (PermitStatus.ACTIVE, PermitStatus.EXPIRED):
        _error(
            errors,
            "current_permit",
            _("This permit was %(status)s; give the foreigner's latest permit.")
            % {"status": current.get_status_display().lower()},
            "current-permit-not-current",
        )
    elif application.application_kind == ApplicationKind.EXTENSION:
        _extension_rules(application, current, today, errors)
    else:
        _conversion_rules(application, current, today, errors)
    _term_rules(application, today, errors)
    if errors:
        raise ValidationError(errors)

"""Validation of identity data: NIK, phone numbers and plausible dates.

A NIK (Nomor Induk Kependudukan) has 16 digits: province (2), regency (2), district (2), the birth
date as DDMMYY with 40 added to the day for women, and a 4-digit sequence that is never 0000.
"""

from datetime import date
from zoneinfo import ZoneInfo

import phonenumbers
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.models import TimeZone

# Province codes as issued in NIKs (Kemendagri), including those of the new Papua provinces.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip


def nik_validate_format(nik: str) -> None:
    """The checks a NIK passes on its own: digits, province, a possible date, sequence."""
    if len(nik) != 16 or not nik.isdigit():
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik-format")
    if nik[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The NIK's province code %(code)s does not exist."), code="nik-province", params={"code": nik[:2]}
        )
    day = int(nik[6:8])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= int(nik[8:10]) <= 12:
        raise ValidationError(_("The NIK's date part is not a date."), code="nik-date")
    if nik[12:] == "0000":
        raise ValidationError(_("The NIK's last four digits cannot be 0000."), code="nik-sequence")


def nik_validate_against(nik: str, *, birth_date: date, sex: str) -> None:
    """The NIK's date part must be the birth date, with 40 added to the day for women."""
    expected_day = birth_date.day + (40 if sex == "F" else 0)
    expected = f"{expected_day:02d}{birth_date:%m%y}"
    if nik[6:12] != expected:
        raise ValidationError(
            _("The NIK's date part %(found)s does not match the birth date and sex (expected %(expected)s)."),
            code="nik-birth-date-mismatch",
            params={"found": nik[6:12], "expected": expected},
        )


def phone_normalize(value: str, *, indonesian_only: bool = True) -> str:
    """A phone number in E.164 (+628…); national numbers are read as Indonesian.

    Citizens give Indonesian numbers; foreigners and sponsors may give any country's, written
    with its + prefix.
    """
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Not a phone number."), code="phone-invalid") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Not a valid phone number."), code="phone-invalid")
    if indonesian_only and number.country_code != 62:
        raise ValidationError(_("Not a valid Indonesian phone number."), code="phone-invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# No one living was born before this day, and no passport of anyone's expired before it.
EARLIEST_DATE = date(1900, 1, 1)
# A passport is issued for ten years at most (Indonesia's and most countries'); a year's margin
# covers those issued with a few months more.
PASSPORT_LONGEST_VALIDITY = relativedelta(years=11)
# The day starts first in Indonesia's easternmost zone (WIT): a child born there this morning has a
# birth date that is still tomorrow in Jakarta.
_EASTERNMOST = ZoneInfo(TimeZone.WIT)


def latest_today() -> date:
    """Today's date where it is latest in Indonesia (WIT)."""
    return timezone.now().astimezone(_EASTERNMOST).date()


def birth_date_validate(value: date) -> None:
    """A birth date is not in the future, nor before 1900."""
    if value > latest_today():
        raise ValidationError(_("A date of birth cannot be in the future."), code="date-in-future")
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("A date of birth before %(earliest)s is not plausible."),
            code="date-implausible",
            params={"earliest": EARLIEST_DATE.isoformat()},
        )


def passport_expiry_validate(value: date) -> None:
    """A passport's expiry lies within the longest validity any passport has, and after 1900."""
    latest = latest_today() + PASSPORT_LONGEST_VALIDITY
    if value > latest:
        raise ValidationError(
            _("No passport is valid until %(value)s: the latest plausible expiry is %(latest)s."),
            code="date-implausible",
            params={"value": value.isoformat(), "latest": latest.isoformat()},
        )
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("A passport expiry before %(earliest)s is not plausible."),
            code="date-implausible",
            params={"earliest": EARLIEST_DATE.isoformat()},
        )

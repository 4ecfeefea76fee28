"""Validation of identity data: NIK and phone numbers.

A NIK (Nomor Induk Kependudukan) has 16 digits: province (2), regency (2), district (2), the birth
date as DDMMYY with 40 added to the day for women, and a 4-digit sequence that is never 0000.
"""

from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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

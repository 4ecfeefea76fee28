"""Writing the personal-data access log, masking what a search named, and purging old rows."""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from plumbing.clients import client_address
from privacy.models import PURGE_SETTING, Outcome, PersonalDataAccess

# Query parameters that carry free text typed by the reader (names as well as numbers): every word
# of theirs is masked, not only those with digits.
FREE_TEXT_PARAMETERS = frozenset({"q", "search"})
# Parameters that say nothing about what was sought: the position in a list.
POSITION_PARAMETERS = frozenset({"cursor", "p", "page", "page_size", "o", "e", "format", "export"})
# A word with a digit this long or longer may identify someone (a NIK has 16 characters, a passport
# number 8 or 9, a phone number 10 or more); shorter ones (a year, a region code) cannot.
IDENTIFIER_MIN_CHARS = 6
# What such a word keeps in the clear: its last four characters.
KEPT_DIGITS = 4
MAX_VALUE_CHARS = 200

_WORD = re.compile(r"\w+")
# Digits written in groups (a phone number "0812-3456-7890", a NIK typed "3374 0112 …"): one number.
_GROUPED_DIGITS = re.compile(r"\d[\d\s\-.()/]{4,}\d")


def _mask_word(word: str, *, free_text: bool) -> str:
    if len(word) >= IDENTIFIER_MIN_CHARS and any(character.isdigit() for character in word):
        return "*" * (len(word) - KEPT_DIGITS) + word[-KEPT_DIGITS:]
    if free_text and len(word) > 1 and not word.isdigit():
        return word[0] + "*" * (len(word) - 1)
    return word


def _mask_match(match: re.Match[str], *, free_text: bool) -> str:
    return _mask_word(match[0], free_text=free_text)


def _mask_grouped(match: re.Match[str]) -> str:
    """All digits of a grouped number but its last four become asterisks; separators stay."""
    text = match[0]
    digits = sum(character.isdigit() for character in text)
    if digits < IDENTIFIER_MIN_CHARS:
        return text
    masked, left = [], digits - KEPT_DIGITS
    for character in text:
        if character.isdigit() and left > 0:
            masked.append("*")
            left -= 1
        else:
            masked.append(character)
    return "".join(masked)


def _mask_value(value: str, *, free_text: bool) -> str:
    if _is_moment(value):
        return value
    mask = partial(_mask_match, free_text=free_text)
    return _WORD.sub(mask, _GROUPED_DIGITS.sub(_mask_grouped, value[:MAX_VALUE_CHARS]))


def _is_moment(value: str) -> bool:
    """A date or a time (a range's bound) identifies nobody and stays readable."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def search_mask(parameters: Mapping[str, Any]) -> dict[str, str]:
    """The filters of a list or search as the log keeps them: identifiers masked.

    A word of six characters or more holding a digit (a NIK, a passport or phone number) keeps
    only its last four; every other word of a free-text search (``q``) keeps only its first
    letter, since it may be a name. Codes, choices and dates (``office=SMG``, ``status=verified``,
    ``start=2026-01-01``) stay readable, and the position in a list (``cursor``, ``page``) is
    left out.
    """
    masked: dict[str, str] = {}
    for name in sorted(parameters):
        if name in POSITION_PARAMETERS:
            continue
        values = parameters.getlist(name) if hasattr(parameters, "getlist") else [parameters[name]]
        masked[str(name)[:MAX_VALUE_CHARS]] = ",".join(
            _mask_value(str(value), free_text=name in FREE_TEXT_PARAMETERS) for value in values
        )[:MAX_VALUE_CHARS]
    return masked


def people_of(records: Iterable[Any]) -> list[str]:
    """The identifiers of the people ``records`` show, each once, in the order first met.

    A record names its people with ``data_subjects()``: an applicant's NIK, a foreigner's passport
    number, a person sponsor's NIK.
    """
    seen: dict[str, None] = {}
    for record in records:
        for identifier in record.data_subjects():
            if identifier:
                seen[identifier] = None
    return list(seen)


def office_of(records: Iterable[Any]) -> int | None:
    """The office of ``records`` when they all belong to one, else None."""
    offices = {getattr(record, "office_id", None) for record in records}
    return offices.pop() if len(offices) == 1 else None


def personal_data_access_record(
    *,
    request: HttpRequest,
    door: str,
    status_code: int,
    people: Iterable[str] = (),
    search: Mapping[str, Any] | None = None,
    office_id: int | None = None,
    refused: bool = False,
) -> PersonalDataAccess:
    """Write the one row of the request: who, from where, through which door, whom or what it sought.

    Called once per request, after the response is built, with everything the request returned.
    ``search`` is stored as given: pass it through ``search_mask`` first when it holds what the
    reader typed.
    """
    user = getattr(request, "user", None)
    known = user is not None and user.is_authenticated
    return PersonalDataAccess.objects.create(
        user_id=user.pk if known else None,
        username=user.get_username() if known else "",
        address=client_address(request)[:64],
        door=door,
        path=request.path[:500],
        office_id=office_id,
        outcome=Outcome.REFUSED if refused else Outcome.SHOWN,
        status_code=status_code,
        people=[identifier[:20] for identifier in people],
        search=dict(search or {}),
    )


def personal_data_accesses_purge(*, now: datetime | None = None) -> int:
    """Delete the rows older than ``PERSONAL_DATA_LOG_RETENTION``; the only DELETE the table lets through.

    The setting that opens the trigger is local to this transaction: it ends with the commit, and
    nothing else running in this transaction or in any other connection can delete.
    """
    cutoff = (now or timezone.now()) - settings.PERSONAL_DATA_LOG_RETENTION
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        try:
            deleted, _ = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
        finally:
            # Off again at once: a caller's outer transaction, if any, goes on without the opening.
            cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
    return deleted

"""Offices and regions named on the wire, looked up among the field's query set.

Every serializer that takes an office or a region uses these, so they all read a name the same way
and refuse it in the same words. The query set is the caller's scope: a code outside it is refused
like an unknown one. A value that cannot be a code or a name (longer than the column, or holding a
NUL character, which PostgreSQL refuses in text) is refused without asking the database.

Beside them, ``AwareDateTimeField``: a date-time at the calendar's edges, which cannot be placed in
the time zone, is refused like a malformed one instead of failing with a 500.
"""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils import humanize_datetime

from offices.models import Office, Region

# How much of a refused value an error message repeats.
SHOWN_CHARACTERS = 20


def _shown(value: str) -> str:
    value = value.replace("\x00", "")
    return value if len(value) <= SHOWN_CHARACTERS else value[:SHOWN_CHARACTERS] + "…"


class _NamedField(serializers.RelatedField):
    """A row named by text: refused as of the wrong type unless text, as unknown unless found.

    Subclasses say how a name is written (``normalized``), how long it may be (``longest``) and
    where it is looked up (``lookup``); a value that cannot be a name never reaches the database.
    """

    longest: int

    def normalized(self, text: str) -> str:
        raise NotImplementedError

    def lookup(self, value: str) -> Any:
        raise NotImplementedError

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        value = self.normalized(data)
        found = None
        if len(value) <= self.longest and "\x00" not in value:
            found = self.lookup(value)
        if found is None:
            self.fail("does_not_exist", value=_shown(value))
        return found


@extend_schema_field(OpenApiTypes.STR)
class OfficeCodeField(_NamedField):
    """An office by its code, in any case and spacing (``smg``, `` SMG``)."""

    default_error_messages = {
        "does_not_exist": _("No office with the code “{value}”."),
        "incorrect_type": _("An office code is text, not {data_type}."),
    }
    longest = Office._meta.get_field("code").max_length

    def normalized(self, text: str) -> str:
        return "".join(text.split()).upper()

    def lookup(self, value: str) -> Office | None:
        return self.get_queryset().filter(code=value).first()

    def to_representation(self, value: Office) -> str:
        return value.code


@extend_schema_field(OpenApiTypes.STR)
class RegionField(_NamedField):
    """A region by its province code (``33``) or its name (``Jawa Tengah``, any case)."""

    default_error_messages = {
        "does_not_exist": _("No region with the code or name “{value}”."),
        "incorrect_type": _("A region's code or name is text, not {data_type}."),
    }
    longest = Region._meta.get_field("name").max_length

    def normalized(self, text: str) -> str:
        return text.strip()

    def lookup(self, value: str) -> Region | None:
        return self.get_queryset().filter(Q(code=value) | Q(name__iexact=value)).first()

    def to_representation(self, value: Region) -> str:
        return value.code


class AwareDateTimeField(serializers.DateTimeField):
    """A date-time that is refused, rather than a 500, when it cannot be placed in the time zone.

    DRF makes a value without an offset aware in the current zone and then checks it against UTC;
    at the edges of the calendar (``0001-01-01`` in Asia/Jakarta, seven hours ahead of UTC) that
    leaves Python's range and raises ``OverflowError``. Such a value is refused as ``invalid``,
    like one that cannot be read as a date-time at all; so is one with an offset that cannot be
    moved into the zone (``0001-01-01T00:00:00+07:00``), which DRF would refuse as ``overflow``:
    one code for a date-time out of range, however it was written.
    """

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        try:
            return super().enforce_timezone(value)
        except (OverflowError, ValueError):
            pass
        except serializers.ValidationError as error:
            if error.get_codes() != ["overflow"]:
                raise
        formats = getattr(self, "input_formats", api_settings.DATETIME_INPUT_FORMATS)
        self.fail("invalid", format=humanize_datetime.datetime_formats(formats))

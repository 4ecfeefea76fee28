"""The filters of every report, validated once for the admin pages, the API and the exports.

Region and office accept only what the reader oversees: one outside their scope is refused with
the very words of an unknown one, so an error never tells of offices they do not oversee. Dates
default to the report's own range (``Report.default_range``) ending today, Jakarta's date.
"""

from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Field
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.kinds import kinds
from offices.api.fields import OfficeCodeField, RegionField
from offices.models import Office, Region
from offices.selectors import overseen_offices, overseen_regions
from reports.definitions.base import EARLIEST_DAY, LATEST_DAY, MAX_RANGE_YEARS, Report, ReportFilters

DAY_BOUNDS = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]


class ReportQuerySerializer(serializers.Serializer):
    """Region, office and dates; ``query_serializer_for`` adds the type filters the report understands."""

    region = RegionField(
        queryset=Region.objects.none(),
        required=False,
        help_text=_("A province code (33) or name (Jawa Tengah) with an office you oversee."),
    )
    office = OfficeCodeField(
        queryset=Office.objects.none(), required=False, help_text=_("An office code you oversee, e.g. SMG.")
    )
    start = serializers.DateField(
        required=False,
        validators=DAY_BOUNDS,
        help_text=_("First day, included (YYYY-MM-DD), from 2000-01-01 to 2099-12-31."),
    )
    end = serializers.DateField(
        required=False,
        validators=DAY_BOUNDS,
        help_text=_("Last day, included (YYYY-MM-DD), from 2000-01-01 to 2099-12-31."),
    )
    # Set by ``query_serializer_for``.
    report: Report

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is None:  # the schema generator describes the fields without a reader
            return
        self.fields["office"].queryset = overseen_offices(user)
        self.fields["region"].queryset = overseen_regions(user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        default_start, default_end = self.report.default_range(timezone.localdate())
        end = attrs.get("end")
        start = attrs.get("start")
        if end is None:
            end = default_end if start is None else max(default_end, start)
        if start is None:
            start = end - (default_end - default_start)
        if end < start:
            raise serializers.ValidationError(
                {"end": [_("The end date is before the start date.")]}, code="range-reversed"
            )
        if end >= start + relativedelta(years=MAX_RANGE_YEARS):
            raise serializers.ValidationError(
                {"end": [_("A report covers less than two years: choose a later start or an earlier end.")]},
                code="range-too-long",
            )
        office, region = attrs.get("office"), attrs.get("region")
        if office is not None and region is not None and office.region_id != region.pk:
            raise serializers.ValidationError(
                {
                    "office": [
                        _("The office “%(office)s” is not in %(region)s.") % {"office": office.code, "region": region}
                    ]
                },
                code="office-not-in-region",
            )
        return {**attrs, "start": start, "end": end}


def _type_column(name: str) -> Field:
    """The type column ``name`` of the kind it belongs to."""
    return next(cast(Field, kind.model._meta.get_field(name)) for kind in kinds() if kind.type_field == name)


def type_field_label(name: str) -> str | Promise:
    """The words of the type filter ``name``: its column's (``application type``)."""
    return _type_column(name).verbose_name


def type_filter_field(name: str) -> serializers.ChoiceField:
    """The filter narrowing the kind whose type column is ``name`` to one of its types."""
    column = _type_column(name)
    return serializers.ChoiceField(
        choices=column.choices or [],
        required=False,
        help_text=format_lazy(
            _("Only {cases} of this type (and no other kind of case, unless its own type filter is given)."),
            cases=column.model._meta.verbose_name_plural,
        ),
    )


def query_serializer_for(report: Report) -> type[ReportQuerySerializer]:
    """The filter serializer of ``report``: with the type filters it understands, and no other."""
    fields = {name: type_filter_field(name) for name in report.type_filter_names()}
    return type(report.class_name + "ReportQuerySerializer", (ReportQuerySerializer,), {"report": report, **fields})


def report_filters(*, user: AbstractBaseUser | AnonymousUser, report: Report, data: dict[str, Any]) -> ReportFilters:
    """The filters ``data`` (validated by ``query_serializer_for(report)``) stand for, for ``user``."""
    offices = overseen_offices(user).order_by("code")
    if data.get("region") is not None:
        offices = offices.filter(region=data["region"])
    if data.get("office") is not None:
        offices = offices.filter(pk=data["office"].pk)
    return ReportFilters(
        offices=tuple(offices),
        start=data["start"],
        end=data["end"],
        types={name: data[name] for name in report.type_filter_names() if data.get(name)},
    )

"""Showing a report's values in the admin as its column's kind says: money, percentages, dates."""

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def report_cell(value: Any, kind: str) -> str:
    """One cell: empty for None, rupiah grouped, a ratio as a percentage, dates in the active format."""
    if value is None:
        return ""
    if kind == "money":
        return "Rp " + formats.number_format(value, force_grouping=True)
    if kind == "percent":
        return formats.number_format(value * 100, decimal_pos=1) + " %"
    if kind == "int":
        return formats.number_format(value, force_grouping=True)
    if kind == "datetime" and isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if kind == "date" and isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def row_values(row: dict[str, Any], columns: Any) -> list[tuple[Any, str]]:
    """The row's values in column order, each with its column's kind."""
    return [(row[column.name], column.kind) for column in columns]

"""The rows of each report on the wire: a serializer made from the report's typed columns."""

from rest_framework import serializers

from reports.definitions.base import Report

# How each kind of column is written: money in whole rupiah, percentages as a ratio (0.953).
FIELDS = {
    "text": serializers.CharField,
    "int": serializers.IntegerField,
    "money": serializers.IntegerField,
    "date": serializers.DateField,
    "datetime": serializers.DateTimeField,
    "percent": serializers.FloatField,
}


def report_name(report: Report) -> str:
    """The report's slug in CamelCase (``office-daily`` → ``OfficeDaily``), to name its classes."""
    return "".join(part.capitalize() for part in report.slug.split("-"))


def row_serializer_for(report: Report) -> type[serializers.Serializer]:
    """A read-only serializer of one row of ``report``, a field per column, documented by its header."""
    fields = {
        column.name: FIELDS[column.kind](read_only=True, allow_null=True, help_text=column.header)
        for column in report.columns
    }
    name = report_name(report) + "ReportRow"
    return type(name, (serializers.Serializer,), fields)


def page_serializer_for(report: Report) -> type[serializers.Serializer]:
    """One page of ``report``: the number of rows in all, links to the pages around, the rows."""
    name = report_name(report) + "ReportPage"
    fields = {
        "count": serializers.IntegerField(help_text="Rows in the whole report."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, if any."),
        "results": row_serializer_for(report)(many=True),
    }
    return type(name, (serializers.Serializer,), fields)

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


class ReportEntrySerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The report's name in its URL, e.g. `office-daily`.")
    title = serializers.CharField()
    description = serializers.CharField()
    filters = serializers.ListField(child=serializers.CharField(), help_text="The query parameters it takes.")
    url = serializers.URLField()


def row_serializer_for(report: Report) -> type[serializers.Serializer]:
    """A read-only serializer of one row of ``report``, a field per column, documented by its header."""
    fields = {
        column.name: FIELDS[column.kind](read_only=True, allow_null=True, help_text=column.header)
        for column in report.columns
    }
    name = report.class_name + "ReportRow"
    return type(name, (serializers.Serializer,), fields)


def page_serializer_for(report: Report) -> type[serializers.Serializer]:
    """One page of ``report``: the number of rows in all, links to the pages around, the rows."""
    name = report.class_name + "ReportPage"
    fields = {
        "count": serializers.IntegerField(help_text="Rows in the whole report."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, if any."),
        "results": row_serializer_for(report)(many=True),
    }
    return type(name, (serializers.Serializer,), fields)

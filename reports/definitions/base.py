"""What every report is: a title, typed columns, a default date range and rows for some filters.

A report is read three ways (the admin page, the API and the exports) from one definition, so
the three always agree: the page and the API show ``rows``, the exports write ``table``.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.functional import Promise

from casework.kinds import kind_named, kinds
from offices.models import Office
from reports.exports import Column, Table


def type_filters() -> tuple[str, ...]:
    """The type filters, one per kind, each named after the type column of the kind it narrows
    (``CaseKindSpec.type_field``: ``application_type``, ``permit_type``): each narrows its kind of
    case and leaves the other kinds out of the report."""
    return tuple(kind.type_field for kind in kinds())


# The longest range a report covers: ranges are refused from two years on (``reports.filters``).
MAX_RANGE_YEARS = 2
# The dates a report may name: the years of the offices' records, with room to look ahead.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


@dataclass(frozen=True)
class ReportFilters:
    """The validated filters of a report: the offices in the reader's scope it covers, and the rest.

    ``offices`` is already narrowed by the reader's scope and the ``region`` and ``office`` filters,
    ordered by code, each with its region. ``start`` and ``end`` are dates, both included: office
    local dates for what a report counts by day, the dates of permits for what it lists by date.
    """

    offices: tuple[Office, ...]
    start: date
    end: date
    # The type filters given, by name (``{"permit_type": "ITAS"}``).
    types: Mapping[str, str] = field(default_factory=dict)

    @property
    def office_ids(self) -> list[int]:
        return [office.pk for office in self.offices]

    def includes(self, kind: str) -> bool:
        """Whether the report covers ``kind`` of case: both, unless a type filter names only the other.

        ``application_type=renewal`` shows renewals and no permits; ``permit_type=ITAS`` ITAS and no
        passports; both filters, both kinds each narrowed by its own.
        """
        return not self.types or bool(self.type_of(kind))

    def type_of(self, kind: str) -> str | None:
        """The type ``kind`` is narrowed to, if any."""
        return self.types.get(kind_named(kind).type_field)

    def utc_window(self) -> tuple[datetime, datetime]:
        """Instants that hold every office-local day of the range, in any of the three zones.

        The zones are UTC+7 to UTC+9, so a day either side is enough: a query narrows its
        timestamps by these through their index before computing each one's local date.
        """
        return (
            datetime.combine(self.start - timedelta(days=1), time.min, tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC),
        )

    def dated_in_range(self, field: str, *, office_field: str = "office") -> Q:
        """Rows of the offices whose timestamp ``field`` falls on one of their local days in the range.

        One condition per time zone (at most three), whatever the number of offices: the local
        days become instants per zone, so the timestamp's index serves and no query runs per office.
        """
        by_zone: dict[str, list[int]] = defaultdict(list)
        for office in self.offices:
            by_zone[office.timezone].append(office.pk)
        condition = Q(pk__in=[])
        for zone, office_ids in by_zone.items():
            lower = datetime.combine(self.start, time.min, tzinfo=ZoneInfo(zone))
            upper = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
            condition |= Q(**{f"{office_field}_id__in": office_ids, f"{field}__gte": lower, f"{field}__lt": upper})
        return condition

    def case_filter(self, kind: str, *, office_field: str = "office") -> Q:
        """The cases of ``kind`` these filters cover, by their office and type (not by date)."""
        condition = Q(**{f"{office_field}_id__in": self.office_ids})
        case_type = self.type_of(kind)
        if case_type:
            condition &= Q(**{kind_named(kind).type_field: case_type})
        return condition


class Report:
    """One report. Subclasses set the class attributes and write ``rows``.

    ``type_filters`` names the type filters the report understands (``application_type``,
    ``permit_type``), None for every kind's (``type_filters()``); the others are refused as unknown
    parameters, so a filter never seems to apply where it cannot.
    """

    slug: ClassVar[str]
    title: ClassVar[str | Promise]
    description: ClassVar[str | Promise]
    columns: ClassVar[tuple[Column, ...]]
    type_filters: ClassVar[frozenset[str] | None] = None
    # The default range ends today and covers this many days (``default_range``).
    default_days: ClassVar[int] = 30
    # The keys of a row (beside its columns) holding the identifiers of the people it names, for
    # the personal-data access log: a NIK, a passport number. Empty for reports that name nobody.
    people_keys: ClassVar[tuple[str, ...]] = ()

    def type_filter_names(self) -> tuple[str, ...]:
        """The type filters this report understands, in the order of the kinds."""
        return tuple(name for name in type_filters() if self.type_filters is None or name in self.type_filters)

    def default_range(self, today: date) -> tuple[date, date]:
        """The range used when the reader gives none: the last ``default_days`` days, today included."""
        return today - timedelta(days=self.default_days - 1), today

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        """The report's rows, dicts keyed by column name, in the report's order.

        A list, or a queryset of dicts: either can be counted and sliced, so pages read only
        their rows. The number of queries must not grow with the number of offices.
        """
        raise NotImplementedError

    def export_rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        """The rows of an export: streamed from the database, unless the report names people.

        A file of a report that names nobody is written as its rows are read (``Table.values``
        iterates a queryset without keeping it), so an export of any size holds one chunk at a
        time. A report that names people is read once into memory: the access log and the file
        then name the very same rows.
        """
        rows = self.rows(filters)
        return list(rows) if self.people_keys else rows

    def people(self, rows: Iterable[Mapping[str, Any]]) -> list[str]:
        """The identifiers of the people ``rows`` name, each once (for the personal-data access log).

        A report that names nobody answers without reading its rows.
        """
        if not self.people_keys:
            return []
        return list(dict.fromkeys(row[key] for row in rows for key in self.people_keys if row[key]))

    @property
    def class_name(self) -> str:
        """The slug in CamelCase (``office-daily`` → ``OfficeDaily``), to name the classes made for it."""
        return "".join(part.capitalize() for part in self.slug.split("-"))

    def table(self, filters: ReportFilters) -> Table:
        """The report for the exports: the same rows under the same typed columns."""
        return Table(title=self.title, columns=self.columns, rows=self.export_rows(filters))

    def __str__(self) -> str:
        return str(self.title)

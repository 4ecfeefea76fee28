"""Reading the daily rollup for a report: its measures summed over the filters' offices, days and types.

Every measure is keyed by type (``reports.measures``), so a type filter narrows the rollup by its
key; ``held`` is keyed by kind only and is therefore left out when a type filter is given.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum

from casework.kinds import CaseKindSpec, kinds
from casework.reporting import Measure
from reports.definitions.base import ReportFilters
from reports.measures import measure_names
from reports.models import DailyRollup


def _kind_measure(name: str) -> tuple[CaseKindSpec, Measure] | None:
    """The kind whose own measure ``name`` is, and the measure; None for those every kind has."""
    for kind in kinds():
        for measure in kind.measures:
            if measure.name == name:
                return kind, measure
    return None


def _measure_condition(name: str, filters: ReportFilters) -> Q | None:
    """The rollup rows of measure ``name`` the filters cover; None when they cover none."""
    condition = Q(measure=name)
    if name == "held":
        return None if filters.types else condition
    if name == "revenue_idr":
        keys = Q()
        for kind in kinds():
            if filters.includes(kind.name):
                case_type = filters.type_of(kind.name)
                keys |= Q(key=f"{kind.name}:{case_type}") if case_type else Q(key__startswith=f"{kind.name}:")
        return condition & keys
    found = _kind_measure(name)
    if found is None:
        return condition
    kind, measure = found
    if not filters.includes(kind.name):
        return None
    case_type = filters.type_of(kind.name)
    if not case_type:
        return condition
    # A measure keyed otherwise than by type begins its key with the type (``new:appointment``).
    return condition & (Q(key=case_type) if measure.key is None else Q(key__startswith=f"{case_type}:"))


def rollup_totals(
    filters: ReportFilters, *, measures: Iterable[str] | None = None, by: tuple[str, ...] = ("office_id", "day")
) -> QuerySet[DailyRollup, dict[str, Any]]:
    """The measures summed per ``by`` (and measure) over the filters' offices, days and types: one query.

    Each row is a dict of the ``by`` fields, ``measure`` and ``total``; a measure the filters
    exclude has no rows at all, so the caller can tell "not counted" from zero.
    """
    names = measure_names() if measures is None else measures
    conditions = [c for c in (_measure_condition(name, filters) for name in names) if c is not None]
    if not conditions:
        return DailyRollup.objects.none().values(*by, "measure").annotate(total=Sum("value"))
    covered = Q()
    for condition in conditions:
        covered |= condition
    return (
        DailyRollup.objects.filter(office_id__in=filters.office_ids, day__gte=filters.start, day__lte=filters.end)
        .filter(covered)
        .values(*by, "measure")
        .annotate(total=Sum("value"))
        .order_by(*by, "measure")
    )


def excluded_measures(filters: ReportFilters, measures: Iterable[str] | None = None) -> set[str]:
    """The measures the filters leave out entirely (shown empty rather than as zero)."""
    names = measure_names() if measures is None else measures
    return {name for name in names if _measure_condition(name, filters) is None}

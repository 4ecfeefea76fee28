"""Reading the daily rollup for a report: its measures summed over the filters' offices, days and types.

Every measure is keyed by type (``reports.measures``), so a type filter narrows the rollup by its
key; ``held`` is keyed by kind only and is therefore left out when a type filter is given.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum

from casework.kinds import CaseKind
from reports.definitions.base import ReportFilters
from reports.measures import MEASURES
from reports.models import DailyRollup

PASSPORT = CaseKind.PASSPORT.value
PERMIT = CaseKind.PERMIT.value


def measure_kind(measure: str) -> str | None:
    """The kind of case a measure counts; None for those of both (revenue and held)."""
    if measure.startswith(("passport_", "sla_")):
        return PASSPORT
    if measure.startswith("permit_"):
        return PERMIT
    return None


def _measure_condition(measure: str, filters: ReportFilters) -> Q | None:
    """The rollup rows of ``measure`` the filters cover; None when they cover none."""
    kind = measure_kind(measure)
    condition = Q(measure=measure)
    if measure == "held":
        if filters.application_type or filters.permit_type:
            return None
        return condition
    if measure == "revenue_idr":
        kinds = [k for k in (PASSPORT, PERMIT) if filters.includes(k)]
        keys = Q()
        for k in kinds:
            case_type = filters.type_of(k)
            keys |= Q(key=f"{k}:{case_type}") if case_type else Q(key__startswith=f"{k}:")
        return condition & keys
    if not filters.includes(kind):
        return None
    case_type = filters.type_of(kind)
    if not case_type:
        return condition
    if measure == "passport_received":  # keyed type:channel
        return condition & Q(key__startswith=f"{case_type}:")
    return condition & Q(key=case_type)


def rollup_totals(
    filters: ReportFilters, *, measures: Iterable[str] = MEASURES, by: tuple[str, ...] = ("office_id", "day")
) -> QuerySet[DailyRollup, dict[str, Any]]:
    """The measures summed per ``by`` (and measure) over the filters' offices, days and types: one query.

    Each row is a dict of the ``by`` fields, ``measure`` and ``total``; a measure the filters
    exclude has no rows at all, so the caller can tell "not counted" from zero.
    """
    conditions = [c for c in (_measure_condition(m, filters) for m in measures) if c is not None]
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


def excluded_measures(filters: ReportFilters, measures: Iterable[str] = MEASURES) -> set[str]:
    """The measures the filters leave out entirely (shown empty rather than as zero)."""
    return {measure for measure in measures if _measure_condition(measure, filters) is None}

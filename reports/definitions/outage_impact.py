"""Outage impact: per outage and office it covered, how long it lasted, what it held, when that clears.

The numbers are those of the outage impact page (``recovery.impact``), read for every outage of
the range at once: a resolved outage held the cases its release enlisted at the office, and the
office's backlog cleared on the local day its last case was worked or is projected to clear on
the last day of its plan; an active outage holds the cases awaiting a capability it takes down,
projected to clear as if it were resolved today. A slowdown holds nothing, and a resolved outage
without a release neither.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.kinds import kinds
from offices.models import Capability, Office, Outage, OutageScope
from recovery.impact import CLEARED, PROJECTED, daily_capacities, plan_last_day
from recovery.models import ReleaseOffice
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.measures import local_bounds
from reports.routers import report_database

SECONDS_PER_HOUR = 3600

# What an outage held at an office: the cases, the day they cleared or are projected to, and which.
Held = tuple[int, date | None, str]


def _hours(outage: Outage, now: datetime) -> int:
    """The whole hours from declaration to resolution (or now), to the nearest hour."""
    seconds = ((outage.resolved_at or now) - outage.declared_at).total_seconds()
    return int((seconds + SECONDS_PER_HOUR / 2) // SECONDS_PER_HOUR)


def _covering(offices: Sequence[Office]) -> Q:
    """Outages covering any of ``offices``."""
    return (
        Q(scope=OutageScope.NATIONAL)
        | Q(scope=OutageScope.REGION, region_id__in={office.region_id for office in offices})
        | Q(scope=OutageScope.OFFICE, office_id__in=[office.pk for office in offices])
    )


def _released(outage_ids: list[int], office_ids: list[int]) -> dict[tuple[int, int], Held]:
    """Per (resolved outage, office): the cases its release enlisted there, and the clearing date.

    One query. The office's backlog cleared on the local day its last case was worked (or
    withdrawn, held again by a later outage); until every case is, it is projected to clear on
    the last day of the plan.
    """
    if not outage_ids:
        return {}
    parts = (
        ReleaseOffice.objects.using(report_database())
        .filter(release__outage_id__in=outage_ids, office_id__in=office_ids)
        .select_related("office")
        .annotate(
            outage_id=F("release__outage_id"),
            held=Count("entries"),
            remaining=Count("entries", filter=Q(entries__worked_at__isnull=True, entries__withdrawn_at__isnull=True)),
            last_worked=Max(Coalesce("entries__worked_at", "entries__withdrawn_at")),
        )
    )
    released = {}
    for part in parts:
        if not part.held:
            continue
        if part.remaining:
            released[part.outage_id, part.office_id] = (part.held, part.clears_on, PROJECTED)
        else:
            released[part.outage_id, part.office_id] = (part.held, part.office.local_date(part.last_worked), CLEARED)
    return released


def _held_now(outages: list[Outage], offices: Sequence[Office]) -> dict[tuple[int, int], Held]:
    """Per (active blocking outage, office): the cases it holds now, and their projected clearing date.

    One aggregate query per kind of case for every outage and office, then the offices' capacity
    (``recovery.impact.daily_capacities``, three queries) for the projection.
    """
    if not outages:
        return {}
    capabilities = sorted({capability for outage in outages for capability in outage.capabilities})
    waiting: dict[tuple[int, str, str], int] = {}
    for kind in kinds():
        groups = (
            kind.model.objects.using(report_database())
            .filter(office_id__in=[office.pk for office in offices], awaiting__in=capabilities)
            .values("office_id", "awaiting")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for group in groups:
            waiting[group["office_id"], kind.name, group["awaiting"]] = group["count"]
    by_kind = {
        (outage.pk, office.pk): {
            kind.name: sum(waiting.get((office.pk, kind.name, capability), 0) for capability in outage.capabilities)
            for kind in kinds()
        }
        for outage in outages
        for office in offices
        if outage.covers(office)
    }
    holding = {office_id for (_outage_id, office_id), counts in by_kind.items() if any(counts.values())}
    held_offices = [office for office in offices if office.pk in holding]
    if not held_offices:
        return {}
    afters = {office.pk: office.local_today() for office in held_offices}
    database = report_database()
    capacities = daily_capacities(
        offices=held_offices,
        afters=afters,
        active_outages=list(Outage.objects.using(database).active()),
        using=database,
    )
    held = {}
    for (outage_id, office_id), counts in by_kind.items():
        total = sum(counts.values())
        if not total:
            continue
        last_days = [
            plan_last_day(total=count, after=afters[office_id], capacity=capacities[office_id, kind])
            for kind, count in counts.items()
            if count
        ]
        held[outage_id, office_id] = (total, None if None in last_days else max(last_days), PROJECTED)
    return held


class OutageImpactReport(Report):
    slug = "outage-impact"
    title = _("Outage impact")
    description = _(
        "Per outage in effect during the range (in each office's local dates) and per office it "
        "covered: how long it lasted in whole hours (from its declaration to its resolution, or to "
        "now while active, not cut to the range), the cases it held and the day they cleared or are "
        "projected to clear. A resolved outage held the cases its release enlisted at the office; an "
        "active one holds the cases waiting now for a capability it takes down, projected as if it "
        "were resolved today. Slowdowns hold nothing. By default the last 90 days."
    )
    columns = (
        Column("outage", _("outage"), "int"),
        Column("scope", _("scope")),
        Column("capabilities", _("capabilities down")),
        Column("capacity_percent", _("remaining capacity (%)"), "int"),
        Column("declared_at", _("declared at"), "datetime"),
        Column("resolved_at", _("resolved at"), "datetime"),
        Column("hours_down", _("hours down"), "int"),
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("cases_held", _("cases held"), "int"),
        Column("clears_on", _("cleared or clears on"), "date"),
        Column("clearing", _("cleared or projected")),
    )
    type_filters = frozenset()
    default_days = 90

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        """A fixed number of queries whatever the offices and outages: at most seven."""
        offices = [office for office in filters.offices if office.is_active]
        if not offices:
            return []
        bounds = {office.pk: local_bounds(office, filters.start, filters.end) for office in offices}
        outages = list(
            Outage.objects.using(report_database())
            .select_related("region", "office")
            .filter(_covering(offices), declared_at__lt=max(upper for _lower, upper in bounds.values()))
            .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=min(lower for lower, _upper in bounds.values())))
            .order_by("declared_at", "id")
        )
        covered = [
            (outage, office)
            for outage in outages
            for office in offices
            if outage.covers(office)
            and outage.declared_at < bounds[office.pk][1]
            and (outage.resolved_at is None or outage.resolved_at >= bounds[office.pk][0])
        ]
        blocking = [outage for outage in outages if not outage.is_degraded]
        covered_offices = {office.pk: office for _outage, office in covered}
        held = {
            **_released([outage.pk for outage in blocking if not outage.is_active], list(covered_offices)),
            **_held_now([outage for outage in blocking if outage.is_active], list(covered_offices.values())),
        }
        now = timezone.now()
        rows = []
        for outage, office in covered:
            cases_held, clears_on, clearing = held.get((outage.pk, office.pk), (0, None, None))
            rows.append(
                {
                    "outage": outage.pk,
                    "scope": outage.scope_label,
                    "capabilities": ", ".join(str(Capability(capability).label) for capability in outage.capabilities),
                    "capacity_percent": outage.capacity_percent,
                    "declared_at": outage.declared_at,
                    "resolved_at": outage.resolved_at,
                    "hours_down": _hours(outage, now),
                    "office": office.code,
                    "office_name": office.name,
                    "cases_held": cases_held,
                    "clears_on": clears_on,
                    "clearing": clearing,
                }
            )
        return rows

"""The impact of an outage: which offices it held cases at, how many per capability, until when.

Read side only. An active outage's numbers are live: the cases that wait now for a capability it
names, at the offices it covers, and a projected clearing date per office as if it were resolved
today (the release's own plan, computed without storing it). A resolved outage's numbers are its
release's: what was enlisted, and per office either the day its last case was worked or the last
day of its plan. A slowdown blocks nothing, so it holds nothing.

Every read is one set-based query whatever the number of offices, and takes a ``Scope``: rows and
totals cover only the offices the reader may see, so no other office's numbers reach them.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.kinds import CaseKindSpec, kinds
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_offices
from offices.selectors import Scope
from recovery.models import BacklogPeak, RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice
from recovery.schedule import DailyCapacity, plan_allocate
from recovery.services import daily_capacity_build

# What the numbers of an impact are read from.
BASIS_HELD = "held"  # an active outage: cases held now
BASIS_RELEASE = "release"  # a resolved outage: its release's entries
BASIS_NONE = "none"  # a slowdown, or a resolved outage without a release: nothing held

# A release's entry still to be worked: neither worked nor withdrawn (a later outage holds its case).
OPEN_ENTRY = Q(worked_at__isnull=True, withdrawn_at__isnull=True)
# When an entry left the office's queue, worked or withdrawn.
ENTRY_CLOSED_AT = Coalesce("worked_at", "withdrawn_at")

# Whether an office's date is the day its backlog was cleared or the day it is expected to be.
CLEARED = "cleared"
PROJECTED = "projected"


@dataclass(frozen=True)
class CapabilityCount:
    capability: str
    count: int

    @property
    def label(self) -> str:
        return str(Capability(self.capability).label)


@dataclass(frozen=True)
class OfficeImpact:
    """One office's part: cases held per capability, how many are still to be worked, its date.

    ``clears_on`` is None when no date can be given: a release still counting this office, or a
    queue without capacity to serve it within the planning horizon.
    """

    office: Office
    held: tuple[CapabilityCount, ...]
    held_total: int
    peak: int
    remaining: int
    clears_on: date | None
    clearing: str
    # When the office first held ``peak`` cases; None where no peak was recorded (``_with_peaks``).
    peak_reached_at: datetime | None = None


@dataclass(frozen=True)
class Impact:
    """An outage's impact over the offices a reader may see."""

    outage: Outage
    basis: str
    # True while the release is still counting offices: the numbers may still grow.
    counting: bool
    offices_covered: int
    offices: tuple[OfficeImpact, ...]
    held: tuple[CapabilityCount, ...]
    held_total: int
    peak: int
    remaining: int
    clears_on: date | None
    clearing: str | None
    # The latest of the offices' peak moments: when the last of them reached its peak.
    peak_reached_at: datetime | None = None
    # The active slowdowns covering affected offices: the projection serves at their share.
    slowdowns: tuple[Outage, ...] = ()

    @property
    def offices_affected(self) -> int:
        return len(self.offices)


def outage_impact(outage: Outage, *, scope: Scope | None = None, today: date | None = None) -> Impact:
    """The impact of ``outage`` at the offices of ``scope`` (None: every office).

    ``today`` replaces each office's local date as the day an active outage's projection starts
    after; the default, the office's own today, is what a reader wants and what a test cannot fix.
    """
    scope = scope or Scope(everything=True)
    offices_covered = outage_offices(outage).filter(scope.filter_for("")).count()
    release = None
    slowdowns: tuple[Outage, ...] = ()
    if outage.is_degraded:
        basis, rows = BASIS_NONE, []
    elif outage.is_active:
        basis, (rows, slowdowns) = BASIS_HELD, _held_rows(outage=outage, scope=scope, today=today)
    else:
        release = Release.objects.filter(outage=outage).first()
        if release is None:
            basis, rows = BASIS_NONE, []
        else:
            basis, rows = BASIS_RELEASE, _release_rows(release=release, scope=scope, outage=outage)
    rows = _with_peaks(outage, rows)
    dates = [row.clears_on for row in rows]
    known = [day for day in dates if day is not None]
    moments = [row.peak_reached_at for row in rows if row.peak_reached_at is not None]
    clearing = None
    if rows:
        clearing = CLEARED if all(row.clearing == CLEARED for row in rows) else PROJECTED
    return Impact(
        outage=outage,
        basis=basis,
        counting=release is not None and release.enlisted_at is None,
        offices_covered=offices_covered,
        offices=tuple(rows),
        held=tuple(
            CapabilityCount(capability, sum(row.held[index].count for row in rows))
            for index, capability in enumerate(outage.capabilities)
        ),
        held_total=sum(row.held_total for row in rows),
        peak=sum(row.peak for row in rows),
        peak_reached_at=max(moments, default=None),
        slowdowns=slowdowns,
        remaining=sum(row.remaining for row in rows),
        # The whole backlog clears with its last office; unknown if any office's date is.
        clears_on=max(known) if known and len(known) == len(dates) else None,
        clearing=clearing,
    )


def _with_peaks(outage: Outage, rows: list[OfficeImpact]) -> list[OfficeImpact]:
    """``rows`` with each office's peak: the most cases held at once, as recorded while the outage ran.

    One query. Never below what the row counts now (held now, or enlisted): a count the outage
    holds that no recording saw yet (a task lost with the broker) is a peak reached now at the
    latest, and an outage resolved before peaks were recorded keeps what its release enlisted.
    """
    if not rows:
        return rows
    stored = {
        peak.office_id: peak
        for peak in BacklogPeak.objects.filter(outage=outage, office_id__in=[row.office.pk for row in rows])
    }
    result = []
    for row in rows:
        peak = stored.get(row.office.pk)
        if peak is not None and peak.held >= row.peak:
            row = replace(row, peak=peak.held, peak_reached_at=peak.reached_at)
        elif outage.is_active:
            row = replace(row, peak_reached_at=timezone.now())
        result.append(row)
    return result


def _capability_counts(outage: Outage, counts: dict[str, int]) -> tuple[CapabilityCount, ...]:
    return tuple(CapabilityCount(capability, counts.get(capability, 0)) for capability in outage.capabilities)


def _held_rows(*, outage: Outage, scope: Scope, today: date | None) -> tuple[list[OfficeImpact], tuple[Outage, ...]]:
    """An active outage: one aggregate query per kind of case, then each office's projection.

    The peak is set from the recorded peaks afterwards (``_with_peaks``).
    """
    offices_in_scope = outage_offices(outage).filter(scope.filter_for(""))
    by_office: dict[int, dict[str, int]] = {}
    by_kind: dict[tuple[int, str], int] = {}
    for kind in kinds():
        rows = (
            kind.model.objects.filter(office__in=offices_in_scope, awaiting__in=outage.capabilities)
            .values("office_id", "awaiting")
            .annotate(count=Count("id"))
            .order_by()
        )
        for row in rows:
            counts = by_office.setdefault(row["office_id"], {})
            counts[row["awaiting"]] = counts.get(row["awaiting"], 0) + row["count"]
            key = (row["office_id"], kind.name)
            by_kind[key] = by_kind.get(key, 0) + row["count"]
    if not by_office:
        return [], ()
    offices = Office.objects.select_related("region").in_bulk(list(by_office))
    afters = {office_id: today or office.local_today() for office_id, office in offices.items()}
    active = list(Outage.objects.active().order_by("declared_at", "id"))
    capacities = daily_capacities(offices=list(offices.values()), afters=afters, active_outages=active)
    slowdowns = tuple(
        other for other in active if other.is_degraded and any(other.covers(office) for office in offices.values())
    )
    result = []
    for office in sorted(offices.values(), key=lambda office: office.code):
        counts = by_office[office.pk]
        total = sum(counts.values())
        last_days = [
            plan_last_day(
                total=by_kind[(office.pk, kind.name)],
                after=afters[office.pk],
                capacity=capacities[office.pk, kind.name],
            )
            for kind in kinds()
            if by_kind.get((office.pk, kind.name))
        ]
        result.append(
            OfficeImpact(
                office=office,
                held=_capability_counts(outage, counts),
                held_total=total,
                peak=total,
                remaining=total,
                clears_on=None if None in last_days else max(last_days),
                clearing=PROJECTED,
            )
        )
    return result, slowdowns


def plan_last_day(*, total: int, after: date, capacity: DailyCapacity) -> date | None:
    """The last day of the plan that would serve ``total`` cases; None if no capacity can."""
    try:
        plan = plan_allocate(total=total, after=after, capacity=capacity)
    except ValueError:
        return None
    return plan[-1][0]


def daily_capacities(
    *, offices: list[Office], afters: dict[int, date], active_outages: list[Outage], using: str = DEFAULT_DB_ALIAS
) -> dict[tuple[int, str], DailyCapacity]:
    """``office_daily_capacity`` of each office and kind, read in two queries for all offices.

    The same capacity as the release will use: the office head's overtime and Saturday sessions,
    the slowdowns still running and the days earlier releases have already promised. ``using``
    names the database to read them from: the reports read theirs from the reports' replica.
    """
    office_ids = [office.pk for office in offices]
    boosts: dict[tuple[int, str], list[RecoveryCapacity]] = {}
    earliest = min(afters.values())
    for row in (
        RecoveryCapacity.objects.using(using)
        .filter(office_id__in=office_ids, ends_on__gt=earliest)
        .order_by("office_id", "starts_on")
    ):
        if row.ends_on > afters[row.office_id]:
            boosts.setdefault((row.office_id, row.kind), []).append(row)
    plans: dict[int, list[ReleaseOffice]] = {}
    for part in (
        ReleaseOffice.objects.using(using)
        .filter(office_id__in=office_ids)
        .exclude(plan={})
        .only("office_id", "plan", "freed")
    ):
        plans.setdefault(part.office_id, []).append(part)
    capacities = {}
    for office in offices:
        after = afters[office.pk]
        for kind in kinds():
            capacities[office.pk, kind.name] = daily_capacity_build(
                office=office,
                kind=kind,
                after=after,
                capacities=boosts.get((office.pk, kind.name), []),
                plans=plans.get(office.pk, []),
                active_outages=active_outages,
            )
    return capacities


def _release_rows(*, release: Release, scope: Scope, outage: Outage) -> list[OfficeImpact]:
    """A resolved outage: its release's entries per office and capability, in one query.

    Everything the release enlisted was held at once, so the peak is at least the number
    enlisted (``_with_peaks`` raises it to the recorded one). An office whose every entry is
    worked (or withdrawn: a later outage holds its case again) cleared on the office-local day of
    the last; any other is projected to clear on the last day of its plan.
    """
    counts: dict[int, dict[str, int]] = {}
    remaining: dict[int, int] = {}
    last_worked: dict[int, datetime] = {}
    rows = (
        ReleaseEntry.objects.filter(release_office__release=release)
        .filter(scope.filter_for("office"))
        .values("office_id", "capability")
        .annotate(count=Count("id"), remaining=Count("id", filter=OPEN_ENTRY), last=Max(ENTRY_CLOSED_AT))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["office_id"], {})[row["capability"]] = row["count"]
        remaining[row["office_id"]] = remaining.get(row["office_id"], 0) + row["remaining"]
        if row["last"] is not None:
            last_worked[row["office_id"]] = max(row["last"], last_worked.get(row["office_id"], row["last"]))
    if not counts:
        return []
    parts = ReleaseOffice.objects.filter(release=release, office_id__in=list(counts)).select_related("office__region")
    result = []
    for part in sorted(parts, key=lambda part: part.office.code):
        office_id = part.office_id
        total = sum(counts[office_id].values())
        cleared = remaining[office_id] == 0
        result.append(
            OfficeImpact(
                office=part.office,
                held=_capability_counts(outage, counts[office_id]),
                held_total=total,
                peak=total,
                remaining=remaining[office_id],
                clears_on=part.office.local_date(last_worked[office_id]) if cleared else part.clears_on,
                clearing=CLEARED if cleared else PROJECTED,
            )
        )
    return result


class _AnyOf(Func):
    """``value = ANY(array)``: an array membership the (office, awaiting) index can serve."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple]:
        value, array = self.source_expressions
        value_sql, value_params = compiler.compile(value)
        array_sql, array_params = compiler.compile(array)
        return f"{value_sql} = ANY({array_sql})", (*value_params, *array_params)


def _count(queryset: QuerySet) -> Expression:
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted), 0)


def _held_now(kind: CaseKindSpec, scope: Scope) -> Expression:
    """Cases of ``kind`` the outer outage holds now, one subquery per scope so each is indexable."""
    cases = kind.model.objects.filter(_AnyOf(F("awaiting"), OuterRef("capabilities")), office__is_active=True).filter(
        scope.filter_for("office")
    )
    return Case(
        When(scope=OutageScope.NATIONAL, then=_count(cases)),
        When(scope=OutageScope.REGION, then=_count(cases.filter(office__region_id=OuterRef("region_id")))),
        default=_count(cases.filter(office_id=OuterRef("office_id"))),
        output_field=IntegerField(),
    )


def outages_with_held(outages: QuerySet[Outage], *, scope: Scope) -> QuerySet[Outage]:
    """``outages`` with ``held_total``: ``outage_impact(...).held_total`` of each, in the same query.

    For a list of outages, where an impact each would cost its queries per row.
    """
    enlisted = ReleaseEntry.objects.filter(release_office__release__outage_id=OuterRef("pk")).filter(
        scope.filter_for("office")
    )
    held_now = _held_now(kinds()[0], scope)
    for kind in kinds()[1:]:
        held_now = held_now + _held_now(kind, scope)
    return outages.annotate(
        held_total=Case(
            When(capacity_percent__isnull=False, then=Value(0)),
            When(resolved_at__isnull=True, then=held_now),
            default=_count(enlisted),
            output_field=IntegerField(),
        )
    )

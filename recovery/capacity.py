"""An office's capacity on a day: its normal daily capacity, reduced by the slowdowns in force that day.

The one rule for every place a capacity is shown or used: the dashboard's today, the office daily
report, the impact projection and the release's plan. A slowdown (an outage with
``capacity_percent``) reduces a queue at an office it covers when it names a capability the queue's
held steps need. It is in force on each local day of the office from the day of its declaration
through the day of its expected end, if announced, and once resolved through the day before the
resolution: like the held count, a day is read as it ends. The lowest share in force applies,
never below one case a day (``recovery.schedule.reduced``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from casework.kinds import CaseKindSpec
from offices.models import Office, Outage, OutageScope
from recovery.schedule import Slowdown, reduced


@dataclass(frozen=True)
class DayCapacity:
    """One queue's capacity at one office on one day, and the slowdowns that reduce it."""

    normal: int
    capacity: int
    slowdowns: tuple[Slowdown, ...]

    @property
    def percent(self) -> int | None:
        """The share in force (the lowest), None when no slowdown reduces the day."""
        return min((slowdown.percent for slowdown in self.slowdowns), default=None)

    @property
    def outage_ids(self) -> tuple[int, ...]:
        return tuple(slowdown.outage_id for slowdown in self.slowdowns if slowdown.outage_id is not None)


def office_slowdowns(*, office: Office, kind: CaseKindSpec, outages: Iterable[Outage]) -> tuple[Slowdown, ...]:
    """The slowdowns among ``outages`` that reduce ``kind``'s queue at ``office``, with their days."""
    slowdowns = []
    for outage in outages:
        if not (outage.is_degraded and outage.covers(office) and kind.capabilities & set(outage.capabilities)):
            continue
        ends = []
        if outage.expected_end is not None:
            ends.append(office.local_date(outage.expected_end))
        if outage.resolved_at is not None:
            ends.append(office.local_date(outage.resolved_at) - timedelta(days=1))
        slowdowns.append(
            Slowdown(
                percent=outage.capacity_percent,
                starts_on=office.local_date(outage.declared_at),
                until=min(ends) if ends else None,
                outage_id=outage.pk,
            )
        )
    return tuple(slowdowns)


def capacity_on(*, office: Office, kind: CaseKindSpec, day: date, outages: Iterable[Outage]) -> DayCapacity:
    """``kind``'s capacity at ``office`` on ``day``, given the slowdowns that may cover it (``outages``)."""
    normal = kind.capacity(office)
    in_force = tuple(
        slowdown for slowdown in office_slowdowns(office=office, kind=kind, outages=outages) if slowdown.in_force(day)
    )
    return DayCapacity(normal=normal, capacity=reduced(normal, in_force), slowdowns=in_force)


def slowdowns_between(
    *, offices: Sequence[Office], start: date, end: date, using: str = DEFAULT_DB_ALIAS
) -> list[Outage]:
    """The slowdowns covering any of ``offices`` that may be in force between ``start`` and ``end``: one query.

    The bounds are a day wider than any office's local day, whatever its zone; ``capacity_on``
    decides each office's days.
    """
    if not offices:
        return []
    lower = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    upper = datetime.combine(end + timedelta(days=2), time.min, tzinfo=UTC)
    return list(
        Outage.objects.using(using)
        .degrading()
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=lower), declared_at__lt=upper)
        .filter(
            Q(scope=OutageScope.NATIONAL)
            | Q(scope=OutageScope.REGION, region_id__in={office.region_id for office in offices})
            | Q(scope=OutageScope.OFFICE, office_id__in=[office.pk for office in offices])
        )
        .order_by("declared_at", "id")
    )

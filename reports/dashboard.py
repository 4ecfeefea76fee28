"""The dashboard's numbers: where each office stands today, and the chosen range day by day.

Everything is read in a fixed number of queries whatever the number of offices: the rollup twice
(the last 30 days per office, the range per day), the case tables once per kind and question
(open cases by step, the oldest open case), the backlog of the active outages, the outages of the
range, and the permits twice (ending soon, protected stay).

The backlog over time is anchored on the cases open now and walked back day by day with the
rollup: the cases open at the end of a day are those open now, less what was received since, plus
what was closed since (handed over or issued, rejected, cancelled). It needs no scan of years of
closed cases to count those open when the range began, and it agrees with the "open by step"
numbers of the table, read from the same statuses.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKindSpec, kinds
from casework.reporting import Measure
from offices.models import Capability, Office, Outage, OutageScope
from permits.models import PermitStatus, StayPermit
from permits.selectors import stay_exceptions
from recovery.backlog import held_cases
from recovery.capacity import capacity_on
from reports.charts import Band, Chart, Series, day_chart
from reports.definitions.base import ReportFilters
from reports.definitions.rollup import rollup_totals
from reports.routers import report_database

SLA = ("sla_met", "sla_breached")

# The SLA compliance of the table covers the last 30 local days of each office, today included.
SLA_DAYS = 30
# Permits ending within this many days from today (both included) are counted as expiring.
EXPIRY_DAYS = 60


def steps() -> tuple[tuple[str, str], ...]:
    """The columns of the "open by step" table: every open status of every kind, each once, in the
    order of the first kind that has it (passports: the permits have all their steps but printed)."""
    labels: dict[str, str] = {}
    for kind in kinds():
        for status in kind.open_statuses:
            labels.setdefault(status, kind.statuses(status).label)
    return tuple(labels.items())


def _measures(flow: str) -> tuple[str, ...]:
    return tuple(name for kind in kinds() for name in kind.measures_of(flow))


def sla_ratio(met: int, breached: int) -> float | None:
    """The share of passports printed within their SLA; None when none was printed."""
    printed = met + breached
    return met / printed if printed else None


@dataclass
class Queue:
    """One kind's figures in an office's line: today's intake against capacity, its open cases."""

    kind: CaseKindSpec
    # Today's capacity, reduced by the slowdowns in force (``recovery.capacity``).
    capacity: int = 0
    # The share of the normal capacity a slowdown leaves today (None: none in force).
    percent: int | None = None
    received: int = 0
    open: dict[str, int] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(self.open.values())

    @property
    def steps(self) -> list[int | None]:
        """The open cases per column of ``steps()``; None for the steps the kind does not have."""
        own = self.kind.open_statuses
        return [self.open.get(step, 0) if step in own else None for step, _label in steps()]

    def add(self, other: "Queue") -> None:
        self.capacity += other.capacity
        self.received += other.received
        for step, count in other.open.items():
            self.open[step] = self.open.get(step, 0) + count


def _queues() -> dict[str, Queue]:
    return {kind.name: Queue(kind=kind) for kind in kinds()}


@dataclass
class OfficeRow:
    """One office's line in the table (``office`` None: the totals line)."""

    office: Office | None
    # One per kind of case, by name, in the order of the kinds.
    queues: dict[str, Queue] = field(default_factory=_queues)
    oldest_reference: str = ""
    oldest_received: datetime | None = None
    oldest_day: date | None = None
    sla_met: int = 0
    sla_breached: int = 0
    held: int = 0
    expiring: int = 0
    protected: int = 0

    @property
    def sla(self) -> float | None:
        return sla_ratio(self.sla_met, self.sla_breached)

    @property
    def open_count(self) -> int:
        return sum(queue.open_count for queue in self.queues.values())

    def add(self, other: "OfficeRow") -> None:
        """Count ``other`` in this (totals) line; the oldest case is the older of the two."""
        for name in ("sla_met", "sla_breached", "held", "expiring", "protected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name, queue in other.queues.items():
            self.queues[name].add(queue)
        if other.oldest_received and (self.oldest_received is None or other.oldest_received < self.oldest_received):
            self.oldest_received, self.oldest_reference, self.oldest_day = (
                other.oldest_received,
                other.oldest_reference,
                other.oldest_day,
            )


@dataclass(frozen=True)
class Overview:
    rows: list[OfficeRow]
    total: OfficeRow
    charts: list[Chart]


def _by_zone(offices: Iterable[Office]) -> dict[str, list[Office]]:
    zones: dict[str, list[Office]] = defaultdict(list)
    for office in offices:
        zones[office.timezone].append(office)
    return zones


def _open_cases(rows: dict[int, OfficeRow], office_ids: list[int]) -> None:
    """Open cases by step and the oldest open case of each office: two queries per kind."""
    database = report_database()
    for kind in kinds():
        open_cases = kind.model._default_manager.using(database).filter(
            office_id__in=office_ids, status__in=kind.open_statuses
        )
        for group in open_cases.values("office_id", "status").annotate(cases=Count("pk")).order_by():
            rows[group["office_id"]].queues[kind.name].open[group["status"]] = group["cases"]
        oldest = open_cases.order_by("office_id", "created_at", "pk").distinct("office_id")
        for case in oldest.values("office_id", "reference", "created_at"):
            row = rows[case["office_id"]]
            if row.oldest_received is None or case["created_at"] < row.oldest_received:
                row.oldest_received, row.oldest_reference = case["created_at"], case["reference"]
                row.oldest_day = row.office.local_date(case["created_at"])


def _held(rows: dict[int, OfficeRow], office_ids: list[int], outages: list[Outage]) -> None:
    """The cases each office has held by the active blocking ``outages`` now: one query per kind."""
    database = report_database()
    if not outages:
        return
    for kind in kinds():
        held = held_cases(kind=kind, outages=outages).using(database).filter(office_id__in=office_ids)
        for office_id, cases in held.values_list("office_id").annotate(cases=Count("pk")).order_by():
            rows[office_id].held += cases


def _recent_rollup(rows: dict[int, OfficeRow], offices: Sequence[Office], today: dict[int, date]) -> None:
    """Today's intake and the last 30 days' SLA of each office, by its own date: one query."""
    filters = ReportFilters(
        offices=tuple(offices), start=min(today.values()) - timedelta(days=SLA_DAYS - 1), end=max(today.values())
    )
    received = {name: kind.name for kind in kinds() for name in kind.measures_of(Measure.RECEIVED)}
    for total in rollup_totals(filters, measures=(*received, *SLA), by=("office_id", "day")):
        row, day, measure = rows[total["office_id"]], total["day"], total["measure"]
        office_today = today[total["office_id"]]
        if measure in received and day == office_today:
            row.queues[received[measure]].received += total["total"]
        elif measure in SLA and office_today - timedelta(days=SLA_DAYS - 1) <= day <= office_today:
            setattr(row, measure, getattr(row, measure) + total["total"])


def _permits(rows: dict[int, OfficeRow], offices: Sequence[Office], today: dict[int, date]) -> None:
    """Active permits ending in the next 60 days, and people in protected stay: one query each."""
    database = report_database()
    ending = Q(pk__in=[])
    for zone_offices in _by_zone(offices).values():
        first = today[zone_offices[0].pk]
        ending |= Q(
            office_id__in=[office.pk for office in zone_offices],
            valid_until__gte=first,
            valid_until__lte=first + timedelta(days=EXPIRY_DAYS),
        )
    expiring = StayPermit.objects.using(database).filter(ending, status=PermitStatus.ACTIVE)
    for group in expiring.values("office_id").annotate(permits=Count("pk")).order_by():
        rows[group["office_id"]].expiring = group["permits"]
    permits = StayPermit.objects.using(database).filter(office_id__in=list(rows))
    protected = stay_exceptions(permits).filter(protecting_id__isnull=False)
    for group in protected.values("office_id").annotate(people=Count("holder_id", distinct=True)).order_by():
        rows[group["office_id"]].protected = group["people"]


def _capacities(office: Office, today: date, outages: list[Outage]) -> OfficeRow:
    """The office's line with today's capacities, each reduced by the slowdowns in force today."""
    row = OfficeRow(office=office)
    for kind in kinds():
        capacity = capacity_on(office=office, kind=kind, day=today, outages=outages)
        row.queues[kind.name].capacity, row.queues[kind.name].percent = capacity.capacity, capacity.percent
    return row


def office_rows(*, offices: Sequence[Office]) -> tuple[list[OfficeRow], OfficeRow]:
    """Each office's line (in the order given) and the totals line.

    The active outages are read once: the blocking ones hold cases, the slowdowns reduce today's
    capacities (a slowdown is in force today only while active).
    """
    total = OfficeRow(office=None)
    if not offices:
        return [], total
    today = {office.pk: office.local_today() for office in offices}
    active = list(Outage.objects.using(report_database()).active().order_by("declared_at", "id"))
    rows = {office.pk: _capacities(office, today[office.pk], active) for office in offices}
    _recent_rollup(rows, offices, today)
    _open_cases(rows, list(rows))
    _permits(rows, offices, today)
    _held(rows, list(rows), [outage for outage in active if not outage.is_degraded])
    for row in rows.values():
        total.add(row)
    return list(rows.values()), total


def outage_bands(offices: Sequence[Office], start: date, end: date) -> list[Band]:
    """The blocking outages covering any of ``offices`` between ``start`` and ``end``, as days to shade.

    An outage runs from the local date of its declaration to that of its resolution (today while
    active), in the zones of the offices it covers: the earliest and the latest of those dates.
    """
    if not offices:
        return []
    lower = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    upper = datetime.combine(end + timedelta(days=2), time.min, tzinfo=UTC)
    outages = (
        Outage.objects.using(report_database())
        .blocking()
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=lower), declared_at__lt=upper)
        .filter(
            Q(scope=OutageScope.NATIONAL)
            | Q(scope=OutageScope.REGION, region_id__in={office.region_id for office in offices})
            | Q(scope=OutageScope.OFFICE, office_id__in=[office.pk for office in offices])
        )
        .select_related("region", "office")
        .order_by("declared_at", "pk")
    )
    bands = []
    for outage in outages:
        covered = [office for office in offices if outage.covers(office)]
        starts = [office.local_date(outage.declared_at) for office in covered]
        ends = [
            office.local_date(outage.resolved_at) if outage.resolved_at else office.local_today() for office in covered
        ]
        capabilities = ", ".join(str(Capability(capability).label) for capability in outage.capabilities)
        label = _("Outage #%(number)s (%(scope)s): %(capabilities)s") % {
            "number": outage.pk,
            "scope": outage.scope_label,
            "capabilities": capabilities,
        }
        bands.append(Band(start=min(starts), end=max(ends), label=label))
    return bands


def _daily(totals: Iterable[dict], measures: Iterable[str], days: list[date]) -> list[int]:
    wanted = set(measures)
    by_day: dict[date, int] = defaultdict(int)
    for total in totals:
        if total["measure"] in wanted:
            by_day[total["day"]] += total["total"]
    return [by_day.get(day, 0) for day in days]


def range_charts(*, filters: ReportFilters, open_now: int) -> list[Chart]:
    """The three charts of the range: intake and issued, the backlog, the SLA compliance.

    The first two shade the blocking outages that covered the offices.

    The rollup is read from the range's first day through the latest local today of the offices
    (one query), so the backlog can be walked back from the ``open_now`` cases. Days after today
    have no backlog yet.
    """
    latest_today = max((office.local_today() for office in filters.offices), default=filters.end)
    through = max(filters.end, latest_today)
    read = ReportFilters(offices=filters.offices, start=filters.start, end=through)
    received, issued = _measures(Measure.RECEIVED), _measures(Measure.ISSUED)
    closed = (*issued, *_measures(Measure.CLOSED))
    totals = list(rollup_totals(read, measures=(*received, *closed, *SLA), by=("day",)))
    every_day = [filters.start + timedelta(days=i) for i in range((through - filters.start).days + 1)]
    shown = (filters.end - filters.start).days + 1
    days = every_day[:shown]
    received_daily = _daily(totals, received, every_day)
    closed_daily = _daily(totals, closed, every_day)
    backlog: list[int | None] = [None] * len(every_day)
    open_at_end = open_now
    for index in range(len(every_day) - 1, -1, -1):
        if every_day[index] <= latest_today:
            backlog[index] = open_at_end
        open_at_end -= received_daily[index] - closed_daily[index]
    met, breached = _daily(totals, ("sla_met",), days), _daily(totals, ("sla_breached",), days)
    bands = outage_bands(filters.offices, filters.start, filters.end)
    return [
        day_chart(
            slug="intake",
            title=_("Applications received and issued per day"),
            start=filters.start,
            series=[
                Series(_("received"), received_daily[:shown]),
                Series(_("issued or handed over"), _daily(totals, issued, days)),
            ],
            bands=bands,
        ),
        day_chart(
            slug="backlog",
            title=_("Open cases at the end of each day"),
            start=filters.start,
            series=[Series(_("open cases"), backlog[:shown], style="line")],
            bands=bands,
        ),
        day_chart(
            slug="sla",
            title=_("Passports printed within their SLA, per day"),
            start=filters.start,
            series=[
                Series(_("SLA compliance"), [sla_ratio(m, b) for m, b in zip(met, breached, strict=True)], "line", True)
            ],
        ),
    ]


def dashboard_overview(*, filters: ReportFilters) -> Overview:
    """The dashboard of ``filters.offices``, which ``report_filters`` keeps within what the reader oversees."""
    rows, total = office_rows(offices=filters.offices)
    return Overview(rows=rows, total=total, charts=range_charts(filters=filters, open_now=total.open_count))

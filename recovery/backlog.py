"""The backlog: which cases an outage holds, per office and capability, and in which order.

A case is held when the capability its next step needs (``awaiting``) is taken down at its office
by an active outage that blocks (a slowdown blocks nothing). There are only ever a few active
outages, so the condition is built in Python from them, one term per outage (its scope AND the
capabilities it names), and the database does the counting: one aggregate query per kind of case,
grouped by office and capability, whatever the number of offices or cases.

Who reads the backlog: office heads (their office), regional supervisors (their region), national
administrators and API clients (their scope, national or an office's). Other office staff see each
case's ``held_by`` on the case itself; the backlog is for those who plan the recovery.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, Count, Min, Q, QuerySet, Value

from casework.kinds import CaseKindSpec, kinds
from offices.models import Office, Outage, Region
from offices.selectors import Scope, overseen_scope

# The columns of one held case in the case list, the same for both kinds so they can be merged.
HELD_CASE_FIELDS = (
    "id",
    "reference",
    "office_id",
    "office__code",
    "office__region_id",
    "status",
    "awaiting",
    "ready_at",
)


@dataclass(frozen=True)
class BacklogRow:
    """The cases of one kind held at one office for one capability."""

    office: Office
    kind: str
    capability: str
    held: int
    oldest_ready_at: datetime
    # The active outages that hold these cases, oldest first: more than one where they overlap.
    outages: tuple[int, ...]


def backlog_outages(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Outage]:
    """The outages that may hold cases in ``user``'s backlog: national ones and those of their offices.

    Resolved ones and slowdowns included: a filter on them is valid and simply finds nothing held.
    """
    scope = overseen_scope(user)
    outages = Outage.objects.select_related("region", "office")
    if scope.everything:
        return outages
    return outages.covering(Office.objects.filter(scope.filter_for("")))


def blocking_outages(*, using: str = DEFAULT_DB_ALIAS) -> list[Outage]:
    """The active outages that take capabilities down, oldest first: the few the backlog is made of.

    ``using`` names the database to read them from: the reports read theirs from the replica.
    """
    return list(Outage.objects.using(using).active().blocking().order_by("declared_at", "id"))


def held_condition(outages: Iterable[Outage]) -> Q:
    """Cases held by any of ``outages``: one term per outage, its offices AND its capabilities."""
    condition = Q(pk__in=[])
    for outage in outages:
        if outage.is_active and not outage.is_degraded:
            condition |= outage.coverage(prefix="office__") & Q(awaiting__in=sorted(outage.capabilities))
    return condition


def held_cases(*, kind: CaseKindSpec, outages: Iterable[Outage]) -> QuerySet:
    """The cases of ``kind`` held by ``outages`` (pass the active blocking ones); none without any."""
    return kind.model.objects.filter(held_condition(outages))


def holding_outages(outages: Sequence[Outage], *, office_id: int, region_id: int, capability: str) -> tuple[int, ...]:
    """Ids of the ``outages`` that take ``capability`` down at the office, known by its ids only."""
    office = Office(pk=office_id, region_id=region_id)
    return tuple(outage.pk for outage in outages if capability in outage.capabilities and outage.covers(office))


def _filtered(
    queryset: QuerySet,
    *,
    scope: Scope,
    office: Office | None,
    region: Region | None,
    capability: str | None,
) -> QuerySet:
    """``queryset`` narrowed to the scope, then to the filters: a filter never widens the scope."""
    queryset = queryset.filter(scope.filter_for("office"))
    if office is not None:
        queryset = queryset.filter(office_id=office.pk)
    if region is not None:
        queryset = queryset.filter(office__region_id=region.pk)
    if capability:
        queryset = queryset.filter(awaiting=capability)
    return queryset


def _holding(outages: list[Outage], outage: Outage | None) -> list[Outage]:
    """The outages whose cases to list: all active blocking ones, or the one filtered on if it is one."""
    if outage is None:
        return outages
    return [candidate for candidate in outages if candidate.pk == outage.pk]


def backlog_visible_to(
    user: AbstractBaseUser | AnonymousUser,
    *,
    office: Office | None = None,
    region: Region | None = None,
    capability: str | None = None,
    outage: Outage | None = None,
) -> list[BacklogRow]:
    """The backlog ``user`` reads, one row per office, kind and capability, by office code.

    Costs the read of the active outages and one aggregate query per kind of case. With
    ``outage``, only the cases that outage holds; each row still names every outage holding them.
    """
    scope = overseen_scope(user)
    if scope.is_empty:
        return []
    outages = blocking_outages()
    holding = _holding(outages, outage)
    if not holding:
        return []
    rows: list[BacklogRow] = []
    for kind in kinds():
        groups = (
            _filtered(
                held_cases(kind=kind, outages=holding), scope=scope, office=office, region=region, capability=capability
            )
            .values("office_id", "office__code", "office__name", "office__region_id", "office__timezone", "awaiting")
            .annotate(held=Count("pk"), oldest=Min("ready_at"))
            .order_by()
        )
        for group in groups:
            group_office = Office(
                pk=group["office_id"],
                code=group["office__code"],
                name=group["office__name"],
                region_id=group["office__region_id"],
                timezone=group["office__timezone"],
            )
            rows.append(
                BacklogRow(
                    office=group_office,
                    kind=kind.name,
                    capability=group["awaiting"],
                    held=group["held"],
                    oldest_ready_at=group["oldest"],
                    outages=holding_outages(
                        outages,
                        office_id=group["office_id"],
                        region_id=group["office__region_id"],
                        capability=group["awaiting"],
                    ),
                )
            )
    kind_order = {kind.name: index for index, kind in enumerate(kinds())}
    rows.sort(key=lambda row: (row.office.code, kind_order[row.kind], row.capability))
    return rows


# The list of held cases ---------------------------------------------------------------------------

# A place in the fair order: (ready_at, id, kind). Ids repeat across the two tables, the kind
# breaks such a tie, so every held case has exactly one place.
Key = tuple[datetime, int, str]


@dataclass(frozen=True)
class HeldCases:
    """The held cases ``user`` reads, one query set of rows per kind, and the outages holding them.

    Each row is a dict of ``HELD_CASE_FIELDS`` plus ``kind``; ``held_by`` is added to the rows a
    page returns. ``ordered()`` merges the kinds in fair order (ready_at, then id) in one query;
    ``page()`` reads one page after or before a place in that order, also in one query.
    """

    # (kind, its rows), in the order of ``kinds()``.
    querysets: tuple[tuple[str, QuerySet], ...]
    outages: tuple[Outage, ...]

    def ordered(self) -> QuerySet:
        """Both kinds in fair order, as one UNION ALL query set (to count and slice)."""
        first, *others = (queryset for _kind, queryset in self.querysets)
        return first.union(*others, all=True).order_by("ready_at", "id", "kind")

    def page(self, *, size: int, after: Key | None = None, before: Key | None = None) -> tuple[list[dict], bool]:
        """Up to ``size`` rows after ``after`` (or before ``before``), in fair order; and whether more follow.

        "More" is in the direction read: after the last row reading forward, before the first
        reading backward.
        """
        backward = before is not None
        key = before if backward else after
        branches = []
        for kind, queryset in self.querysets:
            if key is not None:
                queryset = queryset.filter(_beyond(key, kind=kind, backward=backward))
            order = ("-ready_at", "-id") if backward else ("ready_at", "id")
            branches.append(queryset.order_by(*order)[: size + 1])
        first, *others = branches
        order = ("-ready_at", "-id", "-kind") if backward else ("ready_at", "id", "kind")
        rows = list(first.union(*others, all=True).order_by(*order)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backward:
            rows.reverse()
        for row in rows:
            row["held_by"] = self.held_by(row)
        return rows, more

    def held_by(self, row: dict[str, Any]) -> tuple[int, ...]:
        """Ids of the active outages holding the case of ``row``, oldest first."""
        return holding_outages(
            self.outages, office_id=row["office_id"], region_id=row["office__region_id"], capability=row["awaiting"]
        )


def row_key(row: dict[str, Any]) -> Key:
    """A row's place in the fair order."""
    return (row["ready_at"], row["id"], row["kind"])


def _beyond(key: Key, *, kind: str, backward: bool) -> Q:
    """Rows of ``kind`` strictly after ``key`` in fair order (strictly before, ``backward``)."""
    ready_at, case_id, key_kind = key
    if backward:
        same_id_counts = kind < key_kind
        return Q(ready_at__lt=ready_at) | Q(ready_at=ready_at, **{"id__lte" if same_id_counts else "id__lt": case_id})
    same_id_counts = kind > key_kind
    return Q(ready_at__gt=ready_at) | Q(ready_at=ready_at, **{"id__gte" if same_id_counts else "id__gt": case_id})


def held_cases_visible_to(
    user: AbstractBaseUser | AnonymousUser,
    *,
    office: Office | None = None,
    region: Region | None = None,
    capability: str | None = None,
    outage: Outage | None = None,
) -> HeldCases:
    """The held cases ``user`` reads, both kinds, with the same filters as ``backlog_visible_to``.

    Reads the active outages now; the rows are read by ``HeldCases.ordered`` or ``HeldCases.page``.
    """
    scope = overseen_scope(user)
    outages = blocking_outages() if not scope.is_empty else []
    holding = _holding(outages, outage)
    querysets = tuple(
        (
            str(kind.name),
            _filtered(
                held_cases(kind=kind, outages=holding), scope=scope, office=office, region=region, capability=capability
            )
            .annotate(kind=Value(str(kind.name), output_field=CharField()))
            .values(*HELD_CASE_FIELDS, "kind")
            .order_by(),
        )
        for kind in kinds()
    )
    return HeldCases(querysets=querysets, outages=tuple(outages))

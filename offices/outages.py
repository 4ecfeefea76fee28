"""Outages: declaring and resolving them, and the guard every capability-needing step takes.

The guard is transactional. A transition that needs a capability locks its office's
``CapabilityState`` row ``FOR SHARE`` inside its own transaction and only then looks for active
outages; a declaration locks the same rows ``FOR UPDATE`` before inserting the outage. Whichever
commits first wins, and no approval or print can commit after a declaration has committed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.models import Capability, CapabilityState, Office, Outage, OutageScope, Region, outage_coverage
from offices.roles import Role
from offices.selectors import Scope, user_scope
from plumbing.refusals import Refusal

# How far ahead an announced end may lie. Beyond it the value is a typing slip, not an estimate,
# and a bound keeps every stored end readable (a year-1 end, moved to UTC, is a year PostgreSQL
# accepts and psycopg cannot read back).
EXPECTED_END_HORIZON = relativedelta(years=1)

# Sent inside the transaction that resolves an outage (argument: outage), so that what the
# outage held is released exactly when, and only if, the resolution commits.
outage_resolved = Signal()
# Sent inside the transaction of every change to an outage, its declaration and its resolution
# (argument: outage): what the outage holds is counted by day, and those counts follow it.
outage_changed = Signal()


class OutageActive(Refusal):
    """A step was refused because an active outage takes down the capability it needs.

    It keeps the outages themselves (``outages``, oldest first) and the ``capability`` they take
    down: the admin words them in the office's time, and the API renders the outages with its
    serializer (``offices.api.refusals``). ``extra`` holds the capability alone.
    """

    status_code = 409
    default_code = "outage-active"

    def __init__(self, *, outages: list[Outage], capability: str, office: Office) -> None:
        first = outages[0]
        detail = _(
            "%(capability)s is unavailable at this office because of an outage declared %(since)s: %(reason)s"
        ) % {
            "capability": Capability(capability).label,
            "since": timezone.localtime(first.declared_at, office.zone).strftime("%Y-%m-%d %H:%M %Z"),
            "reason": first.reason,
        }
        headers = {}
        if first.expected_end and first.expected_end > timezone.now():
            headers["Retry-After"] = str(int((first.expected_end - timezone.now()).total_seconds()))
        super().__init__(detail, extra={"capability": capability}, headers=headers)
        self.capability = capability
        self.outages = outages


def capability_states_ensure(*, offices: Iterable[Office]) -> None:
    """Create the lock rows of every capability for ``offices`` (idempotent)."""
    CapabilityState.objects.bulk_create(
        [CapabilityState(office=office, capability=capability) for office in offices for capability in Capability],
        ignore_conflicts=True,
    )


def outages_active() -> list[Outage]:
    """Every active outage, oldest first, ready to summarise."""
    return list(Outage.objects.active().select_related("region", "office").order_by("declared_at", "id"))


def outages_blocking(*, office: Office, capability: str) -> list[Outage]:
    """Active outages that take ``capability`` down at ``office`` (no lock: for display).

    A degraded outage (a slowdown) is not among them: the step is allowed at reduced capacity.
    """
    return list(
        Outage.objects.active()
        .blocking()
        .covering(office)
        .filter(capabilities__contains=[capability])
        .select_related("region", "office")
        .order_by("declared_at", "id")
    )


def capability_guard(*, office: Office, capability: str) -> None:
    """Refuse with ``OutageActive`` unless ``capability`` is up at ``office``.

    Must run inside the transaction that then writes the step: the shared lock it takes is held
    until that transaction ends, so no declaration can slip in between the check and the commit.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("capability_guard must run inside the transaction of the step it guards")
    # Lock the row whatever the state: the lock orders us against declarations; never filter on it.
    # The ORM has no FOR SHARE, hence the SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {CapabilityState._meta.db_table} WHERE office_id = %s AND capability = %s FOR SHARE",
            [office.pk, capability],
        )
        if cursor.fetchone() is None:
            raise RuntimeError(f"capability state row missing for office {office.pk} and {capability}")
    blocking = outages_blocking(office=office, capability=capability)
    if blocking:
        raise OutageActive(outages=blocking, capability=capability, office=office)


def _offices_in(*, scope: str, region_id: int | None, office_id: int | None) -> QuerySet[Office]:
    """The offices in service that an outage of ``scope`` would cover: those it locks and acts on."""
    return Office.objects.filter(outage_coverage(scope=scope, region_id=region_id, office_id=office_id), is_active=True)


def outage_offices(outage: Outage) -> QuerySet[Office]:
    """The offices in service that ``outage`` covers: all, its region's, or its one office."""
    return _offices_in(scope=outage.scope, region_id=outage.region_id, office_id=outage.office_id)


def outage_can_manage(*, actor: AbstractBaseUser, scope: str, region: Region | None, office: Office | None) -> bool:
    """National outages by a national administrator; a region's by its supervisor; an office's by its head.

    A wider role covers the narrower scopes inside it: a regional supervisor may declare for one
    office of their region, a national administrator for anything.
    """
    if user_scope(actor, roles={Role.NATIONAL_ADMIN}).everything:
        return True
    supervised: Scope = user_scope(actor, roles={Role.REGIONAL_SUPERVISOR})
    if scope == OutageScope.REGION:
        return region is not None and region.pk in supervised.region_ids
    if scope == OutageScope.OFFICE and office is not None:
        headed = user_scope(actor, roles={Role.OFFICE_HEAD})
        return office.pk in headed.office_ids or office.region_id in supervised.region_ids
    return False


def _lock_states(*, scope: str, region: Region | None, office: Office | None, capabilities: Iterable[str]) -> None:
    list(
        CapabilityState.objects.select_for_update()
        .filter(
            office__in=_offices_in(
                scope=scope, region_id=region.pk if region else None, office_id=office.pk if office else None
            ),
            capability__in=list(capabilities),
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def outage_expected_end_check(*, expected_end: datetime | None) -> None:
    """Refuse an announced end unless it lies after now and at most ``EXPECTED_END_HORIZON`` ahead.

    Every path that lets a user set an outage's expected end (the admin form, the API) goes
    through here, so they refuse the same values with the same codes.
    """
    if expected_end is None:
        return
    now = timezone.now()
    if expected_end <= now:
        raise ValidationError(
            {"expected_end": ValidationError(_("The expected end must be in the future."), code="in-past")}
        )
    if expected_end > now + EXPECTED_END_HORIZON:
        raise ValidationError(
            {"expected_end": ValidationError(_("The expected end must be at most a year from now."), code="too-far")}
        )


@transaction.atomic
def outage_declare(
    *,
    actor: AbstractBaseUser,
    scope: str,
    capabilities: list[str],
    reason: str,
    region: Region | None = None,
    office: Office | None = None,
    expected_end: datetime | None = None,
    capacity_percent: int | None = None,
) -> Outage:
    """Declare an outage; with ``capacity_percent``, a slowdown that reduces rather than blocks."""
    if not outage_can_manage(actor=actor, scope=scope, region=region, office=office):
        raise PermissionDenied(_("You may not declare an outage for this scope."))
    outage_expected_end_check(expected_end=expected_end)
    outage = Outage(
        scope=scope,
        region=region,
        office=office,
        capabilities=sorted(set(capabilities)),
        reason=reason,
        declared_by=actor,
        expected_end=expected_end,
        capacity_percent=capacity_percent,
    )
    outage.full_clean()
    _lock_states(scope=scope, region=region, office=office, capabilities=outage.capabilities)
    outage.save()
    outage_changed.send(sender=Outage, outage=outage)
    return outage


@transaction.atomic
def outage_resolve(*, actor: AbstractBaseUser, outage: Outage, note: str = "") -> Outage:
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not outage_can_manage(actor=actor, scope=outage.scope, region=outage.region, office=outage.office):
        raise PermissionDenied(_("You may not resolve this outage."))
    if not outage.is_active:
        raise Refusal(_("This outage is already resolved."), "outage-already-resolved", status_code=409)
    _lock_states(scope=outage.scope, region=outage.region, office=outage.office, capabilities=outage.capabilities)
    outage.resolved_by = actor
    outage.resolved_at = timezone.now()
    outage.resolution_note = note
    outage.save(update_fields=["resolved_by", "resolved_at", "resolution_note"])
    outage_resolved.send(sender=Outage, outage=outage)
    outage_changed.send(sender=Outage, outage=outage)
    return outage


def outages_visible_to(user: AbstractBaseUser) -> QuerySet[Outage]:
    """National outages, and those of regions and offices in the user's scope."""
    scope = user_scope(user)
    queryset = Outage.objects.select_related("region", "office", "declared_by", "resolved_by")
    if scope.everything:
        return queryset
    return queryset.filter(
        Q(scope=OutageScope.NATIONAL)
        | Q(region_id__in=sorted(scope.region_ids))
        | Q(region__offices__in=sorted(scope.office_ids))
        | (Q(office__isnull=False) & scope.filter_for("office"))
    ).distinct()


def outages_covering_user(user: AbstractBaseUser | AnonymousUser) -> list[Outage]:
    """The active outages that cover any office in the user's scope, oldest first: the admin banner.

    Everyone who works at an affected office must see the outage on every page, so this runs on
    every admin page and costs one query (plus the memberships ``user_scope`` reads once per
    request). A national outage covers everyone, a region's covers its offices and the region's
    supervisors, an office's covers its staff and its region's supervisors; a user with no
    membership sees none.

    Each outage carries ``viewer_zone``, the time zone to show its times in: the zone of the user's
    office (the first by id, if several), the default zone (``TIME_ZONE``, Asia/Jakarta) for users
    with no office membership, whose scope spans zones. It is read in the same query.
    """
    scope = user_scope(user)
    if scope.is_empty:
        return []
    outages = Outage.objects.active().select_related("region", "office").order_by("declared_at", "id")
    if not scope.everything:
        offices_in_regions = Office.objects.filter(region_id__in=sorted(scope.region_ids)).values("pk")
        regions_of_offices = Office.objects.filter(pk__in=sorted(scope.office_ids)).values("region_id")
        outages = outages.filter(
            Q(scope=OutageScope.NATIONAL)
            | Q(scope=OutageScope.REGION, region_id__in=sorted(scope.region_ids))
            | Q(scope=OutageScope.REGION, region_id__in=regions_of_offices)
            | Q(scope=OutageScope.OFFICE, office_id__in=sorted(scope.office_ids))
            | Q(scope=OutageScope.OFFICE, office_id__in=offices_in_regions)
        )
    if scope.office_ids and not scope.everything:
        first_office = Office.objects.filter(pk=min(scope.office_ids)).order_by().values("timezone")[:1]
        outages = outages.annotate(viewer_time_zone=Subquery(first_office))
    default_zone = timezone.get_default_timezone()
    found = list(outages)
    for outage in found:
        zone_name = getattr(outage, "viewer_time_zone", None)
        outage.viewer_zone = ZoneInfo(zone_name) if zone_name else default_zone
    return found


# A capability's state: ``down`` where it is unavailable, ``partial`` (national view only) where it
# is down at some offices, ``degraded`` where only slowdowns name it, ``up`` otherwise.
ServiceState = Literal["up", "degraded", "partial", "down"]


@dataclass(frozen=True)
class CapabilityStatus:
    """One capability's state, and the active outages naming it (slowdowns included)."""

    capability: Capability
    state: ServiceState
    outages: list[Outage]

    @property
    def label(self) -> str:
        return str(self.capability.label)

    @property
    def outage_ids(self) -> list[int]:
        return [outage.pk for outage in self.outages]


@dataclass(frozen=True)
class ServiceStatus:
    """The state of every capability at ``office``, or nationally when it is None, and the outages behind it."""

    office: Office | None
    capabilities: list[CapabilityStatus]
    outages: list[Outage]


def service_status(*, office: Office | None) -> ServiceStatus:
    """Each capability's state, nationally or at ``office``, and the active outages behind it.

    One query. At an office a capability is down when any active outage covering the office takes
    it down; nationally it is down when a national outage does, partial when a region's or an
    office's does. It is degraded when the only outages naming it are slowdowns. The outages come
    with their region and office, ready to be shown.
    """
    queryset = Outage.objects.active().select_related("region", "office").order_by("declared_at", "id")
    if office is not None:
        queryset = queryset.covering(office)
    outages = list(queryset)
    capabilities = []
    for capability in Capability:
        causing = [outage for outage in outages if capability in outage.capabilities]
        down = [outage for outage in causing if not outage.is_degraded]
        state: ServiceState
        if not causing:
            state = "up"
        elif not down:
            state = "degraded"
        elif office is not None or any(outage.scope == OutageScope.NATIONAL for outage in down):
            state = "down"
        else:
            state = "partial"
        capabilities.append(CapabilityStatus(capability=capability, state=state, outages=causing))
    return ServiceStatus(office=office, capabilities=capabilities, outages=outages)

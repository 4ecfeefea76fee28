"""Who may see and act on what: the one place that turns memberships into a data scope.

Every read of scoped data (admin, API, exports, reports) filters through ``Scope.filter_for`` so a
record outside the user's scope simply does not exist for them. Acting needs a role: the same
scope computed from only the memberships that hold one of the roles an action allows.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from offices.models import Membership, Office, Region
from offices.roles import OVERSEEING_ROLES, Role

_CACHE_ATTRIBUTE = "_imigrasi_memberships"

# Roles that see the memberships of the offices they oversee.
_SUPERVISING_ROLES = frozenset({Role.OFFICE_HEAD, Role.REGIONAL_SUPERVISOR, Role.NATIONAL_ADMIN})


@dataclass(frozen=True)
class Scope:
    """A set of offices: everything, or some offices and the offices of some regions."""

    everything: bool = False
    office_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.office_ids or self.region_ids)

    def filter_for(self, office_field: str = "office") -> Q:
        """A filter on a model whose office is reached through ``office_field``.

        ``office_field=""`` filters ``Office`` itself.
        """
        if self.everything:
            return Q()
        office_lookup = f"{office_field}_id" if office_field else "pk"
        region_lookup = f"{office_field}__region_id" if office_field else "region_id"
        condition = Q(pk__in=[])
        if self.office_ids:
            condition |= Q(**{f"{office_lookup}__in": sorted(self.office_ids)})
        if self.region_ids:
            condition |= Q(**{f"{region_lookup}__in": sorted(self.region_ids)})
        return condition

    def contains(self, office: Office) -> bool:
        return self.everything or office.pk in self.office_ids or office.region_id in self.region_ids


def user_memberships(user: AbstractBaseUser | AnonymousUser) -> list[Membership]:
    """The user's memberships, read once per user object (that is, once per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).only("role", "office_id", "region_id", "user_id"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def user_scope(user: AbstractBaseUser | AnonymousUser, *, roles: Iterable[str] | None = None) -> Scope:
    """The offices where ``user`` holds any of ``roles``; with ``roles=None`` the offices they may read.

    Superusers read everything but act only through the roles they hold, like anyone else.
    """
    if roles is None and user.is_authenticated and user.is_superuser:
        return Scope(everything=True)
    wanted = None if roles is None else set(roles)
    office_ids: set[int] = set()
    region_ids: set[int] = set()
    for membership in user_memberships(user):
        if wanted is not None and membership.role not in wanted:
            continue
        if membership.office_id:
            office_ids.add(membership.office_id)
        elif membership.region_id:
            region_ids.add(membership.region_id)
        else:
            return Scope(everything=True)
    return Scope(office_ids=frozenset(office_ids), region_ids=frozenset(region_ids))


def offices_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Office]:
    return Office.objects.filter(user_scope(user).filter_for("")).select_related("region")


def offices_with_role(user: AbstractBaseUser | AnonymousUser, *, roles: Iterable[str]) -> QuerySet[Office]:
    return Office.objects.filter(user_scope(user, roles=roles).filter_for("")).select_related("region")


def overseen_scope(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The offices ``user`` oversees (``OVERSEEING_ROLES``): whose backlog and reports they read.

    A superuser oversees every office, as they read every other record.
    """
    if user.is_authenticated and user.is_superuser:
        return Scope(everything=True)
    return user_scope(user, roles=OVERSEEING_ROLES)


def overseen_offices(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Office]:
    """The offices ``user`` oversees, for choosing one (a filter, an admin page)."""
    return Office.objects.filter(overseen_scope(user).filter_for("")).select_related("region")


def overseen_regions(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """The regions with at least one office ``user`` oversees."""
    return Region.objects.filter(pk__in=overseen_offices(user).values("region_id")).order_by("name")


def memberships_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    """A user's own memberships, plus those at the offices and regions they oversee."""
    queryset = Membership.objects.select_related("user", "office", "region")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    scope = user_scope(user, roles=_SUPERVISING_ROLES)
    if scope.everything:
        return queryset
    return queryset.filter(
        Q(user=user)
        | (Q(office__isnull=False) & scope.filter_for("office"))
        | Q(region_id__in=sorted(scope.region_ids))
    )

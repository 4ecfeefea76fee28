"""Business rules for offices and memberships."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from offices.models import Membership, Office, Region
from offices.roles import GROUP_PERMISSIONS, ROLES_GRANTED_BY_OFFICE_HEAD, STAFF_ROLES, Role
from offices.selectors import user_scope

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PASSPORT_CAPACITY = 400
DEFAULT_PERMIT_CAPACITY = 20


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _apply(instance: Region | Office, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def offices_load(
    *, offices_csv: Path = DATA_DIR / "kantor_imigrasi.csv", regions_csv: Path = DATA_DIR / "regions.csv"
) -> LoadResult:
    """Create or update regions and offices from the project's data files.

    Idempotent: rows are matched by their stable code, only changed fields are written (so
    history records real changes only), and a second run changes nothing.
    """
    created = updated = unchanged = 0
    with regions_csv.open(newline="", encoding="utf-8") as handle:
        region_rows = list(csv.DictReader(handle))
    regions_by_name: dict[str, Region] = {}
    for row in region_rows:
        region, was_created = Region.objects.get_or_create(code=row["code"], defaults={"name": row["province"]})
        if not was_created:
            _apply(region, {"name": row["province"]})
        regions_by_name[region.name] = region

    existing = {office.code: office for office in Office.objects.all()}
    with offices_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                "name": row["office_name"],
                "office_class": row["office_class"],
                "region": regions_by_name[row["region_province"]],
                "city": row["city"],
                "timezone": row["timezone"],
                "tpi": row["tpi"].strip().lower() == "yes",
                "passport_capacity": int(row["passport_capacity"] or DEFAULT_PASSPORT_CAPACITY),
                "permit_capacity": int(row["permit_capacity"] or DEFAULT_PERMIT_CAPACITY),
                "source": row["source"],
            }
            office = existing.get(row["code"])
            if office is None:
                Office.objects.create(code=row["code"], **values)
                created += 1
            elif _apply(office, values):
                updated += 1
            else:
                unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


def membership_can_manage(*, actor: AbstractBaseUser, role: str, office: Office | None, region: Region | None) -> bool:
    """Whether ``actor`` may grant or revoke this role at this scope.

    Superusers and national administrators manage every membership. An office head manages the
    office roles of their own office, and a regional supervisor those of the offices of their
    region, except office head itself (see ``ROLES_GRANTED_BY_OFFICE_HEAD``).
    """
    if actor.is_superuser or user_scope(actor, roles={Role.NATIONAL_ADMIN}).everything:
        return True
    if office is None or region is not None or role not in ROLES_GRANTED_BY_OFFICE_HEAD:
        return False
    return office.pk in user_scope(actor, roles={Role.OFFICE_HEAD}).office_ids or user_scope(
        actor, roles={Role.REGIONAL_SUPERVISOR}
    ).contains(office)


def user_can_manage(*, actor: AbstractBaseUser, user: AbstractBaseUser) -> bool:
    """Whether ``actor`` may activate or deactivate ``user`` (no other field of a user is theirs).

    Only a superuser touches a superuser. Otherwise the actor must be able to manage every role
    the user holds: a colleague who also works at another office, or who holds a regional role, is
    deactivated by someone whose scope covers all of it. Someone not yet placed anywhere may be
    managed by anyone who manages memberships.
    """
    if actor.is_superuser:
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    memberships = Membership.objects.filter(user=user).select_related("office")
    return all(membership_can_manage(actor=actor, role=m.role, office=m.office, region=m.region) for m in memberships)


def _check_can_manage(*, actor: AbstractBaseUser, role: str, office: Office | None, region: Region | None) -> None:
    if not membership_can_manage(actor=actor, role=role, office=office, region=region):
        raise PermissionDenied(_("You may not grant or revoke this role at this office."))


@transaction.atomic
def membership_create(
    *,
    actor: AbstractBaseUser,
    user: AbstractBaseUser,
    role: str,
    office: Office | None = None,
    region: Region | None = None,
) -> Membership:
    _check_can_manage(actor=actor, role=role, office=office, region=region)
    membership = Membership(user=user, role=role, office=office, region=region)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, actor: AbstractBaseUser, membership: Membership) -> None:
    _check_can_manage(actor=actor, role=membership.role, office=membership.office, region=membership.region)
    membership.delete()


def role_groups_sync() -> None:
    """Create one group per role with the model permissions of ``GROUP_PERMISSIONS``."""
    for role, permission_names in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for name in permission_names:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def user_groups_sync(*, user: AbstractBaseUser) -> None:
    """Keep the user's groups equal to the roles they hold, and admin access to staff roles."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    user.groups.set(Group.objects.filter(name__in=roles))
    is_staff = user.is_superuser or bool(roles & STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])

"""The scope each role needs is enforced by the database, not only by forms and services.

Writes that bypass validation (bulk loads, shell sessions, raw ``save``) must still be refused,
so these tests save without ``full_clean`` and expect PostgreSQL to say no.
"""

import pytest
from django.db import IntegrityError, transaction

from offices.models import Membership
from offices.roles import OFFICE_ROLES, Role
from tests.support.factories import OfficeFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _save(**fields) -> Membership:
    membership = Membership(user=fields.pop("user", None) or UserFactory(), **fields)
    with transaction.atomic():
        membership.save()
    return membership


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_role_without_office_is_refused(role):
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=role)


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_role_with_region_is_refused(role):
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=role, office=OfficeFactory(), region=RegionFactory())


def test_regional_supervisor_without_region_is_refused():
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=Role.REGIONAL_SUPERVISOR)


def test_regional_supervisor_at_an_office_is_refused():
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=Role.REGIONAL_SUPERVISOR, office=OfficeFactory())


def test_national_admin_with_an_office_is_refused():
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=Role.NATIONAL_ADMIN, office=OfficeFactory())


def test_national_admin_with_a_region_is_refused():
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=Role.NATIONAL_ADMIN, region=RegionFactory())


def test_api_client_with_office_and_region_is_refused():
    office = OfficeFactory()
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role=Role.API_CLIENT, office=office, region=office.region)


def test_unknown_role_is_refused():
    with pytest.raises(IntegrityError, match="membership_scope_matches_role"):
        _save(role="janitor", office=OfficeFactory())


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_role_at_an_office_is_accepted(role):
    office = OfficeFactory()
    membership = _save(role=role, office=office)
    assert Membership.objects.filter(pk=membership.pk, office=office, region=None).exists()


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.REGIONAL_SUPERVISOR, "region"),
        (Role.NATIONAL_ADMIN, "nation"),
        (Role.API_CLIENT, "office"),
        (Role.API_CLIENT, "region"),
        (Role.API_CLIENT, "nation"),
    ],
)
def test_valid_non_office_scopes_are_accepted(role, scope):
    fields = (
        {"office": OfficeFactory()} if scope == "office" else {"region": RegionFactory()} if scope == "region" else {}
    )
    membership = _save(role=role, **fields)
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.office_id is not None, stored.region_id is not None) == (scope == "office", scope == "region")


def test_same_role_twice_at_the_same_office_is_refused():
    user, office = UserFactory(), OfficeFactory()
    _save(user=user, role=Role.FRONT_DESK, office=office)
    with pytest.raises(IntegrityError, match="membership_unique"):
        _save(user=user, role=Role.FRONT_DESK, office=office)


def test_same_role_twice_at_national_scope_is_refused_although_scopes_are_null():
    """NULL office and region must compare equal, or a user could be made national admin twice."""
    user = UserFactory()
    _save(user=user, role=Role.NATIONAL_ADMIN)
    with pytest.raises(IntegrityError, match="membership_unique"):
        _save(user=user, role=Role.NATIONAL_ADMIN)


def test_same_region_twice_is_refused():
    user, region = UserFactory(), RegionFactory()
    _save(user=user, role=Role.REGIONAL_SUPERVISOR, region=region)
    with pytest.raises(IntegrityError, match="membership_unique"):
        _save(user=user, role=Role.REGIONAL_SUPERVISOR, region=region)


def test_same_role_at_two_offices_and_two_roles_at_one_office_are_accepted():
    user, first, second = UserFactory(), OfficeFactory(), OfficeFactory()
    _save(user=user, role=Role.FRONT_DESK, office=first)
    _save(user=user, role=Role.FRONT_DESK, office=second)
    _save(user=user, role=Role.INTERVIEWER, office=first)
    assert Membership.objects.filter(user=user).count() == 3

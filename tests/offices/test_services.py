"""Who may grant which role where: office heads run their own office, headquarters everything."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from offices.models import Membership
from offices.roles import ROLES_GRANTED_BY_OFFICE_HEAD, Role
from offices.services import membership_can_manage, membership_create, membership_delete
from tests.support.factories import UserFactory


@pytest.fixture
def smg_head(member, smg):
    return member(Role.OFFICE_HEAD, office=smg, username="smg.head")


@pytest.mark.parametrize("role", sorted(ROLES_GRANTED_BY_OFFICE_HEAD))
def test_office_head_may_grant_office_roles_at_their_office(smg_head, smg, role):
    assert membership_can_manage(actor=smg_head, role=role, office=smg, region=None)
    membership = membership_create(actor=smg_head, user=UserFactory(), role=role, office=smg)
    assert Membership.objects.filter(pk=membership.pk, role=role, office=smg).exists()


def test_office_head_may_not_appoint_an_office_head(smg_head, smg):
    assert not membership_can_manage(actor=smg_head, role=Role.OFFICE_HEAD, office=smg, region=None)
    with pytest.raises(PermissionDenied):
        membership_create(actor=smg_head, user=UserFactory(), role=Role.OFFICE_HEAD, office=smg)


def test_office_head_may_not_grant_at_another_office(smg_head, sby):
    assert not membership_can_manage(actor=smg_head, role=Role.FRONT_DESK, office=sby, region=None)
    with pytest.raises(PermissionDenied):
        membership_create(actor=smg_head, user=UserFactory(), role=Role.FRONT_DESK, office=sby)
    assert not Membership.objects.filter(office=sby).exists()


@pytest.mark.parametrize("role", [Role.REGIONAL_SUPERVISOR, Role.NATIONAL_ADMIN, Role.API_CLIENT])
def test_office_head_may_not_grant_wider_roles(smg_head, smg, role):
    region = smg.region if role == Role.REGIONAL_SUPERVISOR else None
    assert not membership_can_manage(actor=smg_head, role=role, office=None, region=region)


def test_office_head_may_revoke_at_their_office_only(smg_head, member, smg, sby):
    own = Membership.objects.get(user=member(Role.FRONT_DESK, office=smg))
    other = Membership.objects.get(user=member(Role.FRONT_DESK, office=sby))
    membership_delete(actor=smg_head, membership=own)
    with pytest.raises(PermissionDenied):
        membership_delete(actor=smg_head, membership=other)
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert Membership.objects.filter(pk=other.pk).exists()


def test_staff_without_head_role_may_not_grant(member, smg):
    front_desk = member(Role.FRONT_DESK, office=smg)
    assert not membership_can_manage(actor=front_desk, role=Role.FRONT_DESK, office=smg, region=None)


def test_regional_supervisor_grants_office_roles_in_their_region_only(member, smg, sby):
    supervisor = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    assert membership_can_manage(actor=supervisor, role=Role.FRONT_DESK, office=smg, region=None)
    assert not membership_can_manage(actor=supervisor, role=Role.OFFICE_HEAD, office=smg, region=None)
    assert not membership_can_manage(actor=supervisor, role=Role.FRONT_DESK, office=sby, region=None)
    assert not membership_can_manage(actor=supervisor, role=Role.REGIONAL_SUPERVISOR, office=None, region=smg.region)


def test_national_admin_may_grant_anything(national_admin, smg):
    for role, office, region in [
        (Role.OFFICE_HEAD, smg, None),
        (Role.FRONT_DESK, smg, None),
        (Role.REGIONAL_SUPERVISOR, None, smg.region),
        (Role.NATIONAL_ADMIN, None, None),
        (Role.API_CLIENT, None, None),
    ]:
        assert membership_can_manage(actor=national_admin, role=role, office=office, region=region)
        membership_create(actor=national_admin, user=UserFactory(), role=role, office=office, region=region)
    assert Membership.objects.exclude(user=national_admin).count() == 5


def test_create_still_checks_the_scope_rules(national_admin):
    """Even headquarters cannot make an office role without an office."""
    with pytest.raises(ValidationError):
        membership_create(actor=national_admin, user=UserFactory(), role=Role.FRONT_DESK)

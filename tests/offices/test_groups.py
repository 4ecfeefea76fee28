"""Django groups and admin access follow the roles a user holds, whatever changes a membership."""

import pytest
from django.contrib.auth.models import Group

from offices.models import Membership
from offices.roles import GROUP_PERMISSIONS, Role
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_every_role_has_its_group_with_its_permissions_after_migrate():
    """The groups come from ``migrate`` itself, so a fresh database gives the admin its menus."""
    for role, permissions in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list("content_type__app_label", "codename")
        }
        assert granted == set(permissions), role
    assert Group.objects.get(name=Role.OFFICE_HEAD).permissions.filter(codename="add_membership").exists()


def test_granting_a_role_adds_its_group_and_admin_access():
    user = UserFactory()
    assert not user.is_staff
    MembershipFactory(user=user, role=Role.FRONT_DESK)
    user.refresh_from_db()
    assert _groups(user) == {Role.FRONT_DESK}
    assert user.is_staff


def test_two_roles_give_two_groups_and_revoking_one_keeps_the_other():
    user = UserFactory()
    desk = MembershipFactory(user=user, role=Role.FRONT_DESK)
    MembershipFactory(user=user, role=Role.INTERVIEWER, office=desk.office)
    assert _groups(user) == {Role.FRONT_DESK, Role.INTERVIEWER}
    desk.delete()
    user.refresh_from_db()
    assert _groups(user) == {Role.INTERVIEWER}
    assert user.is_staff


def test_same_role_at_two_offices_keeps_the_group_until_the_last_is_revoked():
    user = UserFactory()
    first = MembershipFactory(user=user, role=Role.FRONT_DESK)
    second = MembershipFactory(user=user, role=Role.FRONT_DESK)
    first.delete()
    assert _groups(user) == {Role.FRONT_DESK}
    second.delete()
    user.refresh_from_db()
    assert _groups(user) == set()
    assert not user.is_staff


def test_revoking_through_a_queryset_delete_also_syncs():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.ADJUDICATOR)
    Membership.objects.filter(user=user).delete()
    user.refresh_from_db()
    assert _groups(user) == set()
    assert not user.is_staff


def test_api_client_gets_its_group_but_never_the_admin():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.API_CLIENT, office=None)
    user.refresh_from_db()
    assert _groups(user) == {Role.API_CLIENT}
    assert not user.is_staff


def test_changing_the_role_of_a_membership_swaps_the_group():
    user = UserFactory()
    membership = MembershipFactory(user=user, role=Role.FRONT_DESK)
    membership.role = Role.PRINT_OPERATOR
    membership.save()
    assert _groups(user) == {Role.PRINT_OPERATOR}


def test_moving_a_membership_to_another_user_resyncs_both_users():
    """The previous holder must lose the group and the admin, not only the new one gain them."""
    before, after = UserFactory(), UserFactory()
    membership = MembershipFactory(user=before, role=Role.FRONT_DESK)
    membership.user = after
    membership.save()
    before.refresh_from_db()
    after.refresh_from_db()
    assert _groups(before) == set()
    assert not before.is_staff
    assert _groups(after) == {Role.FRONT_DESK}
    assert after.is_staff


def test_superuser_keeps_admin_access_without_roles():
    user = UserFactory(is_superuser=True, is_staff=True)
    membership = MembershipFactory(user=user, role=Role.FRONT_DESK)
    membership.delete()
    user.refresh_from_db()
    assert user.is_staff


def test_deleting_a_user_with_memberships_works():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.OFFICE_HEAD)
    user.delete()
    assert not Membership.objects.filter(user_id=user.pk).exists()

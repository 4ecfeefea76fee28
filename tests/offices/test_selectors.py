"""The access selector: which offices and memberships each kind of user may read and act on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offices.models import Membership, Office
from offices.roles import Role
from offices.selectors import memberships_visible_to, offices_visible_to, offices_with_role, user_scope
from tests.support.factories import MembershipFactory, UserFactory


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_office_role_sees_only_its_office(member, smg):
    user = member(Role.FRONT_DESK, office=smg)
    scope = user_scope(user)
    assert scope.office_ids == frozenset({smg.pk})
    assert not scope.everything
    assert _codes(offices_visible_to(user)) == {"SMG"}


def test_roles_at_two_offices_see_both(member, smg, sby):
    user = member(Role.FRONT_DESK, office=smg)
    MembershipFactory(user=user, role=Role.INTERVIEWER, office=sby)
    assert _codes(offices_visible_to(user)) == {"SMG", "SBY"}
    assert _codes(offices_with_role(user, roles={Role.INTERVIEWER})) == {"SBY"}
    assert _codes(offices_with_role(user, roles={Role.FRONT_DESK})) == {"SMG"}
    assert _codes(offices_with_role(user, roles={Role.ADJUDICATOR})) == set()


def test_regional_supervisor_sees_the_offices_of_their_region(member, offices, smg):
    user = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    expected = {code for code, office in offices.items() if office.region_id == smg.region_id}
    assert len(expected) == 9
    assert _codes(offices_visible_to(user)) == expected
    assert "SBY" not in _codes(offices_visible_to(user))
    assert user_scope(user).region_ids == frozenset({smg.region_id})


def test_national_admin_sees_every_office(national_admin, offices):
    assert user_scope(national_admin).everything
    assert offices_visible_to(national_admin).count() == 145
    assert offices_with_role(national_admin, roles={Role.NATIONAL_ADMIN}).count() == 145


def test_national_api_client_sees_every_office(member, offices):
    client = member(Role.API_CLIENT)
    assert offices_visible_to(client).count() == 145


def test_regional_api_client_sees_its_region(member, smg):
    client = member(Role.API_CLIENT, region=smg.region)
    assert "SMG" in _codes(offices_visible_to(client))
    assert "SBY" not in _codes(offices_visible_to(client))


def test_superuser_reads_everything_but_acts_only_through_roles(offices):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert offices_visible_to(superuser).count() == 145
    assert offices_with_role(superuser, roles={Role.FRONT_DESK}).count() == 0
    assert user_scope(superuser, roles={Role.ADJUDICATOR}).is_empty


def test_user_without_memberships_sees_nothing(offices):
    user = UserFactory()
    assert user_scope(user).is_empty
    assert offices_visible_to(user).count() == 0
    assert memberships_visible_to(user).count() == 0


def test_anonymous_user_sees_nothing(offices):
    assert offices_visible_to(AnonymousUser()).count() == 0
    assert memberships_visible_to(AnonymousUser()).count() == 0


def test_acting_scope_counts_only_the_wanted_roles(member, smg, sby):
    user = member(Role.OFFICE_HEAD, office=smg)
    MembershipFactory(user=user, role=Role.REGIONAL_SUPERVISOR, office=None, region=sby.region)
    assert user_scope(user, roles={Role.OFFICE_HEAD}).office_ids == frozenset({smg.pk})
    assert user_scope(user, roles={Role.OFFICE_HEAD}).region_ids == frozenset()
    assert "SBY" in _codes(offices_visible_to(user))


@pytest.fixture
def staffed(member, smg, sby):
    """A front desk and an office head at each of Semarang and Surabaya."""
    return {
        "smg.frontdesk": member(Role.FRONT_DESK, office=smg, username="smg.frontdesk"),
        "smg.head": member(Role.OFFICE_HEAD, office=smg, username="smg.head"),
        "sby.frontdesk": member(Role.FRONT_DESK, office=sby, username="sby.frontdesk"),
        "sby.head": member(Role.OFFICE_HEAD, office=sby, username="sby.head"),
    }


def _usernames(queryset) -> set[str]:
    return set(queryset.values_list("user__username", flat=True))


def test_office_head_sees_the_memberships_of_their_office(staffed):
    assert _usernames(memberships_visible_to(staffed["smg.head"])) == {"smg.frontdesk", "smg.head"}


def test_office_staff_see_only_their_own_memberships(staffed):
    assert _usernames(memberships_visible_to(staffed["smg.frontdesk"])) == {"smg.frontdesk"}


def test_regional_supervisor_sees_memberships_in_their_region(staffed, member, smg):
    supervisor = member(Role.REGIONAL_SUPERVISOR, region=smg.region, username="kanwil.jateng")
    assert _usernames(memberships_visible_to(supervisor)) == {"smg.frontdesk", "smg.head", "kanwil.jateng"}


def test_national_admin_and_superuser_see_every_membership(staffed, national_admin):
    superuser = UserFactory(is_superuser=True)
    assert memberships_visible_to(national_admin).count() == Membership.objects.count() == 5
    assert memberships_visible_to(superuser).count() == 5


def test_memberships_are_read_once_per_user_object(member, smg, django_assert_num_queries):
    user = member(Role.FRONT_DESK, office=smg)
    with django_assert_num_queries(1):
        user_scope(user)
        user_scope(user, roles={Role.FRONT_DESK})
        user_scope(user, roles={Role.OFFICE_HEAD})
    assert isinstance(offices_visible_to(user).first(), Office)

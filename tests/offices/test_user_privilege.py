"""Only a superuser grants superuser, staff, groups or permissions, or sets another's password.

Office heads, regional supervisors and national administrators place staff through memberships
and switch accounts in their scope on or off; every other user field is read-only to them, and a
crafted POST of one changes nothing.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from knox.models import AuthToken

from offices.roles import Role
from tests.support.factories import UserFactory

ALL_FIELDS = {
    "username": "renamed",
    "first_name": "Forged",
    "last_name": "Name",
    "email": "forged@example.org",
    "is_active": "on",
    "is_staff": "on",
    "is_superuser": "on",
    "date_joined_0": "2020-01-01",
    "date_joined_1": "00:00:00",
}


def _change_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/change/"


@pytest.fixture
def staffed(member, smg, sby, national_admin):
    return {
        "smg.head": member(Role.OFFICE_HEAD, office=smg, username="smg.head"),
        "smg.frontdesk": member(Role.FRONT_DESK, office=smg, username="smg.frontdesk"),
        "sby.frontdesk": member(Role.FRONT_DESK, office=sby, username="sby.frontdesk"),
        "kanwil.jateng": member(Role.REGIONAL_SUPERVISOR, region=smg.region, username="kanwil.jateng"),
        "pusat": national_admin,
    }


@pytest.mark.parametrize("actor", ["smg.head", "kanwil.jateng", "pusat"])
def test_a_crafted_post_of_every_field_changes_only_activation(client, staffed, actor):
    target = staffed["smg.frontdesk"]
    group = Group.objects.get(name=Role.NATIONAL_ADMIN)
    permission = Permission.objects.get(codename="delete_user")
    client.force_login(staffed[actor])

    response = client.post(
        _change_url(target), {**ALL_FIELDS, "groups": [group.pk], "user_permissions": [permission.pk]}
    )
    assert response.status_code == 302

    target.refresh_from_db()
    assert (target.username, target.first_name, target.email) == ("smg.frontdesk", "", "")
    assert (target.is_superuser, target.is_staff, target.is_active) == (False, True, True)
    assert list(target.groups.values_list("name", flat=True)) == [Role.FRONT_DESK]
    assert not target.user_permissions.exists()


@pytest.mark.parametrize("actor", ["smg.head", "kanwil.jateng", "pusat"])
def test_the_form_offers_activation_alone(client, staffed, actor):
    client.force_login(staffed[actor])
    form = client.get(_change_url(staffed["smg.frontdesk"])).context["adminform"].form
    assert set(form.fields) == {"is_active"}


@pytest.mark.parametrize("actor", ["smg.head", "kanwil.jateng", "pusat"])
def test_deactivating_a_colleague_in_scope_ends_their_tokens(client, staffed, actor, token_for):
    target = staffed["smg.frontdesk"]
    token_for(target)
    client.force_login(staffed[actor])

    response = client.post(_change_url(target), {})  # is_active unticked
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active is False
    assert not AuthToken.objects.filter(user=target).exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("smg.head", "smg.head"),  # not oneself
        ("smg.head", "kanwil.jateng"),  # a regional role is above the office
        ("kanwil.jateng", "sby.frontdesk"),  # another region: not even visible
        ("smg.head", "pusat"),
    ],
)
def test_users_outside_what_the_actor_manages_cannot_be_changed(client, staffed, actor, target):
    user = staffed[target]
    client.force_login(staffed[actor])
    response = client.post(_change_url(user), {})
    assert response.status_code in (403, 302)
    if response.status_code == 302:
        # A user the actor cannot see is "not found": the admin redirects to its index.
        assert response["Location"] == "/admin/"
    user.refresh_from_db()
    assert user.is_active is True


def test_a_colleague_who_also_works_elsewhere_is_deactivated_only_by_someone_covering_both(
    client, staffed, member, sby
):
    target = staffed["smg.frontdesk"]
    member(Role.FRONT_DESK, office=sby, username="sby.other")
    target.memberships.create(role=Role.INTERVIEWER, office=sby)
    client.force_login(staffed["smg.head"])

    assert client.post(_change_url(target), {}).status_code == 403
    target.refresh_from_db()
    assert target.is_active is True


def test_nobody_but_a_superuser_touches_a_superuser(client, staffed, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="root-pass-789")
    client.force_login(staffed["pusat"])
    assert client.post(_change_url(root), {}).status_code == 403
    root.refresh_from_db()
    assert root.is_active is True


@pytest.mark.parametrize("actor", ["smg.head", "kanwil.jateng", "pusat"])
def test_only_a_superuser_sets_another_users_password(client, staffed, actor):
    target = staffed["smg.frontdesk"]
    before = target.password
    client.force_login(staffed[actor])
    response = client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": "Taken-over-123", "password2": "Taken-over-123", "usable_password": "true"},
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.password == before


def test_a_superuser_still_grants_superuser(client, staffed, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="root-pass-789")
    target = staffed["smg.frontdesk"]
    client.force_login(root)
    response = client.post(
        _change_url(target),
        {
            "username": "smg.frontdesk",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2020-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser is True


def test_a_national_admin_creates_an_account_with_no_privilege(client, staffed):
    client.force_login(staffed["pusat"])
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "smg.new",
            "password1": "New-pass-4567",
            "password2": "New-pass-4567",
            "usable_password": "true",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    created = UserFactory._meta.model.objects.get(username="smg.new")
    assert (created.is_superuser, created.is_staff) == (False, False)

"""The admin shows each user the rows of their scope and lets them change only what they manage."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

from offices.models import Membership
from offices.roles import Role
from tests.support.factories import UserFactory

CHANGELIST = "/admin/offices/membership/"


@pytest.fixture
def staffed(member, smg, sby):
    """An office head and a front desk at Semarang and at Surabaya, and the Kanwil Jawa Tengah."""
    return {
        name: member(role, office=office, region=region, username=name)
        for name, role, office, region in [
            ("smg.head", Role.OFFICE_HEAD, smg, None),
            ("smg.frontdesk", Role.FRONT_DESK, smg, None),
            ("sby.head", Role.OFFICE_HEAD, sby, None),
            ("sby.frontdesk", Role.FRONT_DESK, sby, None),
            ("kanwil.jateng", Role.REGIONAL_SUPERVISOR, None, smg.region),
        ]
    }


def _change_url(membership: Membership) -> str:
    return reverse("admin:offices_membership_change", args=[membership.pk])


def _shown_usernames(response) -> set[str]:
    return {membership.user.username for membership in response.context["cl"].result_list}


def test_office_head_sees_the_memberships_of_their_office_only(client, staffed):
    client.force_login(staffed["smg.head"])
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert _shown_usernames(response) == {"smg.head", "smg.frontdesk"}
    assert "sby.frontdesk" not in response.content.decode()


def test_office_head_search_does_not_reach_another_office(client, staffed):
    client.force_login(staffed["smg.head"])
    response = client.get(CHANGELIST, {"q": "sby"})
    assert response.status_code == 200
    assert _shown_usernames(response) == set()


def test_office_head_cannot_open_another_offices_membership(client, staffed):
    client.force_login(staffed["smg.head"])
    other = Membership.objects.get(user__username="sby.frontdesk")
    response = client.get(_change_url(other))
    assert response.status_code == 404
    assert "sby.frontdesk" not in response.content.decode()
    response = client.post(
        _change_url(other), {"user": other.user_id, "role": Role.ADJUDICATOR, "office": other.office_id}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == Role.FRONT_DESK


@pytest.mark.parametrize("page", ["delete", "history"])
def test_another_offices_membership_has_no_delete_or_history_page(client, staffed, page):
    client.force_login(staffed["smg.head"])
    other = Membership.objects.get(user__username="sby.frontdesk")
    response = client.get(reverse(f"admin:offices_membership_{page}", args=[other.pk]))
    assert response.status_code == 404
    assert "sby.frontdesk" not in response.content.decode()
    response = client.post(reverse("admin:offices_membership_delete", args=[other.pk]), {"post": "yes"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_the_user_of_a_membership_is_read_only_on_its_change_page(client, staffed):
    client.force_login(staffed["smg.head"])
    own = Membership.objects.get(user__username="smg.frontdesk")
    response = client.get(_change_url(own))
    assert response.status_code == 200
    assert "user" not in response.context["adminform"].form.fields
    assert 'name="user"' not in response.content.decode()
    assert "smg.frontdesk" in response.content.decode()
    assert "user" in client.get(reverse("admin:offices_membership_add")).context["adminform"].form.fields


def test_a_membership_is_never_handed_to_another_person(client, staffed, smg):
    client.force_login(staffed["smg.head"])
    own = Membership.objects.get(user__username="smg.frontdesk")
    someone_else = UserFactory(username="smg.someone")
    response = client.post(_change_url(own), {"user": someone_else.pk, "role": Role.INTERVIEWER, "office": smg.pk})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.user.username, own.role) == ("smg.frontdesk", Role.INTERVIEWER)
    assert not Membership.objects.filter(user=someone_else).exists()


def test_changing_a_membership_into_one_its_user_holds_is_refused_on_the_form(client, staffed, member, smg):
    held = member(Role.INTERVIEWER, office=smg, username="smg.both")
    both = Membership.objects.create(user=held, role=Role.FRONT_DESK, office=smg)
    client.force_login(staffed["smg.head"])
    response = client.post(_change_url(both), {"role": Role.INTERVIEWER, "office": smg.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    both.refresh_from_db()
    assert both.role == Role.FRONT_DESK


def test_an_office_outside_the_scope_answers_404_and_a_post_changes_nothing(client, staffed, sby):
    head = staffed["smg.head"]
    # Even with the right to change offices, the scope alone decides which offices exist.
    head.user_permissions.add(Permission.objects.get(codename="change_office"))
    client.force_login(head)
    url = reverse("admin:offices_office_change", args=[sby.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Renamed", "region": sby.region_id})
    assert response.status_code == 404
    sby.refresh_from_db()
    assert sby.name != "Renamed"
    assert client.get(reverse("admin:offices_office_history", args=[sby.pk])).status_code == 404


def test_a_region_outside_the_scope_answers_404_and_a_post_changes_nothing(client, staffed, smg, sby):
    head = staffed["smg.head"]
    head.user_permissions.add(Permission.objects.get(codename="change_region"))
    client.force_login(head)
    assert client.get(reverse("admin:offices_region_change", args=[smg.region_id])).status_code == 200
    url = reverse("admin:offices_region_change", args=[sby.region_id])
    assert client.get(url).status_code == 404
    response = client.post(url, {"code": sby.region.code, "name": "Renamed"})
    assert response.status_code == 404
    sby.region.refresh_from_db()
    assert sby.region.name != "Renamed"


def test_office_head_changes_a_membership_of_their_office(client, staffed, smg):
    client.force_login(staffed["smg.head"])
    own = Membership.objects.get(user__username="smg.frontdesk")
    response = client.post(_change_url(own), {"user": own.user_id, "role": Role.INTERVIEWER, "office": smg.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    own.refresh_from_db()
    assert own.role == Role.INTERVIEWER


def test_office_head_grants_a_role_at_their_office(client, staffed, smg):
    newcomer = UserFactory(username="smg.newcomer")
    client.force_login(staffed["smg.head"])
    response = client.post(
        reverse("admin:offices_membership_add"), {"user": newcomer.pk, "role": Role.ADJUDICATOR, "office": smg.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, role=Role.ADJUDICATOR, office=smg).exists()


@pytest.mark.parametrize(("role", "office_code"), [(Role.OFFICE_HEAD, "SMG"), (Role.FRONT_DESK, "SBY")])
def test_office_head_cannot_grant_head_or_at_another_office(client, staffed, offices, role, office_code):
    newcomer = UserFactory()
    client.force_login(staffed["smg.head"])
    response = client.post(
        reverse("admin:offices_membership_add"),
        {"user": newcomer.pk, "role": role, "office": offices[office_code].pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=newcomer).exists()


def test_office_head_autocomplete_offers_only_their_office(client, staffed):
    client.force_login(staffed["smg.head"])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "offices", "model_name": "membership", "field_name": "office", "term": "S"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == [str(staffed["smg.head"].memberships.get().office)]


def test_regional_supervisor_manages_office_roles_in_their_region_only(client, staffed, smg, sby):
    client.force_login(staffed["kanwil.jateng"])
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert _shown_usernames(response) == {"smg.head", "smg.frontdesk", "kanwil.jateng"}

    own = Membership.objects.get(user__username="smg.frontdesk")
    response = client.post(_change_url(own), {"role": Role.ADJUDICATOR, "office": smg.pk})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.role == Role.ADJUDICATOR

    # Office head is headquarters' appointment; another region's office is not theirs to staff.
    response = client.post(_change_url(own), {"role": Role.OFFICE_HEAD, "office": smg.pk})
    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["__all__"]] == [
        "permission-denied"
    ]
    response = client.post(_change_url(own), {"role": Role.ADJUDICATOR, "office": sby.pk})
    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["__all__"]] == [
        "permission-denied"
    ]
    own.refresh_from_db()
    assert (own.role, own.office_id) == (Role.ADJUDICATOR, smg.pk)
    head = Membership.objects.get(user__username="smg.head")
    assert client.get(_change_url(head)).context["has_change_permission"] is False


def test_front_desk_cannot_list_memberships(client, staffed):
    client.force_login(staffed["smg.frontdesk"])
    assert client.get(CHANGELIST).status_code == 403


def test_api_client_cannot_enter_the_admin(client, member):
    client.force_login(member(Role.API_CLIENT))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/offices/office/",
        "/admin/offices/region/",
        "/admin/offices/membership/",
        "/admin/auth/user/",
        "/admin/offices/office/?q=semarang",
    ],
)
def test_superuser_changelists_answer(client, staffed, url):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200


def test_superuser_sees_every_office(client, offices):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/offices/office/")
    assert response.context["cl"].result_count == 145


def test_office_head_sees_only_their_office_in_the_office_list(client, staffed):
    client.force_login(staffed["smg.head"])
    response = client.get("/admin/offices/office/")
    assert response.status_code == 200
    assert [office.code for office in response.context["cl"].result_list] == ["SMG"]


def test_a_membership_granted_in_the_admin_is_recorded_with_its_author(client, staffed, smg):
    newcomer = UserFactory(username="smg.recorded")
    head = staffed["smg.head"]
    client.force_login(head)
    response = client.post(
        reverse("admin:offices_membership_add"), {"user": newcomer.pk, "role": Role.PRINT_OPERATOR, "office": smg.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    event_model = apps.get_model("offices", "MembershipEvent")
    event = event_model.objects.select_related("pgh_context").get(pgh_obj=membership, pgh_label="insert")
    assert (event.role, event.office_id, event.user_id) == (Role.PRINT_OPERATOR, smg.pk, newcomer.pk)
    assert event.pgh_context is not None
    assert event.pgh_context.metadata["user"] == head.pk
    assert event.pgh_context.metadata["url"] == reverse("admin:offices_membership_add")


def test_office_head_cannot_bulk_delete_a_membership_they_may_not_manage(client, staffed, member, smg):
    deputy = Membership.objects.get(user=member(Role.OFFICE_HEAD, office=smg, username="smg.deputy"))
    client.force_login(staffed["smg.head"])
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [deputy.pk], "post": "yes"})
    assert response.status_code in (200, 403)
    assert Membership.objects.filter(pk=deputy.pk).exists()

"""Malformed query strings and posts get the admin's answer to wrong input, never a server error."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from offices.models import Membership
from offices.roles import Role
from tests.support.factories import UserFactory

# Changelists whose model has a ``created_at`` date-time, scoped or not.
CREATED_AT_CHANGELISTS = [
    "admin:applications_passportapplication_changelist",
    "admin:casework_notification_changelist",
    "admin:permits_staypermit_changelist",
    "admin:permits_staypermitapplication_changelist",
    "admin:permits_stayexception_changelist",
    "admin:offices_membership_changelist",
    "admin:recovery_recoverycapacity_changelist",
    "admin:recovery_release_changelist",
    "admin:reports_reportdownload_changelist",
]

# Years no datetime has: the lookup's bounds could not be built.
BAD_YEARS = [
    {"created_at__year": "0"},
    {"created_at__year": "-1"},
    {"created_at__year": "99999"},
    {"created_at__year": "99999999999999999999999"},
    {"created_at__year": "abc"},
    {"created_at__year__gte": "0"},
    {"created_at__iso_year": "0"},
]

MEMBERSHIP_ADD = "admin:offices_membership_add"
MEMBERSHIP_CHANGELIST = "admin:offices_membership_changelist"


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    client.raise_request_exception = False
    return client


def _assert_refused_as_incorrect_lookup(response, url: str) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"{url}?e=1"


@pytest.mark.parametrize("params", BAD_YEARS, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()))
@pytest.mark.parametrize("name", CREATED_AT_CHANGELISTS)
def test_a_year_no_date_has_is_an_incorrect_lookup_on_every_changelist(admin_client, name, params):
    url = reverse(name)
    _assert_refused_as_incorrect_lookup(admin_client.get(url, params), url)


@pytest.mark.parametrize("field", ["date_joined", "last_login"])
def test_a_year_no_date_has_is_an_incorrect_lookup_on_the_users_changelist(admin_client, field):
    url = reverse("admin:auth_user_changelist")
    _assert_refused_as_incorrect_lookup(admin_client.get(url, {f"{field}__year": "0"}), url)


def test_an_outage_declared_in_year_zero_is_an_incorrect_lookup(admin_client):
    url = reverse("admin:offices_outage_changelist")
    _assert_refused_as_incorrect_lookup(admin_client.get(url, {"declared_at__year": "0"}), url)


def test_the_page_a_bad_year_redirects_to_lists_the_rows(admin_client, national_admin):
    url = reverse(MEMBERSHIP_CHANGELIST)
    response = admin_client.get(url, {"created_at__year": "0"}, follow=True)
    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert response.status_code == 200
    assert [membership.user for membership in response.context["cl"].result_list] == [national_admin]


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"created_at__year": "1"}, False),
        ({"created_at__year": "9999"}, False),
        ({"created_at__month": "13"}, False),
        ({"created_at__day": "99999999999999999999999"}, False),
        ({"created_at__year__gte": "2000"}, True),
    ],
)
def test_a_year_month_or_day_any_date_may_hold_filters_the_list(admin_client, national_admin, params, shown):
    # A month or day out of range is compared with the extracted one: no row matches, no error.
    response = admin_client.get(reverse(MEMBERSHIP_CHANGELIST), params)
    assert response.status_code == 200
    assert [membership.user for membership in response.context["cl"].result_list] == ([national_admin] if shown else [])


@pytest.mark.parametrize("field", ["user", "office"])
def test_a_membership_posted_with_a_key_that_is_no_number_shows_the_field_error(admin_client, smg, field):
    newcomer = UserFactory(username="smg.newcomer")
    data = {"user": newcomer.pk, "role": Role.FRONT_DESK, "office": smg.pk, field: "abc"}
    response = admin_client.post(reverse(MEMBERSHIP_ADD), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == [field]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_membership_posted_with_an_unknown_key_keeps_the_valid_one_selected(admin_client, smg):
    newcomer = UserFactory(username="smg.newcomer")
    data = {"user": newcomer.pk, "role": Role.FRONT_DESK, "office": "abc"}
    response = admin_client.post(reverse(MEMBERSHIP_ADD), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<option value="{newcomer.pk}" selected>smg.newcomer</option>' in content
    assert 'value="abc"' not in content


def test_a_membership_changed_with_an_office_that_is_no_number_shows_the_field_error(admin_client, member, smg):
    held = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk").memberships.get()
    url = reverse("admin:offices_membership_change", args=[held.pk])
    response = admin_client.post(url, {"role": Role.INTERVIEWER, "office": "abc"})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["office"]
    held.refresh_from_db()
    assert (held.role, held.office) == (Role.FRONT_DESK, smg)


def _warnings(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("confirmed", [False, True], ids=["asked", "confirmed"])
@pytest.mark.parametrize("selected", [["abc"], ["{pk}", "abc"], ["1.5"]], ids=["bad", "good-and-bad", "decimal"])
def test_an_action_on_ids_that_are_no_keys_changes_nothing(admin_client, member, smg, selected, confirmed):
    held = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk").memberships.get()
    before = Membership.objects.count()
    url = reverse(MEMBERSHIP_CHANGELIST)
    data = {
        "action": "delete_selected",
        "_selected_action": [value.format(pk=held.pk) for value in selected],
        **({"post": "yes"} if confirmed else {}),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    assert _warnings(response) == ["Pilihan memuat data yang tidak ada. Tidak ada data yang diubah."]
    assert Membership.objects.count() == before
    assert Membership.objects.filter(pk=held.pk).exists()


def test_an_action_on_the_users_changelist_refuses_ids_that_are_no_keys(client, db):
    # Only a superuser deletes users: the users' admin is not scoped, and takes the checks alone.
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    someone = UserFactory(username="someone")
    url = reverse("admin:auth_user_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": [someone.pk, "abc"]})
    assert response.status_code == 302
    assert _warnings(response) == ["Pilihan memuat data yang tidak ada. Tidak ada data yang diubah."]
    assert get_user_model().objects.filter(pk=someone.pk).exists()


def test_an_action_on_good_ids_still_asks_and_deletes(admin_client, member, smg):
    held = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk").memberships.get()
    url = reverse(MEMBERSHIP_CHANGELIST)
    asked = admin_client.post(url, {"action": "delete_selected", "_selected_action": [held.pk]})
    assert asked.status_code == 200
    assert "smg.frontdesk" in asked.content.decode()
    done = admin_client.post(url, {"action": "delete_selected", "_selected_action": [held.pk], "post": "yes"})
    assert done.status_code == 302
    assert not Membership.objects.filter(pk=held.pk).exists()

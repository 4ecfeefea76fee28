"""Tokens die with the password or the account; logout-all; the admin session's idle timeout."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.models import AuthToken

from offices.roles import Role
from plumbing.credentials import SESSION_SEEN_KEY


@pytest.fixture
def frontdesk(member, smg):
    return member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")


def _me(api_client, token: str) -> int:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = api_client.get("/api/v1/me/").status_code
    api_client.credentials()
    return status


def test_a_password_change_ends_every_token(api_client, frontdesk, token_for):
    tokens = [token_for(frontdesk), token_for(frontdesk)]
    frontdesk.set_password("another-pass-456")
    frontdesk.save()

    assert [_me(api_client, token) for token in tokens] == [401, 401]
    assert not AuthToken.objects.filter(user=frontdesk).exists()


def test_deactivation_ends_every_token_for_good(api_client, frontdesk, token_for):
    token = token_for(frontdesk)
    frontdesk.is_active = False
    frontdesk.save(update_fields=["is_active"])
    frontdesk.is_active = True
    frontdesk.save(update_fields=["is_active"])

    assert _me(api_client, token) == 401
    assert not AuthToken.objects.filter(user=frontdesk).exists()


def test_saving_other_fields_keeps_the_tokens(api_client, frontdesk, token_for):
    token = token_for(frontdesk)
    frontdesk.first_name = "Sri"
    frontdesk.save()
    frontdesk.last_login = timezone.now()
    frontdesk.save(update_fields=["last_login"])

    assert _me(api_client, token) == 200


def test_a_password_changed_in_the_admin_ends_the_tokens(api_client, client, frontdesk, token_for, django_user_model):
    token = token_for(frontdesk)
    root = django_user_model.objects.create_superuser("root", password="root-pass-789")
    client.force_login(root)
    response = client.post(
        f"/admin/auth/user/{frontdesk.pk}/password/",
        {"password1": "Another-pass-456", "password2": "Another-pass-456", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _me(api_client, token) == 401


def test_logout_all_ends_every_token_of_the_caller_only(api_client, frontdesk, member, smg, token_for):
    other = member(Role.FRONT_DESK, office=smg, username="smg.other")
    first, second, others = token_for(frontdesk), token_for(frontdesk), token_for(other)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    response = api_client.post("/api/v1/auth/logout-all/")
    assert response.status_code == 204

    assert [_me(api_client, token) for token in (first, second, others)] == [401, 401, 200]


def test_logout_all_needs_authentication(api_client, db):
    response = api_client.post("/api/v1/auth/logout-all/")
    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


def test_the_session_cookie_lasts_the_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_an_idle_admin_session_ends(client, frontdesk, settings):
    client.force_login(frontdesk)
    assert client.get("/admin/").status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_active_session_is_renewed_at_most_once_a_minute(client, frontdesk):
    client.force_login(frontdesk)
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date

    client.get("/admin/password_change/")
    assert Session.objects.get(session_key=key).expire_date == first_expiry  # seen a moment ago

    session = client.session
    session[SESSION_SEEN_KEY] -= 120
    session.save()
    saved_expiry = Session.objects.get(session_key=key).expire_date
    client.get("/admin/password_change/")
    renewed = Session.objects.get(session_key=key)
    assert renewed.expire_date > saved_expiry
    assert renewed.get_decoded()[SESSION_SEEN_KEY] >= int(timezone.now().timestamp()) - 5

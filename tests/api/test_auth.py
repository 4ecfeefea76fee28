"""Token login and logout: hashed, expiring tokens that a client sends as ``Token <token>``."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken

from offices.roles import Role
from plumbing.tasks import api_tokens_purge


@pytest.fixture
def client_user(member):
    return member(Role.API_CLIENT, username="api.mpaspor")


def test_login_returns_a_token_and_its_expiry(api_client, client_user, settings):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "api.mpaspor", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    expected = timezone.now() + settings.API_TOKEN_TTL
    assert abs(expiry - expected) < timedelta(minutes=1)
    stored = AuthToken.objects.get(user=client_user)
    assert body["token"] not in (stored.digest, stored.token_key)


def test_the_token_authenticates_requests(api_client, client_user, token_for):
    token = token_for(client_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "api.mpaspor"


def test_logout_revokes_the_token(api_client, client_user, token_for):
    token = token_for(client_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert not AuthToken.objects.filter(user=client_user).exists()
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication-failed"


def test_logout_revokes_only_its_own_token(api_client, client_user, token_for):
    first, second = token_for(client_user), token_for(client_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_logout_needs_authentication(api_client, db):
    response = api_client.post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


def test_expired_token_is_refused(api_client, client_user, token_for):
    token = token_for(client_user)
    AuthToken.objects.filter(user=client_user).update(expiry=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication-failed"


def test_a_token_is_checked_with_one_query_however_many_the_user_holds(
    api_client, client_user, token_for, django_assert_num_queries
):
    tokens = [token_for(client_user) for _ in range(20)]
    AuthToken.objects.filter(user=client_user).exclude(
        digest=AuthToken.objects.filter(user=client_user).order_by("-created").values("digest")[:1]
    ).update(expiry=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[-1]}")

    # The token (one indexed query), then the caller's memberships (two: their roles, the list).
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    # The expired ones stay until the daily purge; none is read to authenticate.
    assert AuthToken.objects.filter(user=client_user).count() == 20


def test_the_purge_deletes_expired_tokens_only(client_user, token_for):
    live, expired = token_for(client_user), token_for(client_user)
    AuthToken.objects.filter(token_key=expired[:15]).update(expiry=timezone.now() - timedelta(seconds=1))

    assert api_tokens_purge.delay().get() == 1
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [live[:15]]


@pytest.mark.parametrize("token", ["zz" * 32, "é", "a" * 5000])
def test_a_token_that_cannot_be_one_is_refused(api_client, db, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication-failed"

"""Repeated failed logins lock a username at an address, on the token endpoint and the admin alike.

The counts live in the database (django-axes' AccessAttempt), so every worker sees the same
number; the address is read through the trusted proxies only (plumbing/clients.py).
"""

import pytest
from axes.models import AccessAttempt
from knox.models import AuthToken

from offices.roles import Role

TOKEN_URL = "/api/v1/auth/token/"
ADMIN_LOGIN_URL = "/admin/login/"
PASSWORD = "secret-pass-123"


@pytest.fixture
def head(member, smg):
    return member(Role.OFFICE_HEAD, office=smg, username="smg.head")


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """The per-address throttle (10 a minute) would answer first; these tests are about the lockout."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/minute"}}


def _token_login(api_client, username: str, password: str, **headers):
    return api_client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **headers)


def test_five_failures_lock_the_token_login_even_for_the_right_password(api_client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _token_login(api_client, "smg.head", "wrong")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication-failed"

    response = _token_login(api_client, "smg.head", "wrong")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "login-locked-out"
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())

    response = _token_login(api_client, "smg.head", PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "login-locked-out"
    assert not AuthToken.objects.filter(user=head).exists()


def test_a_forged_forwarded_for_does_not_escape_the_lockout(api_client, head, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [
        _token_login(api_client, "smg.head", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 2)
    ]
    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * 3
    assert AccessAttempt.objects.get(username="smg.head").ip_address == "127.0.0.1"


def test_behind_a_trusted_proxy_colleagues_at_one_office_address_lock_only_themselves(
    api_client, head, member, smg, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    office = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token_login(api_client, "smg.head", "wrong", **office)

    assert _token_login(api_client, "smg.head", PASSWORD, **office).status_code == 429
    # The same user from another address, and a colleague from the same one, still log in.
    assert _token_login(api_client, "smg.head", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
    assert _token_login(api_client, "smg.frontdesk", PASSWORD, **office).status_code == 200


def test_a_success_before_the_limit_clears_the_count(api_client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _token_login(api_client, "smg.head", "wrong")
    assert _token_login(api_client, "smg.head", PASSWORD).status_code == 200
    assert _token_login(api_client, "smg.head", "wrong").status_code == 401
    assert AccessAttempt.objects.get(username="smg.head").failures_since_start == 1


def test_the_admin_login_locks_out_after_the_limit(client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(ADMIN_LOGIN_URL, {"username": "smg.head", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error

    response = client.post(ADMIN_LOGIN_URL, {"username": "smg.head", "password": "wrong"})
    assert response.status_code == 429
    assert 'id="locked-out"' in response.content.decode()

    response = client.post(ADMIN_LOGIN_URL, {"username": "smg.head", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_speaks_indonesian(client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(ADMIN_LOGIN_URL, {"username": "smg.head", "password": "wrong"})
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


def test_the_admin_and_the_token_endpoint_count_together(api_client, client, head, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(ADMIN_LOGIN_URL, {"username": "smg.head", "password": "wrong"})
    response = _token_login(api_client, "smg.head", "wrong")
    assert response.status_code == 429
    assert response.json()["code"] == "login-locked-out"

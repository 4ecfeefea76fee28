"""Policy headers: Content-Security-Policy, Permissions-Policy, and no caching of what is rendered.

A real browser's view of the policy (no page of the admin or the Swagger UI breaks it) is in
tests/browser/; these check the headers and the pages' markup.
"""

import re

import pytest

from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory
from tests.support.factories import UserFactory


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";") if part.strip())}


@pytest.fixture
def api_user(member, api_client, token_for):
    user = member(Role.API_CLIENT, username="api.mpaspor")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return user


@pytest.mark.django_db
def test_a_case_read_through_the_api_is_not_stored_by_any_cache(api_client, api_user, smg):
    application = PassportApplicationFactory(office=smg)

    response = api_client.get(f"/api/v1/passport-applications/{application.reference}/")

    assert response.status_code == 200
    assert response.json()["applicant"]["nik"] == application.applicant.nik
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_a_new_token_is_not_stored_by_any_cache(api_client, member):
    member(Role.API_CLIENT, username="api.mpaspor")

    response = api_client.post(
        "/api/v1/auth/token/", {"username": "api.mpaspor", "password": "secret-pass-123"}, format="json"
    )

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_admin_pages_are_not_stored_by_any_cache_and_carry_the_policies(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert _directives(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_api_errors_carry_the_policies(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert "no-store" in response.headers["Cache-Control"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert _directives(response)["default-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_policy_allows_only_this_server_and_no_inline_code(client):
    directives = _directives(client.get("/admin/login/"))

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]


@pytest.mark.django_db
def test_the_swagger_ui_page_has_no_inline_script_and_its_style_carries_the_nonce(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts
    assert all("src=" in attributes for attributes in scripts)
    nonce = re.search(r'<style nonce="([^"]+)">', page).group(1)
    assert _directives(response)["style-src"] == ["'self'", f"'nonce-{nonce}'"]


@pytest.mark.django_db
def test_the_swagger_ui_start_up_script_is_served_as_a_file(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content

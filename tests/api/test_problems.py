"""Every error the API gives is a problem document with a stable code, never HTML or a 500."""

import pytest
from django.core.cache import cache

from applications.models import PassportApplication
from offices.roles import Role
from tests.applications.service_factories import create_body

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:imigrasi:problem:{code}"
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def smg_desk(member, smg):
    return member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")


def test_wrong_credentials(api_client, smg_desk):
    response = api_client.post("/api/v1/auth/token/", {"username": "smg.frontdesk", "password": "wrong"}, format="json")
    assert_problem(response, 401, "authentication-failed")


def test_unknown_user(api_client, db):
    response = api_client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    assert_problem(response, 401, "authentication-failed")


def test_missing_credentials_fields(api_client, db):
    response = api_client.post("/api/v1/auth/token/", {"username": "someone"}, format="json")
    body = assert_problem(response, 400, "invalid")
    assert {"name": "password", "code": "required"} in [
        {"name": row["name"], "code": row["code"]} for row in body["invalid_params"]
    ]


def test_missing_authentication(api_client, db):
    response = api_client.get("/api/v1/offices/")
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_invalid_token(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/offices/")
    assert_problem(response, 401, "authentication-failed")


def test_malformed_json(api_client, db):
    response = api_client.post("/api/v1/auth/token/", '{"username": "x", ', content_type="application/json")
    assert_problem(response, 400, "malformed-json")


def test_unsupported_media_type(api_client, db):
    response = api_client.post("/api/v1/auth/token/", "username=x", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415, "unsupported-media-type")


def test_unknown_query_parameter(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    response = api_client.get("/api/v1/offices/", {"regoin": "33"})
    body = assert_problem(response, 400, "invalid")
    assert [(row["name"], row["code"]) for row in body["invalid_params"]] == [("regoin", "unknown-parameter")]


def test_malformed_filter_value(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    response = api_client.get("/api/v1/offices/", {"office_class": "Kelas IX"})
    body = assert_problem(response, 400, "invalid")
    assert [row["name"] for row in body["invalid_params"]] == ["office_class"]


def test_unknown_office_code(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    assert_problem(api_client.get("/api/v1/offices/XXX/"), 404, "not-found")


NOT_A_CODE = ["SMG\x00", "S" * 10_000]


@pytest.mark.parametrize("office", NOT_A_CODE, ids=["nul", "long"])
def test_an_office_that_cannot_be_a_code_is_an_unknown_one_everywhere(api_client, smg_desk, national_admin, office):
    api_client.force_authenticate(smg_desk)
    answers = [
        api_client.get("/api/v1/status/", {"office": office}),
        api_client.post("/api/v1/passport-applications/", create_body(office=office), format="json"),
    ]
    api_client.force_authenticate(national_admin)
    answers += [
        api_client.get("/api/v1/backlog/", {"office": office}),
        api_client.get("/api/v1/reports/office-daily/", {"office": office}),
        api_client.post("/api/v1/recovery-capacities/", {"office": office, "kind": "passport"}, format="json"),
    ]
    for answer in answers:
        body = assert_problem(answer, 400, "invalid")
        (refusal,) = [row for row in body["invalid_params"] if row["name"] == "office"]
        assert refusal["code"] == "does_not_exist"
        assert len(refusal["reason"]) < 80
        assert "\x00" not in refusal["reason"]
    assert not PassportApplication.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/backlog/", "/api/v1/reports/sla/"])
def test_a_region_that_cannot_be_a_name_is_an_unknown_one(api_client, national_admin, url):
    api_client.force_authenticate(national_admin)
    body = assert_problem(api_client.get(url, {"region": "33\x00"}), 400, "invalid")
    assert [(row["name"], row["code"]) for row in body["invalid_params"]] == [("region", "does_not_exist")]


def test_method_not_allowed(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    assert_problem(api_client.delete("/api/v1/offices/SMG/"), 405, "method-not-allowed")
    assert_problem(api_client.get("/api/v1/auth/token/"), 405, "method-not-allowed")


@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/nothing/", "/api/v2/offices/"])
def test_unknown_url_under_api(api_client, db, url):
    response = api_client.get(url)
    assert_problem(response, 404, "not-found")
    assert b"<html" not in response.content.lower()


def test_unknown_url_elsewhere_stays_html(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM)


def test_unknown_query_parameter_on_a_detail(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    body = assert_problem(api_client.get("/api/v1/offices/SMG/", {"expand": "all"}), 400, "invalid")
    assert [row["name"] for row in body["invalid_params"]] == ["expand"]


def test_invalid_cursor(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    assert_problem(api_client.get("/api/v1/offices/", {"cursor": "garbage"}), 404, "not-found")


def test_throttled_login(api_client, smg_desk, monkeypatch):
    monkeypatch.setattr("rest_framework.throttling.ScopedRateThrottle.THROTTLE_RATES", {"login": "1/minute"})
    cache.clear()
    credentials = {"username": "smg.frontdesk", "password": "wrong"}
    api_client.post("/api/v1/auth/token/", credentials, format="json")
    response = api_client.post("/api/v1/auth/token/", credentials, format="json")
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    cache.clear()

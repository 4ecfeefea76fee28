"""Every error the API gives is a problem document with a stable code, never HTML or a 500."""

import base64
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from applications.models import PassportApplication
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, create_body
from tests.support.api import PROBLEM


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


def office_refusal(answer) -> dict:
    body = assert_problem(answer, 400, "invalid")
    (refusal,) = [row for row in body["invalid_params"] if row["name"] == "office"]
    assert refusal["code"] == "does_not_exist"
    return refusal


def test_an_overlong_office_code_is_an_unknown_one_everywhere(api_client, smg_desk, national_admin):
    office = "S" * 10_000
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
        assert office_refusal(answer)["reason"].count("S") == 20
    assert not PassportApplication.objects.exists()


def test_a_nul_in_an_office_code_of_a_body_is_an_unknown_office(api_client, smg_desk, national_admin):
    api_client.force_authenticate(smg_desk)
    intake = api_client.post("/api/v1/passport-applications/", create_body(office="SMG\x00"), format="json")
    api_client.force_authenticate(national_admin)
    capacity = api_client.post("/api/v1/recovery-capacities/", {"office": "SMG\x00", "kind": "passport"}, format="json")
    for answer in (intake, capacity):
        assert "\x00" not in office_refusal(answer)["reason"]
    assert not PassportApplication.objects.exists()


@pytest.mark.parametrize("office", [["SMG"], {"code": "SMG"}, 33], ids=["list", "object", "number"])
def test_an_office_that_is_not_text_is_refused_as_such(api_client, smg_desk, office):
    api_client.force_authenticate(smg_desk)
    response = api_client.post("/api/v1/passport-applications/", create_body(office=office), format="json")
    body = assert_problem(response, 400, "invalid")
    assert [(row["name"], row["code"]) for row in body["invalid_params"]] == [("office", "incorrect_type")]
    assert not PassportApplication.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/backlog/", "/api/v1/reports/sla/"])
def test_a_region_that_cannot_be_a_name_is_an_unknown_one(api_client, national_admin, url):
    api_client.force_authenticate(national_admin)
    body = assert_problem(api_client.get(url, {"region": "3" * 500}), 400, "invalid")
    assert [(row["name"], row["code"]) for row in body["invalid_params"]] == [("region", "does_not_exist")]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/passport-applications/SMG%00/",
        "/api/v1/passport-applications/SMG%00/history/",
        "/api/v1/stay-permits/X%00/",
        "/api/v1/offices/SMG%00/",
        "/api/v1/passport-applications/?status=%00",
    ],
)
def test_a_nul_in_the_url_is_a_malformed_request(api_client, smg_desk, url):
    api_client.force_authenticate(smg_desk)
    body = assert_problem(api_client.get(url), 400, "malformed-request")
    assert "NUL" in body["detail"]


def test_a_nul_in_a_header_is_a_malformed_request_and_writes_nothing(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    response = api_client.post(
        "/api/v1/passport-applications/", create_body(), format="json", HTTP_IDEMPOTENCY_KEY="key\x00"
    )
    assert_problem(response, 400, "malformed-request")
    assert not PassportApplication.objects.exists()


@pytest.mark.parametrize(
    "url", ["/admin/applications/passportapplication/?status__exact=%00", "/admin/autocomplete/?term=%00"]
)
def test_a_nul_in_an_admin_url_is_a_bad_request(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_token_that_is_not_utf8_is_refused(api_client, db):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token \xfc\xfd")
    assert_problem(response, 401, "authentication-failed")


def test_json_nested_too_deeply_is_malformed_json_and_writes_nothing(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    body = "[" * 5000 + "]" * 5000
    response = api_client.post("/api/v1/passport-applications/", body, content_type="application/json")
    assert_problem(response, 400, "malformed-json")
    assert not PassportApplication.objects.exists()


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


def test_a_cursor_that_cannot_be_decoded_is_a_bad_request(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    assert_problem(api_client.get("/api/v1/offices/", {"cursor": "garbage"}), 400, "invalid-cursor")


@pytest.mark.parametrize(
    "position",
    ["abc", "1.5", "99999999999999999999", "-99999999999999999999"],
)
def test_a_cursor_whose_position_no_row_can_have_is_a_bad_request(api_client, smg_desk, position):
    """``p=abc`` on a list ordered by id reached the database and failed there (a 500)."""
    api_client.force_authenticate(smg_desk)
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    for url in ("/api/v1/passport-applications/", "/api/v1/stay-permit-applications/"):
        assert_problem(api_client.get(url, {"cursor": cursor}), 400, "invalid-cursor")


def test_a_cursor_given_out_by_the_list_still_works(api_client, smg_desk, smg):
    cases = [PassportApplicationFactory(office=smg) for _ in range(3)]
    api_client.force_authenticate(smg_desk)
    first = api_client.get("/api/v1/passport-applications/", {"page_size": 2})
    assert first.status_code == 200
    second = api_client.get(first.json()["next"])
    assert second.status_code == 200
    assert [row["reference"] for row in second.json()["results"]] == [cases[0].reference]


def test_throttled_login(api_client, smg_desk, monkeypatch):
    monkeypatch.setattr("rest_framework.throttling.ScopedRateThrottle.THROTTLE_RATES", {"login": "1/minute"})
    cache.clear()
    credentials = {"username": "smg.frontdesk", "password": "wrong"}
    api_client.post("/api/v1/auth/token/", credentials, format="json")
    response = api_client.post("/api/v1/auth/token/", credentials, format="json")
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    cache.clear()


def test_a_forged_forwarded_for_does_not_escape_the_login_throttle(api_client, smg_desk, monkeypatch):
    """Without trusted proxies (the default) the header is the caller's to invent: DRF keyed each try apart."""
    monkeypatch.setattr("rest_framework.throttling.ScopedRateThrottle.THROTTLE_RATES", {"login": "3/minute"})
    cache.clear()
    codes = [
        api_client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{n}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    cache.clear()


# A body a little over Django's limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MiB): the hostile-client pass
# sent 3 MB and got a 500.
LARGE = 3 * 1024 * 1024


def test_a_body_over_the_limit_is_payload_too_large_and_writes_nothing(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    body = create_body()
    body["notes"] = "x" * LARGE
    response = api_client.post("/api/v1/passport-applications/", body, format="json")
    body = assert_problem(response, 413, "payload-too-large")
    assert "2621440" in body["detail"]
    assert not PassportApplication.objects.exists()


def test_a_body_over_the_limit_is_refused_before_authentication(api_client, db):
    response = api_client.post("/api/v1/auth/token/", "x" * LARGE, content_type="application/json")
    assert_problem(response, 413, "payload-too-large")


def test_a_body_at_the_limit_is_read(api_client, smg_desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    api_client.force_authenticate(smg_desk)
    body = '{"channel": "' + "x" * 49 + '"}'
    assert len(body) == 64
    response = api_client.post("/api/v1/passport-applications/", body, content_type="application/json")
    problem = assert_problem(response, 400, "invalid")
    assert ("channel", "invalid_choice") in {(param["name"], param["code"]) for param in problem["invalid_params"]}


def test_a_content_length_that_is_not_a_number_is_malformed(api_client, smg_desk):
    api_client.force_authenticate(smg_desk)
    response = api_client.post(
        "/api/v1/passport-applications/", "{}", content_type="application/json", CONTENT_LENGTH="12abc"
    )
    assert_problem(response, 400, "malformed-request")
    assert not PassportApplication.objects.exists()


def test_an_admin_form_over_the_limit_is_refused_with_a_page_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/applications/passportapplication/add/", {"notes": "x" * LARGE, "channel": "walk_in"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b'id="payload-too-large"' in response.content
    assert not PassportApplication.objects.exists()

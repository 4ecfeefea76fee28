"""The OpenAPI schema builds without warnings, declares every error, and its docs need no CDN."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tests.support.api import PROBLEM

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, django_db_blocker) -> Path:
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path


@pytest.fixture(scope="module")
def schema(schema_file) -> dict:
    return yaml.safe_load(schema_file.read_text(encoding="utf-8"))


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_schema_generation_has_no_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/offices/", "/api/v1/offices/{code}/", "/api/v1/me/", "/api/v1/health/"} <= schema["paths"].keys()


def test_every_operation_declares_a_problem_response(schema):
    for path, method, operation in _operations(schema):
        problems = [
            status
            for status, response in operation["responses"].items()
            if status.startswith("4") and PROBLEM in response.get("content", {})
        ]
        assert problems, f"{method.upper()} {path} declares no 4xx problem response"


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/api/v1/auth/token/", "post", "401"),
        ("/api/v1/auth/token/", "post", "400"),
        ("/api/v1/offices/", "get", "401"),
        ("/api/v1/offices/", "get", "400"),
        ("/api/v1/offices/{code}/", "get", "404"),
        ("/api/v1/offices/{code}/", "get", "400"),
        ("/api/v1/offices/{code}/", "get", "405"),
        ("/api/v1/me/", "get", "401"),
        ("/api/v1/passport-applications/", "post", "413"),
    ],
)
def test_the_errors_each_endpoint_can_give_are_declared(schema, path, method, status):
    assert PROBLEM in schema["paths"][path][method]["responses"][status]["content"]


def test_health_declares_no_throttling_it_never_does(schema):
    assert "429" not in schema["paths"]["/api/v1/health/"]["get"]["responses"]


def test_schema_endpoint_answers(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/offices/" in response.content


def test_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    urls += re.findall(r"""["'](https?://[^"']+)["']""", page)
    assert any(url.startswith("/static/") for url in urls)
    external = [url for url in urls if url.startswith(("http://", "https://", "//"))]
    assert external == []
    # Not a bare substring test: the page carries random tokens, which may contain "cdn".
    assert not re.search(r"\bcdn\b|cdn\.", page, re.IGNORECASE)


@pytest.mark.parametrize(("component", "field"), [("Application", "priority"), ("StayPermitApplication", "ground")])
def test_a_choice_a_case_may_leave_empty_allows_the_empty_value(schema, component, field):
    """An application without priority answers ``priority: ""``: the schema must allow it."""
    refs = {item["$ref"] for item in schema["components"]["schemas"][component]["properties"][field]["oneOf"]}
    assert "#/components/schemas/BlankEnum" in refs
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]

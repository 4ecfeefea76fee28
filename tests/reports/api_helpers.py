"""Reading reports over the API in tests: a logged-in client, a report's rows, its field errors."""

from typing import Any

from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def report_get(user, slug: str, **params: Any):
    """GET /api/v1/reports/<slug>/ as ``user`` with ``params`` (None values left out)."""
    query = {name: value for name, value in params.items() if value is not None}
    return client_for(user).get(f"/api/v1/reports/{slug}/", query)


def report_rows(user, slug: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of the report (one page of up to 1,000), failing unless the answer is 200."""
    response = report_get(user, slug, page_size=1000, **params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"]), "the fixture fits on one page"
    return body["results"]


def invalid_params(response) -> list[tuple[str, str]]:
    """The (field, code) pairs of a 400 problem."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid"
    return [(row["name"], row["code"]) for row in response.json()["invalid_params"]]

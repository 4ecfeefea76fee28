"""Reading reports over the API in tests: a logged-in client, a report's rows, its field errors."""

from typing import Any

from tests.support.api import client_for


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

"""Calling the API as a user, and reading the problem documents it answers with."""

from rest_framework.test import APIClient

PROBLEM = "application/problem+json"


def client_for(user) -> APIClient:
    """An API client logged in as ``user`` (a session, as the browsable API and the admin use)."""
    client = APIClient()
    client.force_login(user)
    return client


def invalid_params(response) -> dict[str, set[str]]:
    """The codes of a problem's ``invalid_params``, per field."""
    found: dict[str, set[str]] = {}
    for row in response.json()["invalid_params"]:
        found.setdefault(row["name"], set()).add(row["code"])
    return found


def invalid_param_pairs(response) -> list[tuple[str, str]]:
    """The (field, code) pairs of a 400 ``invalid`` problem, in the order given; fails on any other answer."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "invalid"
    return [(row["name"], row["code"]) for row in response.json()["invalid_params"]]

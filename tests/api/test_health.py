"""The health check load balancers call: public, cheap, and honest about the database and broker."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_is_public_and_reports_the_database(api_client):
    response = api_client.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": None}


def test_health_reports_an_unreachable_broker(api_client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    monkeypatch.setattr("plumbing.api.health._broker_ok", lambda: False)
    response = api_client.get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}

"""Time-zone offsets PostgreSQL refuses (16 hours or more) are read as the moment they name."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("offset", "expected"), [("%2B16:00", 1), ("-23:59", 0), ("%2B23:59", 1)])
def test_api_filters_take_any_offset_python_reads(api_client, smg, member, offset, expected):
    PassportApplicationFactory(office=smg)
    api_client.force_authenticate(member(Role.FRONT_DESK, office=smg))
    # 2000-01-01 at +16:00 is 1999-12-31 08:00 UTC; at -23:59 it is 2000-01-01 23:59 UTC.
    response = api_client.get(f"/api/v1/passport-applications/?created_after=2000-01-01T00:00:00{offset}")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 1


def test_admin_date_filters_take_any_offset_python_reads(client, smg, member):
    PassportApplicationFactory(office=smg)
    client.force_login(member(Role.FRONT_DESK, office=smg))
    url = reverse("admin:applications_passportapplication_changelist")
    for value in ("2000-01-01 00:00:00-23:59", "2000-01-01 00:00:00+16:00"):
        response = client.get(url, {"created_at__gte": value})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1


def test_the_moment_is_kept_not_the_offset(smg):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::timestamptz = %s::timestamptz",
            [
                datetime.fromisoformat("2026-01-01T00:00:00+16:00"),
                datetime(2025, 12, 31, 8, tzinfo=UTC),
            ],
        )
        assert cursor.fetchone() == (True,)

"""A slowdown in force slows an active outage's projection, and the impact says so."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from recovery.impact import outage_impact
from tests.recovery.helpers import held, local, national_outage

pytestmark = [pytest.mark.usefixtures("late_november_2026"), pytest.mark.django_db]


def test_a_slowdown_slows_the_projection_and_the_impact_names_it(small_smg, national_admin, client):
    outage = national_outage(national_admin)
    held(small_smg, 6, start=local(date(2026, 11, 20)))
    # 3 a day from Monday 30 November: done on Tuesday 1 December.
    assert outage_impact(outage).offices[0].clears_on == date(2026, 12, 1)

    slowdown = outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=small_smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Jaringan lambat",
        capacity_percent=50,
    )

    # 50% of 3 is one a day: six working days, the last Monday 7 December.
    impact = outage_impact(outage)
    assert impact.offices[0].clears_on == date(2026, 12, 7)
    assert [each.pk for each in impact.slowdowns] == [slowdown.pk]
    api = APIClient()
    api.force_login(national_admin)
    body = api.get(f"/api/v1/outages/{outage.pk}/impact/").json()
    assert body["offices"][0]["clears_on"] == "2026-12-07"
    assert [(each["id"], each["capacity_percent"]) for each in body["slowdowns"]] == [(slowdown.pk, 50)]
    client.force_login(national_admin)
    html = client.get(reverse("admin:recovery_outageimpact_change", args=[outage.pk])).content.decode()
    assert f"perlambatan #{slowdown.pk} menyisakan 50% kapasitas" in html

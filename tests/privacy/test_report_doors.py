"""Reports that name people, as pages and as files: one log row each, naming the holders listed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from offices.roles import Role
from privacy.models import Door, Outcome, PersonalDataAccess
from tests.permits.factories import StayPermitFactory
from tests.support.api import client_for

STAYS = "/api/v1/reports/protected-stays/"


@pytest.fixture
def overstayers(offices):
    """Two holders at Semarang whose permits ended without a successor, one at Surabaya."""
    smg, sby = offices["SMG"], offices["SBY"]
    return [
        StayPermitFactory(office=office, valid_until=office.local_today() - timedelta(days=days))
        for office, days in ((smg, 10), (smg, 20), (sby, 5))
    ]


def holders(permits) -> list[str]:
    return sorted(permit.holder.passport_number for permit in permits)


def only_row() -> PersonalDataAccess:
    rows = list(PersonalDataAccess.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(("suffix", "door"), [("", Door.REPORT), ("csv/", Door.EXPORT), ("xlsx/", Door.EXPORT)])
def test_the_api_page_csv_and_xlsx_name_the_holders(overstayers, offices, member, suffix, door):
    head = member(Role.OFFICE_HEAD, office=offices["SMG"])

    response = client_for(head).get(f"{STAYS}{suffix}")

    assert response.status_code == 200
    if suffix == "csv/":
        b"".join(response.streaming_content)
    row = only_row()
    assert (row.door, row.outcome, row.path) == (door, Outcome.SHOWN, f"{STAYS}{suffix}")
    assert sorted(row.people) == holders(overstayers[:2])
    assert row.office_id == offices["SMG"].pk


def test_a_report_filtered_to_one_office_names_that_office(overstayers, offices, national_admin):
    client_for(national_admin).get(f"{STAYS}csv/", {"office": "SBY"})

    row = only_row()
    assert (row.people, row.office_id, row.search) == (holders(overstayers[2:]), offices["SBY"].pk, {"office": "SBY"})


def test_a_report_that_names_nobody_writes_nothing(overstayers, national_admin):
    assert client_for(national_admin).get("/api/v1/reports/office-daily/csv/").status_code == 200

    assert not PersonalDataAccess.objects.exists()


def test_permits_expiring_names_holders_and_person_sponsors(offices, member):
    smg = offices["SMG"]
    permit = StayPermitFactory(office=smg, valid_until=smg.local_today() + timedelta(days=10))
    head = member(Role.OFFICE_HEAD, office=smg)

    assert client_for(head).get("/api/v1/reports/permits-expiring/xlsx/").status_code == 200

    # The factory's sponsor is a company: it identifies nobody.
    assert only_row().people == [permit.holder.passport_number]


def test_a_reader_without_a_report_role_is_a_refused_read(overstayers, offices, member):
    desk = member(Role.FRONT_DESK, office=offices["SMG"])

    assert client_for(desk).get(STAYS).status_code == 403

    row = only_row()
    assert (row.door, row.outcome, row.status_code, row.people) == (Door.REPORT, Outcome.REFUSED, 403, [])


def test_the_admin_report_page_and_its_exports(overstayers, offices, member, client):
    head = member(Role.OFFICE_HEAD, office=offices["SMG"])
    client.force_login(head)
    url = reverse("admin:reports_dashboard_report", args=["protected-stays"])

    page = client.get(url)
    csv = client.get(url, {"export": "csv"})
    b"".join(csv.streaming_content)
    xlsx = client.get(url, {"export": "xlsx"})

    assert page.status_code == csv.status_code == xlsx.status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("id"))
    assert [(row.door, row.search) for row in rows] == [
        (Door.REPORT, {}),
        (Door.EXPORT, {}),
        (Door.EXPORT, {}),
    ]
    assert all(sorted(row.people) == holders(overstayers[:2]) for row in rows)


def test_the_admin_report_page_refused(overstayers, offices, member, client):
    client.force_login(member(Role.FRONT_DESK, office=offices["SMG"]))

    response = client.get(reverse("admin:reports_dashboard_report", args=["protected-stays"]))

    assert response.status_code == 403
    assert (only_row().door, only_row().outcome) == (Door.REPORT, Outcome.REFUSED)

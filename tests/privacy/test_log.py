"""The log itself: append-only in the database, purged after its retention, read by headquarters only."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from offices.roles import Role
from privacy.models import Door, Outcome, PersonalDataAccess
from privacy.services import personal_data_accesses_purge, search_mask
from privacy.tasks import personal_data_accesses_purge_task
from tests.support.factories import UserFactory

NIK = "3374011705900001"
OTHER_NIK = "3374011705900002"
PASSPORT = "PA1234567"

pytestmark = pytest.mark.django_db


def access(*, days_ago: int = 0, people: list[str] | None = None, **fields) -> PersonalDataAccess:
    username = fields.pop("username", "smg.frontdesk")
    return PersonalDataAccess.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        user=UserFactory(username=username),
        username=username,
        door=fields.pop("door", Door.API),
        path=fields.pop("path", "/api/v1/passport-applications/SMG-240620-0001/"),
        status_code=200,
        people=people if people is not None else [NIK],
        **fields,
    )


# Append-only --------------------------------------------------------------------------------------


def test_the_database_refuses_an_update():
    row = access()

    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=row.pk).update(username="someone-else")

    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_personaldataaccess SET people = '{}' WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert (row.username, row.people) == ("smg.frontdesk", [NIK])


def test_the_database_refuses_a_delete():
    row = access(days_ago=5000)

    with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=row.pk).delete()

    with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_personaldataaccess")
    assert PersonalDataAccess.objects.filter(pk=row.pk).exists()


# Retention -----------------------------------------------------------------------------------------


def test_the_purge_deletes_only_rows_past_the_retention(settings):
    settings.PERSONAL_DATA_LOG_RETENTION = timedelta(days=730)
    old = access(days_ago=731)
    kept = access(days_ago=729)

    assert personal_data_accesses_purge() == 1

    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()


def test_after_the_purge_the_table_refuses_deletes_again():
    access(days_ago=1000)
    recent = access()
    personal_data_accesses_purge_task.apply()

    with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic():
        PersonalDataAccess.objects.filter(pk=recent.pk).delete()


def test_the_retention_defaults_to_two_years():
    assert timedelta(days=730) == django_settings.PERSONAL_DATA_LOG_RETENTION


# Masking -------------------------------------------------------------------------------------------


def test_a_search_keeps_codes_and_dates_and_masks_identifiers_and_names():
    masked = search_mask(
        QueryDict(
            f"q=Budi Santoso {NIK}&office=SMG&status=verified&created_after=2026-11-01"
            "&phone=0812-3456-7890&cursor=cD0x&page_size=50&region=33&passport=B1234567"
        )
    )

    assert masked == {
        "q": "B*** S****** ************0001",
        "office": "SMG",
        "status": "verified",
        "created_after": "2026-11-01",
        "phone": "****-****-7890",
        "region": "33",
        "passport": "B***4567",
    }


# Reading the log: the admin ------------------------------------------------------------------------


@pytest.fixture
def logged(offices):
    smg = offices["SMG"]
    return [
        access(people=[NIK, OTHER_NIK], office=smg, username="smg.frontdesk", address="10.0.0.7"),
        access(people=[PASSPORT], office=smg, username="smg.adjudicator"),
        access(people=[NIK], door=Door.ADMIN, username="sby.frontdesk", outcome=Outcome.SHOWN),
    ]


def test_a_national_administrator_finds_who_saw_a_person(logged, national_admin, client):
    client.force_login(national_admin)

    response = client.get(reverse("admin:privacy_personaldataaccess_changelist"), {"q": NIK})

    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {logged[0].pk, logged[2].pk}
    assert reverse("admin:privacy_personaldataaccess_export") in response.content.decode()
    # The lookup is itself a read of that person's data.
    lookup = PersonalDataAccess.objects.latest("id")
    assert (lookup.username, lookup.door, lookup.people) == ("pusat", Door.ADMIN, [NIK])


def test_the_admin_filters_by_user_office_and_period(logged, national_admin, offices, client):
    client.force_login(national_admin)
    url = reverse("admin:privacy_personaldataaccess_changelist")

    since = timezone.now() - timedelta(hours=1)
    by_period = client.get(url, {"at__gte": since.isoformat(), "at__lt": (since + timedelta(hours=2)).isoformat()})
    by_user = client.get(url, {"user__id__exact": logged[1].user_id})
    by_username = client.get(url, {"q": "smg.adjudicator"})
    by_office = client.get(url, {"office__id__exact": offices["SMG"].pk})

    assert {row.pk for row in by_user.context["cl"].result_list} == {logged[1].pk}
    assert {row.pk for row in by_username.context["cl"].result_list} == {logged[1].pk}
    # A username names no person: looking one up is not recorded as a read of anyone.
    assert PersonalDataAccess.objects.count() == len(logged)
    assert {row.pk for row in by_office.context["cl"].result_list} == {logged[0].pk, logged[1].pk}
    assert {row.pk for row in by_period.context["cl"].result_list} == {row.pk for row in logged}


def test_the_export_of_one_person_lists_their_reads_and_nobody_else(logged, national_admin, client):
    client.force_login(national_admin)

    response = client.get(reverse("admin:privacy_personaldataaccess_export"), {"person": NIK})

    assert response.status_code == 200
    assert NIK[-4:] in response["Content-Disposition"]
    assert NIK not in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[1] for row in rows[1:]] == ["smg.frontdesk", "sby.frontdesk"]
    assert rows[1][2] == "10.0.0.7"
    assert rows[1][5] == "SMG"
    assert OTHER_NIK not in content
    export = PersonalDataAccess.objects.latest("id")
    assert (export.door, export.people) == (Door.EXPORT, [NIK])


@pytest.mark.parametrize("role", [Role.OFFICE_HEAD, Role.REGIONAL_SUPERVISOR])
def test_other_overseers_cannot_read_the_log(logged, offices, member, client, role):
    scope = {"office": offices["SMG"]} if role == Role.OFFICE_HEAD else {"region": offices["SMG"].region}
    client.force_login(member(role, **scope))

    assert client.get(reverse("admin:privacy_personaldataaccess_changelist")).status_code == 403
    assert client.get(reverse("admin:privacy_personaldataaccess_export"), {"person": NIK}).status_code == 403
    assert client.get(reverse("admin:privacy_personaldataaccess_change", args=[logged[0].pk])).status_code == 403


def test_the_admin_offers_no_change_and_no_delete(logged, national_admin, client):
    client.force_login(national_admin)
    url = reverse("admin:privacy_personaldataaccess_change", args=[logged[0].pk])

    assert client.post(url, {"username": "x"}).status_code == 403
    assert client.get(reverse("admin:privacy_personaldataaccess_delete", args=[logged[0].pk])).status_code == 403
    logged[0].refresh_from_db()
    assert logged[0].username == "smg.frontdesk"


# Reading the log: the API --------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_api_answers_a_data_subject_request(logged, national_admin):
    response = api(national_admin).get("/api/v1/personal-data-accesses/", {"person": NIK})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [entry["id"] for entry in results] == [logged[2].pk, logged[0].pk]
    assert results[1] == {
        "id": logged[0].pk,
        "at": results[1]["at"],
        "username": "smg.frontdesk",
        "address": "10.0.0.7",
        "door": "api",
        "outcome": "shown",
        "status_code": 200,
        "office": "SMG",
        "path": "/api/v1/passport-applications/SMG-240620-0001/",
        "search": {},
    }
    assert OTHER_NIK not in response.content.decode()
    lookup = PersonalDataAccess.objects.latest("id")
    assert (lookup.door, lookup.people, lookup.search) == (Door.API, [NIK], {"person": "*" * 12 + NIK[-4:]})


def test_the_api_filters_by_user_office_and_door(logged, national_admin):
    client = api(national_admin)

    by_user = client.get("/api/v1/personal-data-accesses/", {"user": "smg.adjudicator"})
    by_office_and_door = client.get("/api/v1/personal-data-accesses/", {"office": "SMG", "door": "api"})

    assert [entry["id"] for entry in by_user.json()["results"]] == [logged[1].pk]
    assert [entry["id"] for entry in by_office_and_door.json()["results"]] == [logged[1].pk, logged[0].pk]


def test_the_api_refuses_everyone_but_headquarters(logged, offices, member):
    head = member(Role.OFFICE_HEAD, office=offices["SMG"])
    client_of_api = member(Role.API_CLIENT, office=None)

    for user in (head, client_of_api):
        response = api(user).get("/api/v1/personal-data-accesses/", {"person": NIK})
        assert response.status_code == 403
        assert response.json()["code"] == "permission-denied"


def test_an_unknown_filter_is_refused(national_admin):
    response = api(national_admin).get("/api/v1/personal-data-accesses/", {"nik": NIK})

    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "nik"

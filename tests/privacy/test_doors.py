"""The personal-data access log at each door: one row per request, naming whom it showed or sought."""

import pytest
from django.urls import reverse

from offices.roles import Role
from permits.services import permit_application_submit
from privacy.models import Door, Outcome, PersonalDataAccess
from tests.applications.service_factories import ApplicantFactory, PassportApplicationFactory
from tests.permits.factories import StayPermitFactory, intake, sponsor_data
from tests.support.api import client_for
from tests.support.factories import UserFactory

API = "/api/v1/passport-applications/"


def only_row() -> PersonalDataAccess:
    rows = list(PersonalDataAccess.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def desk(offices, member):
    return member(Role.FRONT_DESK, office=offices["SMG"], username="smg.frontdesk")


@pytest.fixture
def budi(offices):
    return PassportApplicationFactory(
        office=offices["SMG"], applicant=ApplicantFactory(full_name="Budi Santoso"), reference="SMG-240620-0001"
    )


# The API ------------------------------------------------------------------------------------------


def test_an_api_detail_names_the_applicant_by_nik(desk, budi, smg):
    response = client_for(desk).get(f"{API}{budi.reference}/", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    row = only_row()
    assert (row.user_id, row.username, row.address) == (desk.pk, "smg.frontdesk", "10.1.2.3")
    assert (row.door, row.outcome, row.status_code) == (Door.API, Outcome.SHOWN, 200)
    assert row.people == [budi.applicant.nik]
    assert row.office_id == smg.pk
    assert row.path == f"{API}{budi.reference}/"
    assert row.search == {}


def test_the_address_is_the_one_the_trusted_proxy_saw(desk, budi, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    client_for(desk).get(f"{API}{budi.reference}/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert only_row().address == "203.0.113.9"


def test_the_history_is_a_read_of_the_applicant(desk, budi):
    assert client_for(desk).get(f"{API}{budi.reference}/history/").status_code == 200

    row = only_row()
    assert (row.door, row.people, row.path) == (Door.API, [budi.applicant.nik], f"{API}{budi.reference}/history/")


def test_a_list_writes_one_row_naming_everyone_on_the_page(desk, smg):
    cases = [PassportApplicationFactory(office=smg) for _ in range(5)]

    response = client_for(desk).get(API, {"status": "submitted"})

    assert response.status_code == 200
    row = only_row()
    assert sorted(row.people) == sorted(case.applicant.nik for case in cases)
    assert row.search == {"status": "submitted"}
    assert row.office_id == smg.pk


def test_a_search_is_recorded_with_the_identifier_masked(desk, budi):
    nik = budi.applicant.nik

    response = client_for(desk).get(API, {"q": nik})

    assert [case["reference"] for case in response.json()["results"]] == [budi.reference]
    row = only_row()
    assert row.people == [nik]
    assert row.search == {"q": "*" * 12 + nik[-4:]}
    assert nik not in str(row.search)


def test_a_search_by_name_keeps_only_initials_and_finds_nobody_is_still_recorded(desk, budi):
    client_for(desk).get(API, {"q": "Budi Santosa"})

    row = only_row()
    assert (row.people, row.search) == ([], {"q": "B*** S******"})


def test_an_action_answering_with_the_case_is_a_read(desk, budi):
    response = client_for(desk).post(f"{API}{budi.reference}/verify/", {}, format="json")

    assert response.status_code == 200
    row = only_row()
    assert (row.door, row.outcome, row.people) == (Door.API, Outcome.SHOWN, [budi.applicant.nik])


def test_a_case_outside_the_scope_is_a_refused_read(desk, offices):
    other = PassportApplicationFactory(office=offices["SBY"], reference="SBY-240620-0001")

    response = client_for(desk).get(f"{API}{other.reference}/")

    assert response.status_code == 404
    row = only_row()
    assert (row.outcome, row.status_code, row.people) == (Outcome.REFUSED, 404, [])
    assert row.search == {"reference": "SBY-240620-0001"}
    assert row.office_id is None


def test_an_action_on_a_case_outside_the_scope_is_a_refused_read(desk, offices):
    other = PassportApplicationFactory(office=offices["SBY"], reference="SBY-240620-0002")

    assert client_for(desk).post(f"{API}{other.reference}/verify/", {}, format="json").status_code == 404

    assert (only_row().outcome, only_row().status_code) == (Outcome.REFUSED, 404)


def test_an_action_the_role_may_not_take_shows_nobody_and_is_not_logged(offices, member, budi):
    biometric = member(Role.BIOMETRIC_OPERATOR, office=offices["SMG"])

    assert client_for(biometric).post(f"{API}{budi.reference}/verify/", {}, format="json").status_code == 403

    assert not PersonalDataAccess.objects.exists()


def test_anonymous_callers_and_intake_are_not_reads(api_client, budi):
    assert api_client.get(f"{API}{budi.reference}/").status_code == 401

    assert not PersonalDataAccess.objects.exists()


def test_a_permit_application_names_the_foreigner_by_passport_and_a_person_sponsor_by_nik(offices, member):
    desk = member(Role.FRONT_DESK, office=offices["SMG"])
    application = permit_application_submit(
        actor=desk,
        **intake(
            office=offices["SMG"],
            foreigner={"passport_number": "PA7654321"},
            sponsor=sponsor_data(kind="person", nib="", nik="3374011705900001", name="Siti"),
        ),
    )

    response = client_for(desk).get(f"/api/v1/stay-permit-applications/{application.reference}/")

    assert response.status_code == 200
    assert only_row().people == ["PA7654321", "3374011705900001"]


def test_the_permit_list_and_detail_name_the_holders(offices, member):
    smg = offices["SMG"]
    permits = [StayPermitFactory(office=smg) for _ in range(3)]
    desk = member(Role.FRONT_DESK, office=smg)

    client_for(desk).get("/api/v1/stay-permits/")
    client_for(desk).get(f"/api/v1/stay-permits/{permits[0].number}/")

    listed, detail = PersonalDataAccess.objects.order_by("id")
    assert sorted(listed.people) == sorted(permit.holder.passport_number for permit in permits)
    assert detail.people == [permits[0].holder.passport_number]


# The admin ----------------------------------------------------------------------------------------


def test_the_admin_change_page_of_an_application(desk, budi, smg, client):
    client.force_login(desk)

    response = client.get(reverse("admin:applications_passportapplication_change", args=[budi.pk]))

    assert response.status_code == 200
    row = only_row()
    assert (row.door, row.outcome, row.people, row.office_id) == (
        Door.ADMIN,
        Outcome.SHOWN,
        [budi.applicant.nik],
        smg.pk,
    )


def test_the_admin_change_pages_of_an_applicant_and_a_foreigner(offices, national_admin, budi, client):
    foreigner = StayPermitFactory(office=offices["SMG"]).holder
    client.force_login(national_admin)

    assert client.get(reverse("admin:applications_applicant_change", args=[budi.applicant.pk])).status_code == 200
    assert client.get(reverse("admin:permits_foreigner_change", args=[foreigner.pk])).status_code == 200

    applicant_page, foreigner_page = PersonalDataAccess.objects.order_by("id")
    assert (applicant_page.people, applicant_page.office_id) == ([budi.applicant.nik], None)
    assert foreigner_page.people == [foreigner.passport_number]


def test_an_admin_search_names_the_page_and_masks_what_was_typed(desk, budi, smg, client):
    others = [PassportApplicationFactory(office=smg) for _ in range(3)]
    client.force_login(desk)

    response = client.get(reverse("admin:applications_passportapplication_changelist"))
    searched = client.get(reverse("admin:applications_passportapplication_changelist"), {"q": budi.applicant.nik})

    assert response.status_code == searched.status_code == 200
    listed, search = PersonalDataAccess.objects.order_by("id")
    assert sorted(listed.people) == sorted([budi.applicant.nik, *(case.applicant.nik for case in others)])
    assert search.people == [budi.applicant.nik]
    assert search.search == {"q": "*" * 12 + budi.applicant.nik[-4:]}


def test_an_admin_change_page_outside_the_scope_is_a_refused_read(desk, offices, client):
    other = PassportApplicationFactory(office=offices["SBY"])
    client.force_login(desk)

    response = client.get(reverse("admin:applications_passportapplication_change", args=[other.pk]))

    assert response.status_code == 404
    row = only_row()
    assert (row.door, row.outcome, row.status_code, row.search) == (
        Door.ADMIN,
        Outcome.REFUSED,
        404,
        {"id": str(other.pk)},
    )


def test_an_admin_list_the_user_may_not_view_is_a_refused_read(db, client):
    staff_without_role = UserFactory(is_staff=True)
    client.force_login(staff_without_role)

    response = client.get(reverse("admin:permits_foreigner_changelist"), {"q": "PA1234567"})

    assert response.status_code == 403
    row = only_row()
    assert (row.door, row.outcome, row.status_code, row.people) == (Door.ADMIN, Outcome.REFUSED, 403, [])
    assert row.search == {"q": "P****4567"}

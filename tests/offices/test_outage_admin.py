"""The outage admin: declared and resolved only through the services, by those allowed to."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role

CHANGELIST = reverse("admin:offices_outage_changelist")
ADD = reverse("admin:offices_outage_add")


@pytest.fixture
def pusat_admin(member):
    return member(Role.NATIONAL_ADMIN, username="pusat.admin")


def declare_data(**overrides) -> dict:
    return {
        "scope": OutageScope.NATIONAL,
        "capabilities": [Capability.CENTRAL_RECORDS, Capability.PRINTING],
        "reason": "Pusat Data Nasional tidak dapat diakses",
        **overrides,
    }


def resolve_url(outage: Outage) -> str:
    return reverse("admin:offices_outage_resolve", args=[outage.pk])


def change_url(outage: Outage) -> str:
    return reverse("admin:offices_outage_change", args=[outage.pk])


def test_national_admin_declares_a_national_outage(client, offices, pusat_admin):
    client.force_login(pusat_admin)
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, declare_data())

    assert response.status_code == 302, response.context["adminform"].form.errors
    outage = Outage.objects.get()
    assert outage.scope == OutageScope.NATIONAL
    assert outage.capabilities == [Capability.CENTRAL_RECORDS, Capability.PRINTING]
    assert outage.declared_by == pusat_admin
    assert outage.is_active


def test_office_head_cannot_declare_a_national_outage(client, offices, member):
    client.force_login(member(Role.OFFICE_HEAD, office=offices["SMG"]))

    response = client.post(ADD, declare_data())

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Outage.objects.exists()


def test_office_head_declares_for_their_own_office_only(client, offices, member):
    client.force_login(member(Role.OFFICE_HEAD, office=offices["SMG"]))

    other = client.post(ADD, declare_data(scope=OutageScope.OFFICE, office=offices["SBY"].pk))
    own = client.post(ADD, declare_data(scope=OutageScope.OFFICE, office=offices["SMG"].pk))

    assert other.status_code == 200
    assert own.status_code == 302
    outage = Outage.objects.get()
    assert (outage.scope, outage.office) == (OutageScope.OFFICE, offices["SMG"])


def test_a_scope_without_its_target_is_refused_on_the_field(client, offices, pusat_admin):
    client.force_login(pusat_admin)

    response = client.post(ADD, declare_data(scope=OutageScope.REGION))

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Outage.objects.exists()


def test_staff_without_the_right_see_outages_but_cannot_declare(client, offices, member, pusat_admin):
    outage = outage_declare(
        actor=pusat_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.PRINTING], reason="Printer pusat"
    )
    client.force_login(member(Role.FRONT_DESK, office=offices["SMG"]))

    listing = client.get(CHANGELIST)

    assert list(listing.context["cl"].result_list) == [outage]
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, declare_data()).status_code == 403
    assert client.get(change_url(outage)).context["resolve_url"] is None
    assert client.post(resolve_url(outage), {"note": "x"}).status_code == 403
    assert Outage.objects.get().is_active


def test_outages_of_other_offices_are_not_shown(client, offices, member, pusat_admin):
    sby = outage_declare(
        actor=pusat_admin,
        scope=OutageScope.OFFICE,
        office=offices["SBY"],
        capabilities=[Capability.PRINTING],
        reason="Printer rusak",
    )
    client.force_login(member(Role.OFFICE_HEAD, office=offices["SMG"]))

    assert list(client.get(CHANGELIST).context["cl"].result_list) == []
    assert client.get(change_url(sby)).status_code == 404
    assert client.post(resolve_url(sby), {"note": "x"}).status_code == 404


def test_national_admin_resolves_with_a_note(client, offices, pusat_admin):
    outage = outage_declare(
        actor=pusat_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.CENTRAL_RECORDS], reason="Pusat down"
    )
    client.force_login(pusat_admin)
    page = client.get(change_url(outage))
    assert page.context["resolve_url"] == resolve_url(outage)
    assert client.get(resolve_url(outage)).status_code == 200

    response = client.post(resolve_url(outage), {"note": "Layanan pulih"}, follow=True)

    assert response.redirect_chain == [(change_url(outage), 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["success"]
    outage.refresh_from_db()
    assert not outage.is_active
    assert outage.resolved_by == pusat_admin
    assert outage.resolution_note == "Layanan pulih"

    again = client.post(resolve_url(outage), {"note": "lagi"}, follow=True)
    assert [message.level_tag for message in again.context["messages"]] == ["error"]


def test_office_head_cannot_resolve_a_national_outage(client, offices, member, pusat_admin):
    outage = outage_declare(
        actor=pusat_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.CENTRAL_RECORDS], reason="Pusat down"
    )
    client.force_login(member(Role.OFFICE_HEAD, office=offices["SMG"]))

    assert client.get(change_url(outage)).context["resolve_url"] is None
    response = client.post(resolve_url(outage), {"note": "Sudah pulih"}, follow=True)

    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    outage.refresh_from_db()
    assert outage.is_active


def test_national_admin_declares_a_slowdown(client, offices, pusat_admin):
    client.force_login(pusat_admin)

    response = client.post(ADD, declare_data(capabilities=[Capability.CENTRAL_RECORDS], capacity_percent="60"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    outage = Outage.objects.get()
    assert (outage.capacity_percent, outage.is_degraded) == (60, True)


@pytest.mark.parametrize(("capacity", "code"), [("0", "min_value"), ("100", "max_value"), ("abc", "invalid")])
def test_capacity_outside_1_to_99_is_refused_on_the_field(client, offices, pusat_admin, capacity, code):
    client.force_login(pusat_admin)

    response = client.post(ADD, declare_data(capacity_percent=capacity))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [error.code for error in form.errors.as_data()["capacity_percent"]] == [code]
    assert not Outage.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"capabilities": []}, "capabilities", "required"),
        ({"capabilities": ["coffee"]}, "capabilities", "invalid_choice"),
        ({"scope": OutageScope.OFFICE}, "office", "required"),
    ],
)
def test_bad_declarations_are_refused_on_the_field(client, offices, pusat_admin, overrides, field, code):
    client.force_login(pusat_admin)

    response = client.post(ADD, declare_data(**overrides))

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()[field]] == [code]
    assert not Outage.objects.exists()


def test_the_list_and_the_record_show_the_remaining_capacity(client, offices, pusat_admin):
    blocking = outage_declare(
        actor=pusat_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.PRINTING], reason="Printer pusat"
    )
    slowdown = outage_declare(
        actor=pusat_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="PDN lambat",
        capacity_percent=45,
    )
    client.force_login(pusat_admin)

    listing = client.get(CHANGELIST)
    record = client.get(change_url(slowdown))

    model_admin = listing.context["cl"].model_admin
    assert model_admin.capacity_display(slowdown) == "45%"
    assert model_admin.capacity_display(blocking) == gettext("down")
    assert "capacity_display" in listing.context["cl"].list_display
    assert '<td class="field-capacity_display">45%</td>' in listing.content.decode()
    assert f'<td class="field-capacity_display">{gettext("down")}</td>' in listing.content.decode()
    assert '<div class="readonly">45%</div>' in record.content.decode()


def split_end(moment) -> dict[str, str]:
    """The admin's date and time inputs for ``moment``, in the current (Jakarta) time."""
    local = timezone.localtime(moment)
    return {"expected_end_0": local.strftime("%Y-%m-%d"), "expected_end_1": local.strftime("%H:%M:%S")}


@pytest.mark.parametrize(
    ("date", "time", "code"),
    [
        # Year 1 in Jakarta is before the year 1 in UTC: once stored, the admin, the status and
        # every case list failed reading it back.
        ("0001-01-01", "00:00:00", "in-past"),
        ("2020-01-01", "00:00:00", "in-past"),
        ("9999-12-31", "23:59:59", "too-far"),
    ],
)
def test_an_expected_end_not_ahead_within_a_year_is_refused_on_the_field(
    client, offices, pusat_admin, date, time, code
):
    client.force_login(pusat_admin)

    response = client.post(ADD, declare_data(expected_end_0=date, expected_end_1=time))

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["expected_end"]] == [code]
    assert not Outage.objects.exists()
    assert client.get(CHANGELIST).status_code == 200


def test_an_expected_end_within_a_year_is_kept(client, offices, pusat_admin):
    client.force_login(pusat_admin)
    end = (timezone.now() + timedelta(days=30)).replace(microsecond=0)

    response = client.post(ADD, declare_data(**split_end(end)))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Outage.objects.get().expected_end == end

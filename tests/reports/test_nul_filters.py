"""A NUL in an office or region filter is the field error of any unknown name, never a bare 400 or a 500."""

import pytest

from offices.roles import Role
from tests.reports.api_helpers import report_get
from tests.support.api import client_for, invalid_param_pairs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "field"),
    [({"office": "SMG\x00"}, "office"), ({"office": "\x00"}, "office"), ({"region": "33\x00"}, "region")],
)
def test_a_report_filter_with_a_nul_is_refused_on_its_field_like_an_unknown_code(smg, national_admin, params, field):
    unknown = report_get(national_admin, "office-daily", **{field: "XYZ" if field == "office" else "99"})
    response = report_get(national_admin, "office-daily", **params)

    assert invalid_param_pairs(response) == invalid_param_pairs(unknown) == [(field, "does_not_exist")]
    assert "\x00" not in response.content.decode()


def test_the_backlog_refuses_a_nul_office_on_its_field(smg, national_admin):
    response = client_for(national_admin).get("/api/v1/backlog/", {"office": "SMG\x00"})
    assert invalid_param_pairs(response) == [("office", "does_not_exist")]


def test_a_case_list_refuses_a_nul_office_on_its_field(smg, member):
    desk = member(Role.FRONT_DESK, office=smg)
    response = client_for(desk).get("/api/v1/passport-applications/", {"office": "SMG\x00"})
    assert [name for name, _code in invalid_param_pairs(response)] == ["office"]


def test_a_nul_in_another_parameter_is_still_a_malformed_request(smg, national_admin):
    response = report_get(national_admin, "office-daily", start="2026-03-01\x00")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed-request"


@pytest.mark.parametrize("url", ["/admin/reports/dashboard/", "/admin/reports/dashboard/office-daily/"])
def test_the_admin_pages_show_the_office_field_error(smg, national_admin, client, url):
    client.force_login(national_admin)
    response = client.get(url, {"office": "SMG\x00"})
    assert response.status_code == 400
    assert [error.code for error in response.context["errors"]["office"]] == ["does_not_exist"]

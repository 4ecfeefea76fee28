"""The offices API: filters, the caller's scope, and a query count that does not grow with the list."""

import pytest

from offices.roles import Role
from tests.support.factories import MembershipFactory, UserFactory


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def national_client(member, offices, api_client):
    api_client.force_authenticate(member(Role.API_CLIENT, username="api.mpaspor"))
    return api_client


def _all(client, **params) -> list[str]:
    return _codes(client.get("/api/v1/offices/", {"page_size": 200, **params}))


def test_national_api_client_sees_all_145(national_client):
    codes = _all(national_client)
    assert len(codes) == 145
    assert codes == sorted(codes)


def test_smg_front_desk_sees_only_smg(api_client, member, smg):
    api_client.force_authenticate(member(Role.FRONT_DESK, office=smg))
    assert _all(api_client) == ["SMG"]


def test_office_detail_of_another_office_is_not_found(api_client, member, smg):
    api_client.force_authenticate(member(Role.FRONT_DESK, office=smg))
    response = api_client.get("/api/v1/offices/SBY/")
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"


def test_office_detail(api_client, member, smg):
    api_client.force_authenticate(member(Role.FRONT_DESK, office=smg))
    response = api_client.get("/api/v1/offices/SMG/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "SMG",
        "name": "Kantor Imigrasi Kelas I Khusus TPI Semarang",
        "office_class": "Kelas I Khusus TPI",
        "region": "Jawa Tengah",
        "region_code": "33",
        "city": "Semarang",
        "timezone": "Asia/Jakarta",
        "tpi": True,
        "passport_capacity": 400,
        "permit_capacity": 20,
        "is_active": True,
    }


def test_regional_supervisor_sees_their_region(api_client, member, smg):
    api_client.force_authenticate(member(Role.REGIONAL_SUPERVISOR, region=smg.region))
    codes = _all(api_client)
    assert len(codes) == 9
    assert "SMG" in codes
    assert "SBY" not in codes


def test_user_without_membership_sees_an_empty_list(api_client, offices):
    api_client.force_authenticate(UserFactory())
    assert _all(api_client) == []


@pytest.mark.parametrize("region", ["33", "Jawa Tengah", "jawa tengah"])
def test_filter_by_region_code_or_name(national_client, region):
    codes = _all(national_client, region=region)
    assert len(codes) == 9
    assert "SMG" in codes


def test_filter_by_office_class(national_client, offices):
    codes = _all(national_client, office_class="Kelas I Khusus TPI")
    assert "SMG" in codes
    assert "SBY" in codes
    assert set(codes) == {code for code, office in offices.items() if office.office_class == "Kelas I Khusus TPI"}


def test_filter_by_tpi(national_client, offices):
    with_tpi = _all(national_client, tpi="true")
    without_tpi = _all(national_client, tpi="false")
    assert "SMG" in with_tpi
    assert "JKS" in without_tpi
    assert len(with_tpi) + len(without_tpi) == 145
    assert set(with_tpi) == {code for code, office in offices.items() if office.tpi}


def test_filter_by_active(national_client, offices):
    offices["WSB"].is_active = False
    offices["WSB"].save()
    assert _all(national_client, active="false") == ["WSB"]
    assert "WSB" not in _all(national_client, active="true")


def test_search_by_name_or_city(national_client):
    assert _all(national_client, q="semarang") == ["SMG"]
    assert "SBY" in _all(national_client, q="Sidoarjo")


def test_filters_combine_with_the_scope(api_client, member, smg):
    api_client.force_authenticate(member(Role.FRONT_DESK, office=smg))
    assert _all(api_client, region="35") == []


def test_pages_follow_the_cursor(national_client):
    first = national_client.get("/api/v1/offices/", {"page_size": 100}).json()
    assert len(first["results"]) == 100
    second = national_client.get(first["next"]).json()
    assert len(second["results"]) == 45
    assert second["next"] is None
    assert not {row["code"] for row in first["results"]} & {row["code"] for row in second["results"]}


def test_the_query_count_of_the_list_does_not_depend_on_its_length(
    api_client, offices, smg, sby, django_assert_num_queries
):
    """Two offices or all 145, the same queries: the region is joined, never fetched per row."""
    few = UserFactory()
    MembershipFactory(user=few, role=Role.FRONT_DESK, office=smg)
    MembershipFactory(user=few, role=Role.FRONT_DESK, office=sby)
    many = UserFactory()
    MembershipFactory(user=many, role=Role.API_CLIENT, office=None)

    counts = {}
    for name, user, expected in [("few", few, 2), ("many", many, 145)]:
        api_client.force_authenticate(user.__class__.objects.get(pk=user.pk))
        with django_assert_num_queries(2) as captured:
            response = api_client.get("/api/v1/offices/", {"page_size": 200})
        assert len(response.json()["results"]) == expected
        counts[name] = len(captured.captured_queries)
    assert counts["few"] == counts["many"]


def test_me_lists_the_callers_memberships(api_client, member, smg, sby):
    user = member(Role.OFFICE_HEAD, office=smg, username="smg.head")
    MembershipFactory(user=user, role=Role.REGIONAL_SUPERVISOR, office=None, region=sby.region)
    member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    api_client.force_authenticate(user)
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "smg.head"
    assert sorted(body["memberships"], key=lambda row: row["role"]) == [
        {"role": "office_head", "scope": "office", "office": "SMG", "region": None},
        {"role": "regional_supervisor", "scope": "region", "office": None, "region": "Jawa Timur"},
    ]


def test_me_for_a_national_client(api_client, member):
    api_client.force_authenticate(member(Role.API_CLIENT, username="api.mpaspor"))
    assert api_client.get("/api/v1/me/").json()["memberships"] == [
        {"role": "api_client", "scope": "nation", "office": None, "region": None}
    ]


def test_me_without_memberships(api_client, db):
    api_client.force_authenticate(UserFactory(username="nobody"))
    assert api_client.get("/api/v1/me/").json() == {"username": "nobody", "full_name": "", "memberships": []}

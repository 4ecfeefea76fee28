"""The backlog in the admin: offices holding cases, their counts per capability, each office's cases.

The world of ``test_backlog``: Semarang holds three cases waiting for central records (two passports,
a permit) and one for printing, Surabaya one for central records; a slowdown and a resolved outage
hold nothing.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from applications.workflow import Status
from offices.models import Capability, Office, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.models import BacklogOffice
from tests.recovery import test_backlog
from tests.recovery.helpers import held
from tests.recovery.test_backlog import at, passport

world = test_backlog.world  # the hand-made world, as a fixture of this module too

CHANGELIST = reverse("admin:recovery_backlogoffice_changelist")
UTC = ZoneInfo("UTC")
# The queries of the list, whatever the number of offices and cases: session, user, the user's and
# the groups' permissions, memberships, the active blocking outages, one aggregate per kind of case,
# the region filter's choices, the capped count, the page of offices and the outage banner.
CHANGELIST_QUERIES = 12
# The queries of an office's held cases: session, user, the two permission reads, memberships, the
# office, the active blocking outages, the count, the page of cases and the outage banner.
CASES_QUERIES = 10


def cases_url(office: Office) -> str:
    return reverse("admin:recovery_backlogoffice_cases", args=[office.pk])


def with_backlog_permission(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="recovery", codename="view_backlogoffice"))
    return user


@pytest.fixture
def reader(member):
    """Make a user with ``role`` at a scope who may open the backlog in the admin."""

    def make(role: str, **scope):
        return with_backlog_permission(member(role, **scope))

    return make


def listed(response) -> list[tuple]:
    """Each office's line: code, held per capability (central records, printing, issuance), total, oldest."""
    assert response.status_code == 200, response.content
    changelist = response.context["cl"]
    admin = changelist.model_admin
    columns = {column.__name__: column for column in changelist.list_display if callable(column)}
    assert list(columns) == ["held_central_records", "held_printing", "held_permit_issuance"]
    return [
        (
            office.code,
            *(column(office) for column in columns.values()),
            admin.total_display(office),
            admin.oldest_display(office),
        )
        for office in changelist.result_list
    ]


def held_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    return response.context["cases"]


SBY_LINE = ("SBY", 1, 0, 0, 1, "2024-06-20 07:00 WIB")
SMG_LINE = ("SMG", 3, 1, 0, 4, "2024-06-20 08:00 WIB")


class TestList:
    def test_offices_holding_cases_with_their_counts_per_capability_and_oldest(self, world, client, reader):
        client.force_login(reader(Role.NATIONAL_ADMIN))

        assert listed(client.get(CHANGELIST)) == [SBY_LINE, SMG_LINE]

    def test_the_oldest_moment_is_in_the_offices_own_time(self, world, offices, client, admin_user):
        passport(offices["DPS"], Status.INTERVIEWED, datetime(2024, 6, 20, 2, 0, tzinfo=UTC))
        client.force_login(admin_user)

        lines = listed(client.get(CHANGELIST))

        assert lines[0] == ("DPS", 1, 0, 0, 1, "2024-06-20 10:00 WITA")

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"capability": "printing"}, [SMG_LINE]),
            ({"capability": "permit_issuance"}, []),
            ({"capability": "central_records"}, [SBY_LINE, SMG_LINE]),
        ],
    )
    def test_capability_filter(self, world, client, admin_user, params, expected):
        client.force_login(admin_user)

        assert listed(client.get(CHANGELIST, params)) == expected

    def test_region_filter_offers_the_regions_listed(self, world, smg, sby, client, admin_user):
        client.force_login(admin_user)

        response = client.get(CHANGELIST, {"region": smg.region.pk})

        assert listed(response) == [SMG_LINE]
        region_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "region")
        assert [label for _value, label in region_filter.lookup_choices] == ["Jawa Tengah", "Jawa Timur"]

    def test_a_slowdown_alone_lists_no_office(self, smg, client, admin_user, national_admin):
        held(smg, 2, start=at(7), status=Status.APPROVED)
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.PRINTING],
            reason="Printer lambat",
            capacity_percent=40,
        )
        client.force_login(admin_user)

        assert listed(client.get(CHANGELIST)) == []

    def test_each_office_links_to_its_held_cases(self, world, smg, client, admin_user):
        client.force_login(admin_user)

        content = client.get(CHANGELIST).content.decode()

        assert f'href="{cases_url(smg)}"' in content
        assert "?_changelist_filters" not in content  # no change link: the office is its list of cases


class TestScope:
    @pytest.mark.parametrize(
        ("role", "scope", "expected"),
        [
            (Role.OFFICE_HEAD, "office", [SMG_LINE]),
            (Role.REGIONAL_SUPERVISOR, "region", [SMG_LINE]),
            (Role.NATIONAL_ADMIN, None, [SBY_LINE, SMG_LINE]),
        ],
    )
    def test_each_reader_sees_the_offices_of_their_scope(self, world, smg, client, reader, role, scope, expected):
        target = {"office": {"office": smg}, "region": {"region": smg.region}, None: {}}[scope]
        client.force_login(reader(role, **target))

        assert listed(client.get(CHANGELIST)) == expected

    def test_an_office_outside_the_scope_does_not_exist(self, world, smg, sby, client, reader):
        client.force_login(reader(Role.OFFICE_HEAD, office=smg))

        assert client.get(cases_url(sby)).status_code == 404
        assert client.get(reverse("admin:recovery_backlogoffice_change", args=[sby.pk])).status_code == 404
        assert client.get(reverse("admin:recovery_backlogoffice_cases", args=["SMG"])).status_code == 404
        assert client.get(reverse("admin:recovery_backlogoffice_cases", args=[999999])).status_code == 404

    def test_without_the_view_permission_the_backlog_is_refused(self, world, smg, client, member):
        client.force_login(member(Role.FRONT_DESK, office=smg))

        assert client.get(CHANGELIST).status_code == 403
        assert client.get(cases_url(smg)).status_code == 403

    def test_the_permission_without_a_reading_role_shows_no_office(self, world, smg, client, reader):
        client.force_login(reader(Role.FRONT_DESK, office=smg))

        assert listed(client.get(CHANGELIST)) == []
        assert client.get(cases_url(smg)).status_code == 404

    def test_the_backlog_is_read_only(self, world, smg, client, admin_user):
        client.force_login(admin_user)
        model_admin = client.get(CHANGELIST).context["cl"].model_admin

        assert client.get(reverse("admin:recovery_backlogoffice_add")).status_code == 403
        assert client.post(reverse("admin:recovery_backlogoffice_delete", args=[smg.pk])).status_code == 403
        assert client.get(reverse("admin:recovery_backlogoffice_change", args=[smg.pk])).url == cases_url(smg)
        assert not model_admin.has_change_permission(None)
        assert BacklogOffice.objects.get(pk=smg.pk).name == smg.name


class TestOfficeCases:
    def test_held_cases_in_fair_order_each_linking_to_its_page(self, world, smg, client, reader):
        client.force_login(reader(Role.OFFICE_HEAD, office=smg))

        response = client.get(cases_url(smg))

        rows = held_rows(response)
        assert [row["reference"] for row in rows] == [world[name].reference for name in ("p2", "w1", "p1", "p3")]
        assert [row["position"] for row in rows] == [1, 2, 3, 4]
        assert [row["ready_at"] for row in rows] == [
            "2024-06-20 08:00 WIB",
            "2024-06-20 08:30 WIB",
            "2024-06-20 09:00 WIB",
            "2024-06-20 10:00 WIB",
        ]
        national, jateng, printing = world["national"].pk, world["jateng"].pk, world["printing"].pk
        assert [row["held_by"] for row in rows] == [
            (national, jateng),
            (national, jateng),
            (national, jateng),
            (printing,),
        ]
        assert rows[0]["url"] == reverse("admin:applications_passportapplication_change", args=[world["p2"].pk])
        assert rows[1]["url"] == reverse("admin:permits_staypermitapplication_change", args=[world["w1"].pk])
        content = response.content.decode()
        assert f'href="{rows[1]["url"]}"' in content
        assert f'href="{reverse("admin:offices_outage_change", args=[printing])}"' in content

    def test_an_office_in_scope_without_held_cases_says_so(self, world, offices, client, admin_user):
        client.force_login(admin_user)

        response = client.get(cases_url(offices["JKS"]))

        assert held_rows(response) == []
        assert response.context["page"].paginator.count == 0
        assert 'id="held-cases"' not in response.content.decode()

    def test_pages_of_a_hundred(self, smg, client, admin_user, national_admin):
        cases = held(smg, 101, start=at(7))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Pusat Data Nasional",
        )
        client.force_login(admin_user)

        second = client.get(cases_url(smg), {"p": 2})

        assert [(row["position"], row["reference"]) for row in held_rows(second)] == [(101, cases[-1].reference)]
        assert re.search(r"\?p=1\b", second.content.decode())


class TestQueryCounts:
    @pytest.mark.parametrize("count", [2, 20])
    def test_list(self, smg, sby, offices, client, reader, national_admin, django_assert_num_queries, count):
        for office in (smg, sby, offices["JKS"]):
            held(office, count, start=at(7))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Pusat Data Nasional",
        )
        client.force_login(reader(Role.NATIONAL_ADMIN))
        client.get(CHANGELIST)  # warm the per-process caches (content types, …)

        with django_assert_num_queries(CHANGELIST_QUERIES):
            response = client.get(CHANGELIST)

        assert [line[:2] for line in listed(response)] == [("JKS", count), ("SBY", count), ("SMG", count)]

    @pytest.mark.parametrize("count", [2, 20])
    def test_office_cases(self, smg, client, reader, national_admin, django_assert_num_queries, count):
        held(smg, count, start=at(7))
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Pusat Data Nasional",
        )
        client.force_login(reader(Role.OFFICE_HEAD, office=smg))
        client.get(cases_url(smg))

        with django_assert_num_queries(CASES_QUERIES):
            response = client.get(cases_url(smg))

        assert len(held_rows(response)) == count

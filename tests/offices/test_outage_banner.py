"""The outage banner: every admin page names the active outages covering the user's offices."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offices.context_processors import outage_banner
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve, outages_covering_user
from offices.roles import Role
from tests.support.factories import UserFactory

INDEX = reverse("admin:index")
OUTAGES = reverse("admin:offices_outage_changelist")
PROCESSOR = "offices.context_processors.outage_banner"
# 02:00 UTC: 09:00 in Semarang (WIB), 10:00 in Denpasar (WITA).
DECLARED_AT = datetime(2024, 6, 20, 2, 0, tzinfo=UTC)


def banner_ids(response) -> list[int]:
    """The outages the page's banner names, in order, read from the rendered HTML."""
    return [int(found) for found in re.findall(r'data-outage="(\d+)"', response.content.decode())]


def in_english(client) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def smg_staff(member, smg):
    return member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")


@pytest.fixture
def sby_staff(member, sby):
    return member(Role.FRONT_DESK, office=sby, username="sby.frontdesk")


@pytest.fixture
def jateng_supervisor(member, smg):
    return member(Role.REGIONAL_SUPERVISOR, region=smg.region, username="kanwil.jateng")


@pytest.fixture
def national(national_admin) -> Outage:
    return outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING],
        reason="Pusat Data Nasional diserang ransomware",
    )


@pytest.fixture
def jateng(national_admin, smg) -> Outage:
    return outage_declare(
        actor=national_admin,
        scope=OutageScope.REGION,
        region=smg.region,
        capabilities=[Capability.PRINTING],
        reason="Jaringan Kanwil Jateng putus",
    )


@pytest.fixture
def at_smg(national_admin, smg) -> Outage:
    return outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=smg,
        capabilities=[Capability.EXPRESS_SERVICE],
        reason="Listrik padam",
    )


@pytest.fixture
def at_sby(national_admin, sby) -> Outage:
    return outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=sby,
        capabilities=[Capability.PRINTING],
        reason="Printer rusak",
    )


class TestWhoSeesIt:
    def test_smg_staff_see_a_national_outage_on_every_page(self, client, smg_staff, national):
        client.force_login(smg_staff)

        for url in (INDEX, OUTAGES, reverse("admin:password_change")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert banner_ids(response) == [national.pk], url
        row = response.context["outage_banner"][0]
        assert row["scope"] == "nasional"  # the label of a national outage, in Indonesian
        assert row["reason"] == "Pusat Data Nasional diserang ransomware"
        assert row["capacity_percent"] is None
        assert row["expected_end"] is None

    def test_smg_staff_see_their_region_and_office_outages(self, client, smg_staff, jateng, at_smg, at_sby):
        client.force_login(smg_staff)

        response = client.get(INDEX)

        assert banner_ids(response) == [jateng.pk, at_smg.pk]
        assert [row["scope"] for row in response.context["outage_banner"]] == ["Jawa Tengah", "SMG"]

    def test_sby_staff_see_nothing_of_semarang_or_jawa_tengah(self, client, sby_staff, jateng, at_smg):
        client.force_login(sby_staff)

        response = client.get(INDEX)

        assert response.status_code == 200
        assert banner_ids(response) == []
        assert response.context["outage_banner"] == []
        assert 'id="outage-banner"' not in response.content.decode()

    def test_sby_staff_see_a_national_outage_and_their_own(self, client, sby_staff, national, jateng, at_sby):
        client.force_login(sby_staff)

        assert banner_ids(client.get(INDEX)) == [national.pk, at_sby.pk]

    def test_regional_supervisor_sees_what_covers_any_office_of_the_region(
        self, client, jateng_supervisor, national_admin, offices, national, jateng, at_smg, at_sby
    ):
        elsewhere_in_region = next(o for o in offices.values() if o.region_id == jateng.region_id and o.code != "SMG")
        in_region = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=elsewhere_in_region,
            capabilities=[Capability.PRINTING],
            reason="Printer rusak",
        )
        other_region = outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=offices["SBY"].region,
            capabilities=[Capability.PRINTING],
            reason="Jaringan Kanwil Jatim putus",
        )
        client.force_login(jateng_supervisor)

        shown = banner_ids(client.get(INDEX))

        assert shown == [national.pk, jateng.pk, at_smg.pk, in_region.pk]
        assert at_sby.pk not in shown
        assert other_region.pk not in shown

    def test_national_admin_sees_every_active_outage(self, client, national_admin, national, jateng, at_smg, at_sby):
        client.force_login(national_admin)

        assert banner_ids(client.get(INDEX)) == [national.pk, jateng.pk, at_smg.pk, at_sby.pk]

    def test_a_resolved_outage_is_no_longer_shown(self, client, smg_staff, national_admin, national, at_smg):
        client.force_login(smg_staff)
        assert banner_ids(client.get(INDEX)) == [national.pk, at_smg.pk]

        outage_resolve(actor=national_admin, outage=national, note="PDN pulih")

        assert banner_ids(client.get(INDEX)) == [at_smg.pk]
        outage_resolve(actor=national_admin, outage=at_smg)
        response = client.get(INDEX)
        assert banner_ids(response) == []
        assert 'id="outage-banner"' not in response.content.decode()

    def test_staff_without_membership_see_none_and_pay_no_query(self, db, national, django_assert_num_queries):
        user = UserFactory(is_staff=True)

        with django_assert_num_queries(1):  # the memberships; none, so no outage query
            assert outages_covering_user(user) == []
        assert outages_covering_user(AnonymousUser()) == []


class TestWhatItSays:
    def test_a_slowdown_shows_its_percentage(self, client, smg_staff, national_admin, smg):
        slowdown = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=[Capability.PRINTING],
            reason="Printer cadangan saja",
            capacity_percent=40,
        )
        client.force_login(smg_staff)
        in_english(client)

        response = client.get(INDEX)

        assert banner_ids(response) == [slowdown.pk]
        assert response.context["outage_banner"][0]["capacity_percent"] == 40
        text = " ".join(response.content.decode().split())
        assert "Slowdown (SMG): Passport printing reduced to 40% since" in text
        assert "down since" not in text

    def test_an_outage_names_its_capabilities_reason_since_and_expected_end(self, client, smg_staff, national_admin):
        end = datetime(2024, 6, 21, 10, 30, tzinfo=UTC)
        outage = outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING],
            reason="Pusat Data Nasional diserang ransomware",
            expected_end=timezone.now() + timedelta(days=1),
        )
        Outage.objects.filter(pk=outage.pk).update(declared_at=DECLARED_AT, expected_end=end)
        client.force_login(smg_staff)
        in_english(client)

        text = " ".join(client.get(INDEX).content.decode().split())

        assert (
            "Outage (national): Central records (adjudication), Passport printing down since 2024-06-20 09:00 WIB."
            in text
        )
        assert "Reason: Pusat Data Nasional diserang ransomware" in text
        assert "Expected end: 2024-06-21 17:30 WIB." in text

    def test_an_unknown_end_says_so(self, client, smg_staff, national):
        client.force_login(smg_staff)
        in_english(client)

        text = " ".join(client.get(INDEX).content.decode().split())

        assert "Expected end: unknown." in text

    def test_times_are_in_the_users_office_zone_and_jakarta_for_wider_scopes(
        self, client, member, offices, national_admin, national
    ):
        Outage.objects.filter(pk=national.pk).update(declared_at=DECLARED_AT)
        denpasar = member(Role.FRONT_DESK, office=offices["DPS"])

        client.force_login(denpasar)
        at_denpasar = client.get(INDEX).context["outage_banner"][0]["since"]
        client.force_login(national_admin)
        at_headquarters = client.get(INDEX).context["outage_banner"][0]["since"]

        assert at_denpasar == "2024-06-20 10:00 WITA"
        assert at_headquarters == "2024-06-20 09:00 WIB"

    def test_the_reason_is_escaped(self, client, smg_staff, national_admin):
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.PRINTING],
            reason="<script>alert(1)</script>",
        )
        client.force_login(smg_staff)

        page = client.get(INDEX).content.decode()

        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


class TestCost:
    def _queries(self, client, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    @pytest.mark.parametrize("url", [INDEX, OUTAGES])
    def test_the_banner_adds_exactly_one_query(self, client, settings, smg_staff, national, jateng, at_smg, url):
        client.force_login(smg_staff)
        with_banner = self._queries(client, url)
        assert banner_ids(client.get(url)) == [national.pk, jateng.pk, at_smg.pk]

        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "OPTIONS": {
                    **settings.TEMPLATES[0]["OPTIONS"],
                    "context_processors": [
                        name for name in settings.TEMPLATES[0]["OPTIONS"]["context_processors"] if name != PROCESSOR
                    ],
                },
            }
        ]
        without_banner = self._queries(client, url)
        assert banner_ids(client.get(url)) == []

        assert with_banner == without_banner + 1

    def test_the_query_does_not_grow_with_the_outages(
        self, client, smg_staff, national_admin, smg, national, django_assert_num_queries
    ):
        client.force_login(smg_staff)
        with CaptureQueriesContext(connection) as first:
            client.get(INDEX)
        for number in range(3):
            outage_declare(
                actor=national_admin,
                scope=OutageScope.OFFICE,
                office=smg,
                capabilities=[Capability.PRINTING],
                reason=f"Gangguan {number}",
            )

        with django_assert_num_queries(len(first)):
            response = client.get(INDEX)

        assert len(banner_ids(response)) == 4

    def test_api_and_other_pages_do_not_pay_for_it(self, smg_staff, national, django_assert_num_queries):
        for path in ("/api/v1/status/", "/api/v1/outages/", "/i18n/setlang/"):
            request = RequestFactory().get(path)
            request.user = smg_staff
            with django_assert_num_queries(0):
                assert outage_banner(request) == {"outage_banner": []}

    def test_anonymous_on_the_login_page_sees_no_banner(self, client, national, django_assert_num_queries):
        request = RequestFactory().get(reverse("admin:login"))
        request.user = AnonymousUser()
        with django_assert_num_queries(0):
            assert outage_banner(request) == {"outage_banner": []}
        assert banner_ids(client.get(reverse("admin:login"))) == []

    def test_one_query_per_request_however_often_the_context_is_built(
        self, smg_staff, national, django_assert_num_queries
    ):
        request = RequestFactory().get(INDEX)
        request.user = smg_staff

        with django_assert_num_queries(2):  # the memberships, then the outages
            first = outage_banner(request)
        with django_assert_num_queries(0):
            again = outage_banner(request)

        assert [row["id"] for row in first["outage_banner"]] == [national.pk]
        assert again == first

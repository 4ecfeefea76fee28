"""The outage impact admin: the list of visible outages with their held cases, and the read-only page."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from applications.workflow import Status
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.models import ReleaseEntry
from tests.recovery.helpers import held, local, national_outage, release_run, resolved_on
from tests.support.factories import UserFactory

CHANGELIST = reverse("admin:recovery_outageimpact_changelist")
TUESDAY = date(2026, 12, 22)
START = local(date(2026, 12, 1))


def page(outage: Outage) -> str:
    return reverse("admin:recovery_outageimpact_change", args=[outage.pk])


def with_impact_permission(user):
    """``user`` with the permission to read outage impact, whatever their groups grant."""
    user.user_permissions.add(Permission.objects.get(codename="view_outageimpact", content_type__app_label="recovery"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def backlog(smg, sby) -> None:
    """Semarang: 3 cases waiting for central records, 2 for printing (2 a day); Surabaya: 4 (3 a day)."""
    Office.objects.filter(pk=smg.pk).update(passport_capacity=2)
    Office.objects.filter(pk=sby.pk).update(passport_capacity=3)
    held(smg, 3, start=START)
    held(smg, 2, start=START, status=Status.APPROVED)
    held(sby, 4, start=START)


@pytest.fixture
def supervisor(member, smg):
    return with_impact_permission(member(Role.REGIONAL_SUPERVISOR, region=smg.region))


def listed(response) -> dict[int, int]:
    assert response.status_code == 200
    return {outage.pk: outage.held_total for outage in response.context["cl"].result_list}


class TestChangelist:
    def test_lists_the_outages_the_user_sees_with_the_cases_held_in_their_scope(
        self, client, backlog, national_admin, supervisor, smg, sby
    ):
        national = national_outage(national_admin)
        regional = outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=smg.region,
            capabilities=[Capability.PRINTING],
            reason="Jaringan",
        )
        elsewhere = outage_declare(
            actor=national_admin, scope=OutageScope.OFFICE, office=sby, capabilities=["printing"], reason="SBY"
        )
        client.force_login(supervisor)

        response = client.get(CHANGELIST)

        # Semarang's 5 for the national outage; Surabaya's office outage is not theirs to see.
        assert listed(response) == {national.pk: 5, regional.pk: 2}
        assert elsewhere.pk not in listed(response)
        assert b"Add outage impact" not in response.content

    def test_the_whole_nation_for_a_superuser(self, client, backlog, national_admin, superuser):
        national = national_outage(national_admin)
        slowdown = national_outage(national_admin, capabilities=[Capability.PRINTING], capacity_percent=50)
        client.force_login(superuser)

        assert listed(client.get(CHANGELIST)) == {national.pk: 9, slowdown.pk: 0}

    def test_staff_without_the_permission_are_refused(self, client, backlog, member, smg):
        desk = member(Role.FRONT_DESK, office=smg)
        client.force_login(desk)

        assert client.get(CHANGELIST).status_code == 403

    @pytest.mark.parametrize("count", [1, 4])
    def test_query_count_does_not_grow_with_outages(
        self, client, backlog, national_admin, superuser, django_assert_num_queries, count
    ):
        for _index in range(count):
            national_outage(national_admin)
        client.force_login(superuser)
        client.get(CHANGELIST)  # warm the session and content types

        # Session, user, the count, memberships, the page's rows with their held counts; the
        # admin's banner of active outages.
        with django_assert_num_queries(6):
            response = client.get(CHANGELIST)

        assert len(listed(response)) == count


class TestImpactPage:
    def test_the_offices_table_of_an_active_outage(self, client, backlog, national_admin, superuser):
        outage = national_outage(national_admin, capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING])
        client.force_login(superuser)

        response = client.get(page(outage))

        assert response.status_code == 200
        impact = response.context["impact"]
        assert [(row.office.code, row.held_total) for row in impact.offices] == [("SBY", 4), ("SMG", 5)]
        html = response.content.decode()
        assert 'data-office="SMG"' in html
        assert 'data-office="SBY"' in html
        assert 'data-capability="central_records">3<' in html
        assert 'data-capability="printing">2<' in html
        assert 'class="held-total">9<' in html
        assert 'data-clearing="projected"' in html
        assert "<form" not in html.split('id="content-main"')[1]

    def test_a_resolved_outage_shows_the_day_each_office_cleared(self, client, backlog, national_admin, superuser, smg):
        outage = national_outage(national_admin)
        release_run(release=resolved_on(national_admin, outage, local(TUESDAY)))
        ReleaseEntry.objects.filter(office=smg).update(worked_at=local(date(2026, 12, 24), 6))
        client.force_login(superuser)

        response = client.get(page(outage))

        rows = {row.office.code: (row.clears_on, row.clearing) for row in response.context["impact"].offices}
        # Semarang worked everything on the 24th; Surabaya's plan: 3 on Wednesday, 1 on Thursday.
        assert rows == {"SMG": (date(2026, 12, 24), "cleared"), "SBY": (date(2026, 12, 24), "projected")}
        html = response.content.decode()
        assert 'data-clearing="cleared">\n              2026-12-24' in html

    def test_a_supervisor_sees_semarang_only(self, client, backlog, national_admin, supervisor):
        outage = national_outage(national_admin)
        client.force_login(supervisor)

        response = client.get(page(outage))

        assert response.status_code == 200
        impact = response.context["impact"]
        assert [row.office.code for row in impact.offices] == ["SMG"]
        assert impact.held_total == 5
        assert 'data-office="SBY"' not in response.content.decode()

    def test_an_outage_out_of_scope_is_not_found(self, client, backlog, national_admin, supervisor, sby):
        outage = outage_declare(
            actor=national_admin, scope=OutageScope.OFFICE, office=sby, capabilities=["printing"], reason="SBY"
        )
        client.force_login(supervisor)

        assert client.get(page(outage)).status_code == 404
        assert client.get(reverse("admin:recovery_outageimpact_change", args=["nonsense"])).status_code == 404

    def test_nothing_is_added_changed_or_deleted(self, client, backlog, national_admin, superuser):
        outage = national_outage(national_admin)
        client.force_login(superuser)

        add = client.get(reverse("admin:recovery_outageimpact_add"))
        delete = client.post(reverse("admin:recovery_outageimpact_delete", args=[outage.pk]), {"post": "yes"})
        change = client.post(page(outage), {"reason": "changed"})

        assert (add.status_code, delete.status_code) == (403, 403)
        assert change.status_code == 200
        assert Outage.objects.get(pk=outage.pk).reason == "Pusat Data Nasional"

    @pytest.mark.parametrize("count", [2, 10])
    def test_query_count_does_not_grow_with_offices(
        self, client, offices, national_admin, superuser, django_assert_num_queries, count
    ):
        for code in sorted(offices)[:count]:
            held(offices[code], 1, start=START)
        outage = national_outage(national_admin)
        client.force_login(superuser)
        client.get(page(outage))

        # Session, user, memberships, the outage with its held count; the impact's eight; the
        # admin's banner of active outages.
        with django_assert_num_queries(13):
            response = client.get(page(outage))

        assert response.context["impact"].offices_affected == count

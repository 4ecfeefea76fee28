"""Releases in the admin: progress and pause per office, the queue of released cases, recovery capacity."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from applications.services import application_act
from casework.admin import ScopedOfficeFilter
from casework.kinds import CaseKind
from offices.models import Office, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery import services
from recovery.models import RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice
from recovery.services import recovery_capacity_set
from tests.recovery.helpers import (
    DOWN,
    held,
    local,
    national_outage,
    part_of,
    permit_held,
    release_run,
    resolved_on,
)

# Hand-worked plans on the calendar of December 2026: its dates stay in the future.
pytestmark = pytest.mark.usefixtures("late_november_2026")

TUESDAY = date(2026, 12, 22)
RELEASES = reverse("admin:recovery_release_changelist")
QUEUE = reverse("admin:recovery_releaseentry_changelist")
CAPACITIES = reverse("admin:recovery_recoverycapacity_changelist")
ADD_CAPACITY = reverse("admin:recovery_recoverycapacity_add")


def change_url(release: Release) -> str:
    return reverse("admin:recovery_release_change", args=[release.pk])


def office_action_url(part: ReleaseOffice, action: str) -> str:
    return reverse(f"admin:recovery_release_office_{action}", args=[part.release_id, part.pk])


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def release(small_smg, sby, national_admin, no_job) -> Release:
    """A national outage resolved on a Tuesday: 5 passports held at Semarang, 2 at Surabaya; enlisted."""
    held(small_smg, 5, start=local(date(2026, 12, 1)))
    held(sby, 2, start=local(date(2026, 12, 2)))
    release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
    services.release_enlist(release=release)
    return release


class TestReleases:
    def test_the_list_counts_progress_over_the_offices_in_sight(self, client, release, small_smg, head):
        services.release_office_schedule_chunk(part_id=part_of(release, small_smg).pk, chunk_size=2)
        client.force_login(head)

        response = client.get(RELEASES)

        assert response.status_code == 200
        [row] = response.context["cl"].result_list
        assert row == release
        assert (row.scheduled_in_scope, row.total_in_scope, row.offices_in_scope, row.offices_done) == (2, 5, 1, 0)
        assert "2 / 5" in response.content.decode()

    def test_an_office_outage_is_seen_only_by_those_it_concerns(self, client, small_smg, sby, head, member, no_job):
        outage = outage_declare(
            actor=head, scope=OutageScope.OFFICE, office=small_smg, capabilities=DOWN, reason="Listrik padam"
        )
        release = resolved_on(head, outage, local(TUESDAY))
        sby_head = member(Role.OFFICE_HEAD, office=sby)

        client.force_login(sby_head)
        assert list(client.get(RELEASES).context["cl"].result_list) == []
        assert client.get(change_url(release)).status_code == 404
        client.force_login(head)
        assert list(client.get(RELEASES).context["cl"].result_list) == [release]

    @pytest.mark.parametrize("count", [1, 4])
    def test_the_list_costs_the_same_queries_at_any_size(
        self, client, small_smg, head, no_job, count, django_assert_num_queries
    ):
        for index in range(count):
            outage = outage_declare(
                actor=head, scope=OutageScope.OFFICE, office=small_smg, capabilities=DOWN, reason=f"Padam {index}"
            )
            services.release_enlist(release=resolved_on(head, outage, local(TUESDAY)))
        client.force_login(head)

        # Session, user, the user's and the groups' permissions, memberships, the capped count, the
        # page with its outages and progress, the outage banner.
        with django_assert_num_queries(8):
            response = client.get(RELEASES)

        assert [release.offices_in_scope for release in response.context["cl"].result_list] == [1] * count

    def test_office_staff_have_no_release_pages(self, client, release, member, small_smg):
        client.force_login(member(Role.FRONT_DESK, office=small_smg))

        assert client.get(RELEASES).status_code == 403
        assert client.get(change_url(release)).status_code == 403

    def test_the_page_shows_each_office_in_sight_with_its_button(self, client, release, small_smg, head):
        services.release_office_schedule_chunk(part_id=part_of(release, small_smg).pk, chunk_size=2)
        client.force_login(head)

        response = client.get(change_url(release))

        assert response.status_code == 200
        [row] = response.context["release_offices"]
        assert (row["part"].office, row["part"].scheduled, row["part"].total) == (small_smg, 2, 5)
        assert (row["state"], row["action"], row["action_url"]) == (
            "scheduling",
            "pause",
            office_action_url(row["part"], "pause"),
        )
        assert row["part"].clears_on == date(2026, 12, 24)
        assert response.context["release_totals"] == {"total": 5, "scheduled": 2, "clears_on": date(2026, 12, 24)}
        page = response.content.decode()
        assert f'formaction="{office_action_url(row["part"], "pause")}"' in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert "2026-12-24" in page
        impact = reverse("admin:recovery_outageimpact_change", args=[release.outage_id])
        assert response.context["impact_url"] == impact
        assert f'href="{impact}"' in page

    def test_a_supervisor_sees_the_region_and_no_button_where_they_only_read(
        self, client, release, small_smg, sby, member
    ):
        both = member(Role.OFFICE_HEAD, office=sby)
        both.memberships.create(role=Role.FRONT_DESK, office=small_smg)
        client.force_login(both)

        rows = {row["part"].office.code: row for row in client.get(change_url(release)).context["release_offices"]}

        assert set(rows) == {"SBY", "SMG"}
        assert (rows["SBY"]["action"], rows["SMG"]["action"]) == ("pause", None)

    def test_the_head_pauses_and_resumes_with_post_and_csrf(self, client, release, small_smg, head):
        part = part_of(release, small_smg)
        client.force_login(head)

        assert client.get(office_action_url(part, "pause")).status_code == 405
        paused = client.post(office_action_url(part, "pause"))

        assert paused.status_code == 302
        assert paused["Location"] == change_url(release)
        assert part_of(release, small_smg).paused is True
        assert [(level, "SMG" in text) for level, text in messages_of(paused)] == [("success", True)]
        [row] = client.get(change_url(release)).context["release_offices"]
        assert (row["state"], row["action"]) == ("paused", "resume")

        resumed = client.post(office_action_url(part, "resume"))

        assert resumed.status_code == 302
        assert part_of(release, small_smg).paused is False

    def test_the_actions_need_the_csrf_token(self, release, small_smg, head):
        client = Client(enforce_csrf_checks=True)
        client.force_login(head)

        response = client.post(office_action_url(part_of(release, small_smg), "pause"))

        assert response.status_code == 403
        assert part_of(release, small_smg).paused is False

    def test_a_reader_who_does_not_manage_the_office_is_refused(self, client, release, small_smg, sby, member):
        both = member(Role.OFFICE_HEAD, office=sby)
        both.memberships.create(role=Role.FRONT_DESK, office=small_smg)
        client.force_login(both)

        response = client.post(office_action_url(part_of(release, small_smg), "pause"))

        assert response.status_code == 403
        assert part_of(release, small_smg).paused is False

    def test_an_office_out_of_sight_is_404(self, client, release, small_smg, sby, member):
        client.force_login(member(Role.OFFICE_HEAD, office=sby))

        response = client.post(office_action_url(part_of(release, small_smg), "pause"))

        assert response.status_code == 404
        assert part_of(release, small_smg).paused is False

    def test_pausing_a_finished_office_is_refused_with_a_message(self, client, release, small_smg, head):
        release_run(release=release)
        client.force_login(head)

        response = client.post(office_action_url(part_of(release, small_smg), "pause"), follow=True)

        assert response.status_code == 200
        assert [level for level, _text in messages_of(response)] == ["error"]
        assert part_of(release, small_smg).paused is False
        [row] = response.context["release_offices"]
        assert (row["state"], row["action"]) == ("done", None)


@pytest.fixture
def dated(small_smg, sby, national_admin, no_job) -> dict[str, list]:
    """Five passports at Semarang dated 3 on Wednesday and 2 on Thursday; one at Surabaya."""
    cases = held(small_smg, 5, start=local(date(2026, 12, 1)))
    surabaya = held(sby, 1, start=local(date(2026, 12, 1)))
    release_run(release=resolved_on(national_admin, national_outage(national_admin), local(TUESDAY)))
    return {"smg": cases, "sby": surabaya}


def queue_rows(response) -> list[tuple[date, str]]:
    assert response.status_code == 200
    return [(entry.expected_on, entry.case.reference) for entry in response.context["cl"].result_list]


class TestQueue:
    def test_staff_see_their_office_in_the_order_to_work_it(self, client, dated, small_smg, member):
        client.force_login(member(Role.PRINT_OPERATOR, office=small_smg))

        response = client.get(QUEUE)

        cases = dated["smg"]
        assert queue_rows(response) == [(date(2026, 12, 23), case.reference) for case in cases[:3]] + [
            (date(2026, 12, 24), case.reference) for case in cases[3:]
        ]
        page = response.content.decode()
        case_url = reverse("admin:applications_passportapplication_change", args=[cases[0].pk])
        assert f'<a href="{case_url}">{cases[0].reference}</a>' in page
        assert "2026-12-01 10:00 WIB" in page
        # One office: the admin leaves out an office filter with a single choice.
        assert not [spec for spec in response.context["cl"].filter_specs if isinstance(spec, ScopedOfficeFilter)]

    def test_a_permit_links_to_its_own_admin_page(self, client, small_smg, member, national_admin, no_job):
        front_desk = member(Role.FRONT_DESK, office=small_smg)
        permit = permit_held(small_smg, front_desk, passport="B7654321", ready_at=local(date(2026, 12, 1)))
        release_run(release=resolved_on(national_admin, national_outage(national_admin), local(TUESDAY)))
        client.force_login(member(Role.PRINT_OPERATOR, office=small_smg))

        response = client.get(QUEUE, {"kind__exact": CaseKind.PERMIT})

        assert queue_rows(response) == [(date(2026, 12, 23), permit.reference)]
        case_url = reverse("admin:permits_staypermitapplication_change", args=[permit.pk])
        assert f'<a href="{case_url}">{permit.reference}</a>' in response.content.decode()

    def test_worked_cases_are_hidden_unless_asked_for(self, client, dated, small_smg, member):
        adjudicator = member(Role.ADJUDICATOR, office=small_smg)
        application_act(application=dated["smg"][0], action="approve", actor=adjudicator)
        client.force_login(adjudicator)

        still = queue_rows(client.get(QUEUE))
        worked = queue_rows(client.get(QUEUE, {"worked": "yes"}))
        everything = queue_rows(client.get(QUEUE, {"worked": "all"}))

        assert [reference for _day, reference in still] == [case.reference for case in dated["smg"][1:]]
        assert worked == [(date(2026, 12, 23), dated["smg"][0].reference)]
        assert len(everything) == 5

    def test_filters_by_office_queue_and_day(self, client, dated, small_smg, sby, national_admin, member):
        ReleaseEntry.objects.filter(kind="passport", case_id=dated["smg"][4].pk).update(
            expected_on=small_smg.local_today()
        )
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=small_smg.region)
        client.force_login(supervisor)
        [office_filter] = [
            spec for spec in client.get(QUEUE).context["cl"].filter_specs if isinstance(spec, ScopedOfficeFilter)
        ]
        region = Office.objects.filter(region=small_smg.region).order_by("code")
        assert office_filter.lookup_choices == [(office.pk, str(office)) for office in region]
        client.force_login(national_admin)

        by_office = queue_rows(client.get(QUEUE, {"office__id__exact": sby.pk}))
        permits = queue_rows(client.get(QUEUE, {"kind__exact": CaseKind.PERMIT}))
        today = queue_rows(client.get(QUEUE, {"expected": "today"}))
        tomorrow = queue_rows(client.get(QUEUE, {"expected": "tomorrow"}))
        later = queue_rows(client.get(QUEUE, {"expected": "later"}))

        assert by_office == [(date(2026, 12, 23), dated["sby"][0].reference)]
        assert permits == []
        assert today == [(small_smg.local_today(), dated["smg"][4].reference)]
        assert tomorrow == []
        assert len(later) == 5

    def test_an_office_out_of_scope_shows_nothing_of_it(self, client, dated, sby, member, small_smg):
        client.force_login(member(Role.FRONT_DESK, office=sby))
        entry = ReleaseEntry.objects.get(kind="passport", case_id=dated["smg"][0].pk)

        assert queue_rows(client.get(QUEUE)) == [(date(2026, 12, 23), dated["sby"][0].reference)]
        # Another office's id in the filter finds nothing of it (the filter only narrows).
        assert queue_rows(client.get(QUEUE, {"office__id__exact": small_smg.pk})) == [
            (date(2026, 12, 23), dated["sby"][0].reference)
        ]
        assert client.get(reverse("admin:recovery_releaseentry_change", args=[entry.pk])).status_code == 404

    def test_the_queue_is_read_only(self, client, dated, small_smg, member):
        client.force_login(member(Role.OFFICE_HEAD, office=small_smg))
        entry = ReleaseEntry.objects.get(kind="passport", case_id=dated["smg"][0].pk)

        assert client.get(reverse("admin:recovery_releaseentry_add")).status_code == 403
        assert client.get(reverse("admin:recovery_releaseentry_delete", args=[entry.pk])).status_code == 403

    @pytest.mark.parametrize("count", [2, 12])
    def test_a_page_costs_the_same_queries_at_any_size(
        self, client, small_smg, member, national_admin, no_job, count, django_assert_num_queries
    ):
        held(small_smg, count, start=local(date(2026, 12, 1)))
        release_run(release=resolved_on(national_admin, national_outage(national_admin), local(TUESDAY)))
        client.force_login(member(Role.FRONT_DESK, office=small_smg))

        # Session, user, the user's and the groups' permissions, memberships, the office filter's
        # choices, the capped count, the page with its offices (each entry holds its case's
        # reference), the outage banner.
        with django_assert_num_queries(9):
            response = client.get(QUEUE)

        assert len(response.context["cl"].result_list) == count


def capacity_data(office: Office, **overrides) -> dict:
    return {
        "office": office.pk,
        "kind": CaseKind.PASSPORT,
        "starts_on": "2026-12-23",
        "ends_on": "2026-12-31",
        "weekday_extra": 50,
        "saturday": 100,
        **overrides,
    }


class TestCapacity:
    def test_the_head_adds_a_period_for_their_office(self, client, small_smg, head):
        client.force_login(head)
        assert client.get(ADD_CAPACITY).status_code == 200

        response = client.post(ADD_CAPACITY, capacity_data(small_smg))

        assert response.status_code == 302, response.context["adminform"].form.errors
        capacity = RecoveryCapacity.objects.get()
        assert (capacity.office, capacity.kind, capacity.weekday_extra, capacity.saturday, capacity.created_by) == (
            small_smg,
            CaseKind.PASSPORT,
            50,
            100,
            head,
        )

    def test_the_office_choices_are_the_offices_the_user_manages(self, client, small_smg, sby, member):
        both = member(Role.OFFICE_HEAD, office=small_smg)
        both.memberships.create(role=Role.FRONT_DESK, office=sby)
        client.force_login(both)

        form = client.get(ADD_CAPACITY).context["adminform"].form
        response = client.post(ADD_CAPACITY, capacity_data(sby))

        assert list(form.fields["office"].queryset) == [small_smg]
        assert "office" in response.context["adminform"].form.errors
        assert not RecoveryCapacity.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field", "code"),
        [
            ({"starts_on": "2026-12-31", "ends_on": "2026-12-23"}, "ends_on", "period-reversed"),
            ({"weekday_extra": 0, "saturday": 0}, "weekday_extra", "nothing-added"),
            ({"weekday_extra": -5}, "weekday_extra", "min_value"),
            ({"saturday": 10**12}, "saturday", "max_value"),
        ],
    )
    def test_bad_input_lands_on_its_field_and_writes_nothing(self, client, small_smg, head, overrides, field, code):
        client.force_login(head)

        response = client.post(ADD_CAPACITY, capacity_data(small_smg, **overrides))

        assert response.status_code == 200
        form = response.context["adminform"].form
        assert [error.code for error in form.errors.as_data()[field]] == [code]
        assert not RecoveryCapacity.objects.exists()

    def test_an_overlapping_period_is_refused(self, client, small_smg, head):
        recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 30),
            ends_on=date(2027, 1, 5),
            saturday=10,
        )
        client.force_login(head)

        response = client.post(ADD_CAPACITY, capacity_data(small_smg))

        assert [error.code for error in response.context["adminform"].form.errors.as_data()["starts_on"]] == [
            "overlapping"
        ]
        assert RecoveryCapacity.objects.count() == 1

    def test_a_period_is_never_edited_nor_deleted(self, client, small_smg, head):
        capacity = recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 30),
            ends_on=date(2027, 1, 5),
            saturday=10,
        )
        client.force_login(head)
        page = reverse("admin:recovery_recoverycapacity_change", args=[capacity.pk])

        assert client.get(page).status_code == 200
        assert client.post(page, capacity_data(small_smg, saturday=99)).status_code == 403
        delete = client.post(reverse("admin:recovery_recoverycapacity_delete", args=[capacity.pk]), {"post": "yes"})
        assert delete.status_code == 403
        capacity.refresh_from_db()
        assert capacity.saturday == 10

    def test_office_staff_may_neither_see_nor_add(self, client, small_smg, member):
        client.force_login(member(Role.FRONT_DESK, office=small_smg))

        assert client.get(CAPACITIES).status_code == 403
        assert client.post(ADD_CAPACITY, capacity_data(small_smg)).status_code == 403
        assert not RecoveryCapacity.objects.exists()

    def test_the_list_is_scoped(self, client, small_smg, sby, head, member):
        sby_head = member(Role.OFFICE_HEAD, office=sby)
        for actor, office in ((head, small_smg), (sby_head, sby)):
            recovery_capacity_set(
                actor=actor,
                office=office,
                kind=CaseKind.PASSPORT,
                starts_on=date(2026, 12, 23),
                ends_on=date(2026, 12, 31),
                weekday_extra=10,
            )
        client.force_login(head)

        response = client.get(CAPACITIES)

        assert [capacity.office for capacity in response.context["cl"].result_list] == [small_smg]


class TestGroups:
    def test_every_office_role_reads_the_queue_and_managers_follow_the_recovery(self, member, small_smg):
        desk = member(Role.FRONT_DESK, office=small_smg)
        head = member(Role.OFFICE_HEAD, office=small_smg)
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=small_smg.region)

        assert desk.has_perm("recovery.view_releaseentry")
        assert not desk.has_perm("recovery.view_release")
        assert not desk.has_perm("recovery.add_recoverycapacity")
        for manager in (head, supervisor):
            assert manager.has_perm("recovery.view_releaseentry")
            assert all(
                manager.has_perm(f"recovery.{codename}")
                for codename in (
                    "view_release",
                    "view_releaseoffice",
                    "view_backlogoffice",
                    "view_outageimpact",
                    "view_recoverycapacity",
                    "add_recoverycapacity",
                )
            )
            assert not manager.has_perm("recovery.delete_recoverycapacity")
            assert not manager.has_perm("recovery.change_recoverycapacity")

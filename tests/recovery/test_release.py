"""The release: fair order, the hand-computed plan, idempotence, crash and resume, overlaps, pauses."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications.services import application_act
from applications.workflow import Status
from casework.history import case_timeline
from casework.kinds import CaseKind
from casework.models import CaseStep, Notification
from offices.models import Capability, Office, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve
from offices.roles import Role
from plumbing.origin import origin_scope
from recovery import services
from recovery.models import Release, ReleaseEntry, ReleaseOffice
from recovery.services import (
    recovery_capacity_set,
    release_office_pause,
    release_office_resume,
    release_office_schedule,
)
from tests.recovery.helpers import held, local, national_outage, permit_held, release_run, resolved_on

# Hand-worked plans on the calendar of December 2026: its dates stay in the future.
pytestmark = pytest.mark.usefixtures("late_november_2026")

TUESDAY = date(2026, 12, 22)  # Friday the 25th is Christmas Day


def entries_of(release: Release, office: Office) -> list[ReleaseEntry]:
    return list(
        ReleaseEntry.objects.filter(release_office__release=release, office=office).order_by("kind", "position")
    )


class TestSchedule:
    def test_cases_are_dated_in_ready_order_by_the_hand_computed_plan_with_overtime(
        self, small_smg, head, national_admin
    ):
        recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 23),
            ends_on=date(2026, 12, 26),
            weekday_extra=2,
            saturday=4,
        )
        cases = held(small_smg, 16, start=local(date(2026, 12, 1)))
        outage = national_outage(national_admin)
        release = resolved_on(national_admin, outage, local(TUESDAY))

        release_run(release=release, chunk_size=5)

        entries = entries_of(release, small_smg)
        # Each entry names its case by kind and id, and keeps its reference.
        assert [(entry.kind, entry.case_id, entry.reference) for entry in entries] == [
            (CaseKind.PASSPORT, case.pk, case.reference) for case in cases
        ]
        # Wed 3+2, Thu 3+2, Fri Christmas, Sat session 4, Sun closed, Mon 3 (overtime over).
        expected = [date(2026, 12, 23)] * 5 + [date(2026, 12, 24)] * 5 + [date(2026, 12, 26)] * 4
        expected += [date(2026, 12, 28)] * 2
        assert [entry.expected_on for entry in entries] == expected
        part = ReleaseOffice.objects.get(release=release, office=small_smg)
        assert (part.total, part.scheduled, part.state) == (16, 16, "done")
        assert part.clears_on == date(2026, 12, 28)
        first = Notification.objects.get(case_reference=cases[0].reference, event="scheduled")
        assert "23-12-2026" in first.body
        assert Release.objects.get(pk=release.pk).finished_at is not None

    def test_each_dated_case_records_the_release_and_who_resolved_the_outage(self, small_smg, national_admin):
        cases = held(small_smg, 3, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))

        with origin_scope(kind="task", name="recovery.tasks.release_office_task"):
            release_run(release=release)

        steps = CaseStep.objects.filter(action="release_dated").order_by("case_id")
        assert [(step.case_id, step.note) for step in steps] == sorted(
            (entry.case_id, entry.expected_on.isoformat()) for entry in entries_of(release, small_smg)
        )
        assert {(s.actor, s.started_by, s.origin, s.from_status, s.to_status) for s in steps} == {
            (None, national_admin, "task:recovery.tasks.release_office_task", Status.INTERVIEWED, Status.INTERVIEWED)
        }
        last = case_timeline(cases[0])[-1]
        assert (last.action, last.actor, last.note) == ("release_dated", "system", "2026-12-23")
        # Dating a case changes no row: its one snapshot stays its creation's.
        assert [entry.action for entry in case_timeline(cases[0])] == ["create", "release_dated"]

    def test_offices_without_held_cases_finish_at_once(self, small_smg, sby, national_admin):
        held(small_smg, 2, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))

        release_run(release=release)

        part = ReleaseOffice.objects.get(release=release, office=sby)
        assert (part.total, part.scheduled, part.state, part.plan) == (0, 0, "done", {})

    def test_a_slowdown_still_running_halves_the_days(self, small_smg, national_admin):
        Office.objects.filter(pk=small_smg.pk).update(passport_capacity=4)
        held(small_smg, 4, start=local(date(2026, 12, 1)))
        outage = national_outage(national_admin, capabilities=[Capability.CENTRAL_RECORDS])
        outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=small_smg,
            capabilities=[Capability.PRINTING],
            reason="Printer lambat",
            capacity_percent=50,
        )
        release = resolved_on(national_admin, outage, local(TUESDAY))

        release_run(release=release)

        part = ReleaseOffice.objects.get(release=release, office=small_smg)
        assert part.plan == {"passport": [["2026-12-23", 2], ["2026-12-24", 2]]}

    def test_resolving_a_slowdown_releases_nothing(self, small_smg, national_admin):
        slowdown = national_outage(national_admin, capacity_percent=50)

        outage_resolve(actor=national_admin, outage=slowdown)

        assert not Release.objects.exists()


class TestIdempotence:
    def test_running_the_job_twice_changes_nothing_and_stores_each_message_once(self, small_smg, national_admin):
        held(small_smg, 7, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))

        release_run(release=release, chunk_size=3)
        first = [(entry.pk, entry.expected_on) for entry in entries_of(release, small_smg)]
        release_run(release=release, chunk_size=3)

        assert [(entry.pk, entry.expected_on) for entry in entries_of(release, small_smg)] == first
        assert Notification.objects.filter(event="scheduled").count() == 7
        assert ReleaseOffice.objects.get(release=release, office=small_smg).scheduled == 7


@pytest.mark.django_db(transaction=True)
class TestCrash:
    def test_a_job_killed_half_way_finishes_on_restart_with_each_case_dated_and_told_once(
        self, small_smg, national_admin, monkeypatch, no_job
    ):
        cases = held(small_smg, 8, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        store = services.release_messages_store
        calls = []

        def dies_on_second_chunk(**kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return store(**kwargs)

        monkeypatch.setattr(services, "release_messages_store", dies_on_second_chunk)
        with pytest.raises(RuntimeError):
            release_run(release=release, chunk_size=3)

        part = ReleaseOffice.objects.get(release=release, office=small_smg)
        assert part.scheduled == 3
        assert ReleaseEntry.objects.filter(release_office=part, expected_on__isnull=False).count() == 3
        assert len(mail.outbox) == 3

        monkeypatch.setattr(services, "release_messages_store", store)
        release_run(release=release, chunk_size=3)

        part.refresh_from_db()
        assert (part.scheduled, part.state) == (8, "done")
        assert ReleaseEntry.objects.filter(release_office=part, expected_on__isnull=True).count() == 0
        assert sorted(message.to[0] for message in mail.outbox) == sorted(case.applicant.email for case in cases)
        assert Notification.objects.filter(event="scheduled").count() == 8


class TestOverlap:
    def test_cases_still_held_by_another_outage_wait_for_its_release_and_days_are_not_promised_twice(
        self, small_smg, sby, national_admin, member
    ):
        approvals = held(small_smg, 3, start=local(date(2026, 12, 1)))
        prints = held(small_smg, 2, start=local(date(2026, 12, 2)), status=Status.APPROVED)
        sby_prints = held(sby, 1, start=local(date(2026, 12, 2)), status=Status.APPROVED)
        national = national_outage(national_admin, capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING])
        printer = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=small_smg,
            capabilities=[Capability.PRINTING],
            reason="Printer rusak",
        )

        first = resolved_on(national_admin, national, local(TUESDAY))
        release_run(release=first)

        assert [(e.kind, e.case_id) for e in entries_of(first, small_smg)] == [("passport", c.pk) for c in approvals]
        assert [(e.kind, e.case_id) for e in entries_of(first, sby)] == [("passport", sby_prints[0].pk)]
        with pytest.raises(OutageActive):
            application_act(
                application=prints[0],
                action="print",
                actor=member(Role.PRINT_OPERATOR, office=small_smg),
                passport_number="X1234567",
            )

        second = resolved_on(national_admin, printer, local(TUESDAY, hour=11))
        release_run(release=second)

        entries = entries_of(second, small_smg)
        assert [(entry.kind, entry.case_id) for entry in entries] == [("passport", case.pk) for case in prints]
        # The first release took all 3 of Wednesday: the prints go on Thursday.
        assert [entry.expected_on for entry in entries] == [date(2026, 12, 24)] * 2


class TestPause:
    def test_a_paused_office_waits_and_resumes_where_it_stopped(self, small_smg, head, national_admin, no_job):
        held(small_smg, 5, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        [part] = [part for part in services.release_enlist(release=release) if part.office_id == small_smg.pk]

        release_office_pause(actor=head, part=part)
        release_office_schedule(part_id=part.pk, chunk_size=2)

        part.refresh_from_db()
        assert (part.scheduled, part.state) == (0, "paused")
        release_office_resume(actor=head, part=part)
        release_office_schedule(part_id=part.pk, chunk_size=2)
        part.refresh_from_db()
        assert (part.scheduled, part.state) == (5, "done")

    def test_only_managers_of_the_office_may_pause(self, small_smg, sby, member, national_admin):
        held(small_smg, 1, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        [part] = [part for part in services.release_enlist(release=release) if part.office_id == small_smg.pk]

        for outsider in (member(Role.FRONT_DESK, office=small_smg), member(Role.OFFICE_HEAD, office=sby)):
            with pytest.raises(PermissionDenied):
                release_office_pause(actor=outsider, part=part)

        part.refresh_from_db()
        assert part.paused is False


class TestQueue:
    def test_working_a_case_takes_it_out_of_the_queue(self, small_smg, national_admin, adjudicator_smg):
        cases = held(small_smg, 2, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        release_run(release=release)

        application_act(application=cases[0], action="approve", actor=adjudicator_smg)

        entries = entries_of(release, small_smg)
        assert entries[0].worked_at is not None
        assert entries[1].worked_at is None

    def test_a_case_cancelled_before_its_date_is_given_gets_no_message(self, small_smg, national_admin, member, no_job):
        cases = held(small_smg, 2, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        services.release_enlist(release=release)

        application_act(
            application=cases[1],
            action="cancel",
            actor=member(Role.FRONT_DESK, office=small_smg),
            reason="Permintaan pemohon",
        )
        release_run(release=release)

        assert list(Notification.objects.filter(event="scheduled").values_list("case_reference", flat=True)) == [
            cases[0].reference
        ]


@pytest.fixture
def adjudicator_smg(member, smg):
    return member(Role.ADJUDICATOR, office=smg)


def test_capacity_periods_of_one_queue_may_not_overlap(small_smg, head):
    recovery_capacity_set(
        actor=head,
        office=small_smg,
        kind=CaseKind.PASSPORT,
        starts_on=date(2026, 12, 23),
        ends_on=date(2026, 12, 31),
        weekday_extra=5,
    )
    with pytest.raises(ValidationError) as refused:
        recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 30),
            ends_on=date(2027, 1, 5),
            saturday=5,
        )
    assert refused.value.error_dict["starts_on"][0].code == "overlapping"
    assert small_smg.recovery_capacities.count() == 1


def test_an_earlier_day_is_a_field_error(small_smg, head):
    with pytest.raises(ValidationError) as refused:
        recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 23),
            ends_on=date(2026, 12, 20),
            weekday_extra=5,
        )
    assert refused.value.error_dict["ends_on"][0].code == "period-reversed"


def test_an_absurd_number_of_extra_cases_is_a_field_error(small_smg, head):
    with pytest.raises(ValidationError) as refused:
        recovery_capacity_set(
            actor=head,
            office=small_smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 23),
            ends_on=date(2026, 12, 24),
            weekday_extra=services.MAX_EXTRA_CASES + 1,
        )
    assert refused.value.error_dict["weekday_extra"][0].code == "too-many"
    assert small_smg.recovery_capacities.count() == 0


class TestQueries:
    """A chunk costs the same queries whatever its size: the job needs no query per case."""

    @pytest.mark.parametrize("count", [2, 12])
    def test_a_chunk_of_passports_and_permits(self, small_smg, national_admin, member, count, no_job, request):
        held(small_smg, count, start=local(date(2026, 11, 2)))
        desk = member(Role.FRONT_DESK, office=small_smg)
        for number in range(count):
            permit_held(small_smg, desk, passport=f"Q{number:07d}", ready_at=local(date(2026, 11, 2)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        [part] = [part for part in services.release_enlist(release=release) if part.office_id == small_smg.pk]
        django_assert_num_queries = request.getfixturevalue("django_assert_num_queries")

        # Lock and read the office's part (with its release and outage); date the entries; count them
        # in; read each kind's cases; store the messages; read the ids to send; record each kind's
        # dates in the cases' histories; and the savepoint of the chunk's transaction inside the
        # test's, with its release.
        with django_assert_num_queries(11):
            assert services.release_office_schedule_chunk(part_id=part.pk, chunk_size=100) is True

        assert Notification.objects.filter(event="scheduled").count() == count + 2 * count

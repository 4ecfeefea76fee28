"""Releases over the API: progress, pause and resume, the queue of released cases, recovery capacity."""

from datetime import date, timedelta

import pytest

from applications.services import application_act
from casework.kinds import CaseKind
from offices.models import Office, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from recovery import services
from recovery.models import RecoveryCapacity, Release, ReleaseEntry
from recovery.services import recovery_capacity_set
from tests.recovery.helpers import DOWN, held, local, national_outage, part_of, permit_held, release_run, resolved_on
from tests.support.api import client_for

# Hand-worked plans on the calendar of December 2026: its dates stay in the future.
pytestmark = pytest.mark.usefixtures("late_november_2026")

TUESDAY = date(2026, 12, 22)  # Friday the 25th is Christmas Day
QUEUE = "/api/v1/release-queue/"
CAPACITIES = "/api/v1/recovery-capacities/"


def release_url(outage_id: int) -> str:
    return f"/api/v1/outages/{outage_id}/release/"


def action_url(outage_id: int, office_code: str, action: str) -> str:
    return f"/api/v1/outages/{outage_id}/release/offices/{office_code}/{action}/"


def problem(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def invalid_params(response) -> dict[str, str]:
    body = problem(response, 400, "invalid")
    return {param["name"]: param["code"] for param in body["invalid_params"]}


@pytest.fixture
def desk(member, smg):
    return member(Role.FRONT_DESK, office=smg)


@pytest.fixture
def release(small_smg, sby, national_admin, no_job) -> Release:
    """A national outage resolved on a Tuesday: 5 passports held at Semarang, 2 at Surabaya."""
    held(small_smg, 5, start=local(date(2026, 12, 1)))
    held(sby, 2, start=local(date(2026, 12, 2)))
    return resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))


class TestProgress:
    def test_after_the_run_every_office_is_done_with_its_last_day(self, release, small_smg, sby, national_admin):
        release_run(release=release)

        response = client_for(national_admin).get(release_url(release.outage_id))

        assert response.status_code == 200, response.content
        body = response.json()
        active = Office.objects.filter(is_active=True).count()
        assert (body["id"], body["outage"], body["state"]) == (release.pk, release.outage_id, "done")
        # Semarang serves 3 a day: Wednesday 3, Thursday 2; Surabaya both on Wednesday.
        assert body["totals"] == {
            "offices": active,
            "total": 7,
            "scheduled": 7,
            "paused": 0,
            "done": active,
            "clears_on": "2026-12-24",
        }
        rows = {row["office"]: row for row in body["offices"]}
        assert len(rows) == active
        assert {key: rows["SMG"][key] for key in ("total", "scheduled", "state", "paused", "clears_on")} == {
            "total": 5,
            "scheduled": 5,
            "state": "done",
            "paused": False,
            "clears_on": "2026-12-24",
        }
        assert (rows["SBY"]["total"], rows["SBY"]["scheduled"], rows["SBY"]["clears_on"]) == (2, 2, "2026-12-23")
        assert (rows["JKT"]["total"], rows["JKT"]["state"], rows["JKT"]["clears_on"]) == (0, "done", None)

    def test_before_the_job_runs_the_release_is_pending_with_no_office(self, release, national_admin):
        body = client_for(national_admin).get(release_url(release.outage_id)).json()

        assert body["state"] == "pending"
        assert body["offices"] == []
        assert body["totals"] == {"offices": 0, "total": 0, "scheduled": 0, "paused": 0, "done": 0, "clears_on": None}

    def test_half_way_an_office_shows_what_is_dated_and_its_planned_last_day(self, release, small_smg, head):
        services.release_enlist(release=release)
        services.release_office_schedule_chunk(part_id=part_of(release, small_smg).pk, chunk_size=2)

        body = client_for(head).get(release_url(release.outage_id)).json()

        assert body["state"] == "scheduling"
        [row] = body["offices"]
        assert (row["office"], row["total"], row["scheduled"], row["state"]) == ("SMG", 5, 2, "scheduling")
        assert row["clears_on"] == "2026-12-24"
        assert body["totals"]["scheduled"] == 2

    def test_office_staff_see_only_their_office_and_its_totals(self, release, sby, member):
        release_run(release=release)

        body = client_for(member(Role.INTERVIEWER, office=sby)).get(release_url(release.outage_id)).json()

        assert [row["office"] for row in body["offices"]] == ["SBY"]
        assert (body["totals"]["offices"], body["totals"]["total"], body["totals"]["clears_on"]) == (
            1,
            2,
            "2026-12-23",
        )

    def test_a_regional_supervisor_sees_the_offices_of_the_region(self, release, small_smg, member):
        release_run(release=release)
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=small_smg.region)

        body = client_for(supervisor).get(release_url(release.outage_id)).json()

        expected = set(Office.objects.filter(region=small_smg.region, is_active=True).values_list("code", flat=True))
        assert {row["office"] for row in body["offices"]} == expected
        assert body["totals"]["total"] == 5

    def test_no_release_an_unknown_outage_or_one_out_of_sight_is_404(self, small_smg, sby, national_admin, member):
        active = national_outage(national_admin)
        sby_head = member(Role.OFFICE_HEAD, office=sby)
        local_outage = outage_declare(
            actor=sby_head, scope=OutageScope.OFFICE, office=sby, capabilities=DOWN, reason="Listrik padam"
        )
        outage_resolve(actor=sby_head, outage=local_outage)
        smg_desk = client_for(member(Role.FRONT_DESK, office=small_smg))

        problem(client_for(national_admin).get(release_url(active.pk)), 404, "not-found")
        problem(client_for(national_admin).get(release_url(999_999)), 404, "not-found")
        problem(smg_desk.get(release_url(local_outage.pk)), 404, "not-found")
        assert client_for(sby_head).get(release_url(local_outage.pk)).status_code == 200

    def test_anonymous_callers_are_refused(self, release, api_client):
        problem(api_client.get(release_url(release.outage_id)), 401, "not-authenticated")

    @pytest.mark.parametrize("regions", [1, 3])
    def test_the_release_costs_the_same_queries_however_many_offices_it_lists(
        self, release, offices, member, regions, django_assert_num_queries
    ):
        release_run(release=release)
        region_ids = sorted({office.region_id for office in offices.values()})[:regions]
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=Office.objects.get(code="SMG").region)
        for region_id in region_ids:
            supervisor.memberships.get_or_create(role=Role.REGIONAL_SUPERVISOR, region_id=region_id)
        client = client_for(supervisor)

        # Session, user, memberships, the release (through the outages in sight), its offices.
        with django_assert_num_queries(5):
            response = client.get(release_url(release.outage_id))

        listed = Office.objects.filter(region__memberships__user=supervisor, is_active=True).distinct()
        assert len(response.json()["offices"]) == listed.count() > 0


class TestPause:
    def test_the_office_head_pauses_and_resumes_their_office(
        self, release, small_smg, head, django_capture_on_commit_callbacks
    ):
        services.release_enlist(release=release)
        client = client_for(head)

        paused = client.post(action_url(release.outage_id, "SMG", "pause"))

        assert paused.status_code == 200, paused.content
        assert (paused.json()["office"], paused.json()["state"], paused.json()["paused"]) == ("SMG", "paused", True)
        assert part_of(release, small_smg).paused is True
        services.release_office_schedule(part_id=part_of(release, small_smg).pk)
        assert part_of(release, small_smg).scheduled == 0

        with django_capture_on_commit_callbacks() as callbacks:
            resumed = client.post(action_url(release.outage_id, "smg", "resume"))

        assert resumed.status_code == 200, resumed.content
        assert (resumed.json()["state"], resumed.json()["paused"]) == ("scheduling", False)
        assert part_of(release, small_smg).paused is False
        assert len(callbacks) == 1  # the office's task, started after commit

    def test_a_regional_supervisor_pauses_an_office_of_the_region(self, release, small_smg, member):
        services.release_enlist(release=release)
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=small_smg.region)

        response = client_for(supervisor).post(action_url(release.outage_id, "SMG", "pause"))

        assert response.status_code == 200, response.content
        assert part_of(release, small_smg).paused is True

    def test_staff_who_see_the_office_but_do_not_manage_it_are_refused(self, release, small_smg, desk):
        services.release_enlist(release=release)

        response = client_for(desk).post(action_url(release.outage_id, "SMG", "pause"))

        problem(response, 403, "permission-denied")
        assert part_of(release, small_smg).paused is False

    def test_an_office_out_of_scope_unknown_or_not_in_the_release_is_404(self, small_smg, sby, member, national_admin):
        held(small_smg, 2, start=local(date(2026, 12, 1)))
        smg_head = member(Role.OFFICE_HEAD, office=small_smg)
        outage = outage_declare(
            actor=smg_head, scope=OutageScope.OFFICE, office=small_smg, capabilities=DOWN, reason="Listrik padam"
        )
        release = resolved_on(smg_head, outage, local(TUESDAY))
        services.release_enlist(release=release)
        sby_head = member(Role.OFFICE_HEAD, office=sby)
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=small_smg.region)
        other_in_region = Office.objects.filter(region=small_smg.region).exclude(pk=small_smg.pk).first()

        problem(client_for(sby_head).post(action_url(outage.pk, "SMG", "pause")), 404, "not-found")
        problem(client_for(smg_head).post(action_url(outage.pk, "XYZ", "pause")), 404, "not-found")
        problem(client_for(supervisor).post(action_url(outage.pk, other_in_region.code, "pause")), 404, "not-found")
        problem(client_for(national_admin).post(action_url(999_999, "SMG", "pause")), 404, "not-found")
        assert part_of(release, small_smg).paused is False

    def test_a_finished_office_can_be_neither_paused_nor_resumed(self, release, small_smg, head):
        release_run(release=release)
        client = client_for(head)

        for action in ("pause", "resume"):
            body = problem(client.post(action_url(release.outage_id, "SMG", action)), 409, "release-office-finished")
            assert body["status"] == 409
        part = part_of(release, small_smg)
        assert (part.paused, part.state) == (False, "done")

    def test_pause_takes_no_get(self, release, head):
        problem(client_for(head).get(action_url(release.outage_id, "SMG", "pause")), 405, "method-not-allowed")


@pytest.fixture
def queue(small_smg, sby, member, national_admin, no_job) -> dict[str, list]:
    """Semarang: 4 passports (3 a day) and 2 permits (1 a day); Surabaya: 1 passport; all dated."""
    smg_desk = member(Role.FRONT_DESK, office=small_smg)
    permits = [
        permit_held(small_smg, smg_desk, passport=f"P0000000{index}", ready_at=local(date(2026, 11, 20 + index)))
        for index in range(2)
    ]
    passports = held(small_smg, 4, start=local(date(2026, 12, 1)))
    surabaya = held(sby, 1, start=local(date(2026, 12, 1)))
    release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
    release_run(release=release)
    return {"passports": passports, "permits": permits, "surabaya": surabaya, "release": [release]}


def rows(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200, response.content
    return [(row["expected_on"], row["kind"], row["reference"]) for row in response.json()["results"]]


class TestQueue:
    def test_by_day_then_queue_then_place(self, queue, desk):
        passports, permits = queue["passports"], queue["permits"]

        response = client_for(desk).get(QUEUE)

        assert rows(response) == [
            ("2026-12-23", "passport", passports[0].reference),
            ("2026-12-23", "passport", passports[1].reference),
            ("2026-12-23", "passport", passports[2].reference),
            ("2026-12-23", "permit", permits[0].reference),
            ("2026-12-24", "passport", passports[3].reference),
            ("2026-12-24", "permit", permits[1].reference),
        ]
        first = response.json()["results"][0]
        release = queue["release"][0]
        assert first["office"] == "SMG"
        assert first["capability"] == "central_records"
        assert first["position"] == 1
        assert (first["release"], first["outage"]) == (release.pk, release.outage_id)
        assert first["ready_at"] == "2026-12-01T10:00:00+07:00"

    def test_a_worked_case_leaves_the_queue(self, queue, desk, member, small_smg):
        adjudicator = member(Role.ADJUDICATOR, office=small_smg)
        application_act(application=queue["passports"][0], action="approve", actor=adjudicator)

        references = [reference for _day, _kind, reference in rows(client_for(desk).get(QUEUE))]

        assert queue["passports"][0].reference not in references
        assert len(references) == 5

    def test_each_office_sees_its_own_and_a_national_admin_all(self, queue, sby, member, national_admin):
        sby_rows = rows(client_for(member(Role.HANDOVER_OFFICER, office=sby)).get(QUEUE))
        all_rows = rows(client_for(national_admin).get(QUEUE))

        assert sby_rows == [("2026-12-23", "passport", queue["surabaya"][0].reference)]
        assert len(all_rows) == 7

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"office": "sby"}, 1),
            ({"office": "SMG", "kind": "permit"}, 2),
            ({"expected_on": "2026-12-24"}, 2),
            ({"expected_on_after": "2026-12-24"}, 2),
            ({"expected_on_before": "2026-12-24"}, 5),
            ({"expected_on_after": "2026-12-23", "expected_on_before": "2026-12-24", "kind": "passport"}, 4),
        ],
    )
    def test_filters(self, queue, national_admin, params, expected):
        assert len(rows(client_for(national_admin).get(QUEUE, params))) == expected

    def test_unknown_and_malformed_filters_are_refused(self, queue, desk):
        client = client_for(desk)

        assert invalid_params(client.get(QUEUE, {"offce": "SMG"})) == {"offce": "unknown-parameter"}
        assert invalid_params(client.get(QUEUE, {"expected_on": "2026-13-40"})) == {"expected_on": "invalid"}
        assert invalid_params(client.get(QUEUE, {"kind": "visa"})) == {"kind": "invalid_choice"}

    def test_a_case_not_yet_dated_is_not_in_the_queue(self, small_smg, desk, head, national_admin, no_job):
        held(small_smg, 3, start=local(date(2026, 12, 1)))
        release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY))
        services.release_enlist(release=release)
        services.release_office_schedule_chunk(part_id=part_of(release, small_smg).pk, chunk_size=2)

        assert len(rows(client_for(desk).get(QUEUE))) == 2
        assert ReleaseEntry.objects.filter(office=small_smg, expected_on__isnull=True).count() == 1

    @pytest.mark.parametrize("count", [2, 12])
    def test_a_page_costs_the_same_queries_at_any_size(
        self, small_smg, member, national_admin, no_job, count, django_assert_num_queries
    ):
        smg_desk = member(Role.FRONT_DESK, office=small_smg)
        for index in range(count // 2):
            permit_held(small_smg, smg_desk, passport=f"Q{index:08d}", ready_at=local(date(2026, 11, 20)))
        held(small_smg, count - count // 2, start=local(date(2026, 12, 1)))
        release_run(release=resolved_on(national_admin, national_outage(national_admin), local(TUESDAY)))
        client = client_for(smg_desk)

        # Session, user, memberships, the page with its offices, cases, releases.
        with django_assert_num_queries(4):
            response = client.get(QUEUE, {"page_size": count})

        assert len(response.json()["results"]) == count


def capacity_body(**overrides) -> dict:
    return {
        "office": "SMG",
        "kind": "passport",
        "starts_on": "2026-12-23",
        "ends_on": "2026-12-31",
        "weekday_extra": 50,
        "saturday": 100,
        **overrides,
    }


class TestCapacity:
    def test_the_office_head_adds_a_period(self, smg, head):
        response = client_for(head).post(CAPACITIES, capacity_body(office="smg"), format="json")

        assert response.status_code == 201, response.content
        capacity = RecoveryCapacity.objects.get()
        assert response.json() == {
            "id": capacity.pk,
            "office": "SMG",
            "kind": "passport",
            "starts_on": "2026-12-23",
            "ends_on": "2026-12-31",
            "weekday_extra": 50,
            "saturday": 100,
            "created_by": head.username,
            "created_at": response.json()["created_at"],
        }
        assert (capacity.office, capacity.created_by, capacity.saturday) == (smg, head, 100)

    @pytest.mark.parametrize(
        ("overrides", "errors"),
        [
            ({"starts_on": "2026-12-31", "ends_on": "2026-12-23"}, {"ends_on": "period-reversed"}),
            ({"starts_on": "2026-11-01", "ends_on": "2026-11-10"}, {"ends_on": "period-past"}),
            ({"weekday_extra": 0, "saturday": 0}, {"weekday_extra": "nothing-added"}),
            ({"weekday_extra": -1}, {"weekday_extra": "min_value"}),
            ({"saturday": 10**12}, {"saturday": "max_value"}),
            ({"kind": "visa"}, {"kind": "invalid_choice"}),
            ({"starts_on": "besok"}, {"starts_on": "invalid"}),
            ({"office": "SBY"}, {"office": "does_not_exist"}),
            ({"office": "NOPE"}, {"office": "does_not_exist"}),
        ],
    )
    def test_bad_input_names_its_field_and_writes_nothing(self, smg, sby, head, overrides, errors):
        response = client_for(head).post(CAPACITIES, capacity_body(**overrides), format="json")

        assert invalid_params(response) == errors
        assert not RecoveryCapacity.objects.exists()

    def test_an_overlapping_period_of_the_same_queue_is_refused(self, smg, head):
        recovery_capacity_set(
            actor=head,
            office=smg,
            kind=CaseKind.PASSPORT,
            starts_on=date(2026, 12, 28),
            ends_on=date(2027, 1, 8),
            saturday=50,
        )
        client = client_for(head)

        overlapping = client.post(CAPACITIES, capacity_body(), format="json")
        other_queue = client.post(CAPACITIES, capacity_body(kind="permit"), format="json")

        assert invalid_params(overlapping) == {"starts_on": "overlapping"}
        assert other_queue.status_code == 201, other_queue.content
        assert RecoveryCapacity.objects.filter(kind=CaseKind.PASSPORT).count() == 1

    def test_staff_who_do_not_manage_an_office_are_refused(self, smg, desk, member):
        problem(client_for(desk).post(CAPACITIES, capacity_body(), format="json"), 403, "permission-denied")
        # A head elsewhere who also works at Semarang sees it but does not manage it.
        both = member(Role.OFFICE_HEAD, office=Office.objects.get(code="SBY"))
        both.memberships.create(role=Role.FRONT_DESK, office=smg)
        problem(client_for(both).post(CAPACITIES, capacity_body(), format="json"), 403, "permission-denied")
        assert not RecoveryCapacity.objects.exists()

    def test_a_retry_with_the_same_idempotency_key_returns_the_first_response(self, smg, head):
        client = client_for(head)

        first = client.post(CAPACITIES, capacity_body(), format="json", HTTP_IDEMPOTENCY_KEY="cap-1")
        again = client.post(CAPACITIES, capacity_body(), format="json", HTTP_IDEMPOTENCY_KEY="cap-1")

        assert (first.status_code, again.status_code) == (201, 201)
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert RecoveryCapacity.objects.count() == 1

    def test_the_list_is_scoped_and_filtered(self, smg, sby, head, member, national_admin):
        sby_head = member(Role.OFFICE_HEAD, office=sby)
        for actor, office in ((head, smg), (sby_head, sby)):
            for kind in CaseKind.values:
                recovery_capacity_set(
                    actor=actor,
                    office=office,
                    kind=kind,
                    starts_on=date(2026, 12, 23),
                    ends_on=date(2026, 12, 31),
                    weekday_extra=10,
                )

        def listed(user, **params) -> list[tuple[str, str]]:
            response = client_for(user).get(CAPACITIES, params)
            assert response.status_code == 200, response.content
            return sorted((row["office"], row["kind"]) for row in response.json()["results"])

        assert listed(head) == [("SMG", "passport"), ("SMG", "permit")]
        assert listed(member(Role.FRONT_DESK, office=sby)) == [("SBY", "passport"), ("SBY", "permit")]
        assert listed(national_admin, office="sby", kind="permit") == [("SBY", "permit")]
        assert len(listed(national_admin)) == 4
        assert invalid_params(client_for(head).get(CAPACITIES, {"queue": "passport"})) == {"queue": "unknown-parameter"}

    @pytest.mark.parametrize("count", [1, 6])
    def test_a_page_costs_the_same_queries_at_any_size(self, smg, head, count, django_assert_num_queries):
        start = date(2026, 12, 1)
        for index in range(count):
            day = start + timedelta(days=index * 2)
            recovery_capacity_set(
                actor=head, office=smg, kind=CaseKind.PASSPORT, starts_on=day, ends_on=day, saturday=5
            )
        client = client_for(head)

        # Session, user, memberships, the page with its offices and authors.
        with django_assert_num_queries(4):
            response = client.get(CAPACITIES)

        assert [row["starts_on"] for row in response.json()["results"]] == [
            (start + timedelta(days=index * 2)).isoformat() for index in range(count)
        ]

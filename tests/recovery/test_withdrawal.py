"""A released case held again by a later outage: in the queue once, its old place freed, told once of each."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.workflow import Status
from casework.models import CaseStep, Notification
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.impact import outage_impact
from recovery.models import ReleaseEntry, ReleaseOffice
from recovery.services import release_enlist
from recovery.withdrawal import RELEASE_WITHDRAWN, release_entries_withdraw
from tests.recovery.helpers import held, local, national_outage, release_run, resolved_on

pytestmark = [pytest.mark.usefixtures("late_november_2026"), pytest.mark.django_db]

TUESDAY = date(2026, 12, 22)  # Friday the 25th is Christmas Day
QUEUE = "/api/v1/release-queue/"
ADMIN_QUEUE = reverse("admin:recovery_releaseentry_changelist")


def queue(user) -> list[tuple[str, str, int]]:
    client = APIClient()
    client.force_login(user)
    response = client.get(QUEUE)
    assert response.status_code == 200, response.content
    return [(row["reference"], row["expected_on"], row["release"]) for row in response.json()["results"]]


@pytest.fixture
def released(small_smg, national_admin, no_job):
    """A national outage released at Semarang (3 passports a day) on Tuesday 22 December: the
    interviewed case X first (waiting for central records), then three approved ones (printing),
    so X and the next two are served on the 23rd and the last on the 24th."""
    start = local(date(2026, 12, 1))
    case_x = held(small_smg, 1, start=start)[0]
    printing = held(small_smg, 3, start=start + timedelta(hours=1), status=Status.APPROVED)
    release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY, 9))
    release_run(release=release)
    return {"x": case_x, "printing": printing, "release": release}


def declare_central_records_down(actor, office, callbacks) -> Outage:
    with callbacks(execute=True):
        return outage_declare(
            actor=actor,
            scope=OutageScope.OFFICE,
            office=office,
            capabilities=[Capability.CENTRAL_RECORDS],
            reason="Server pusat lagi",
        )


def test_a_case_held_again_is_in_the_queue_once_and_takes_back_its_freed_place(
    released, small_smg, national_admin, member, client, django_capture_on_commit_callbacks
):
    case_x, printing, first = released["x"], released["printing"], released["release"]
    head = member(Role.OFFICE_HEAD, office=small_smg)
    assert queue(head)[0] == (case_x.reference, "2026-12-23", first.pk)

    later = declare_central_records_down(national_admin, small_smg, django_capture_on_commit_callbacks)

    # Held again: out of the queue, its place on the 23rd given back; the others keep theirs.
    assert [reference for reference, _day, _release in queue(head)] == [case.reference for case in printing]
    entry = ReleaseEntry.objects.get(release_office__release=first, kind="passport", case_id=case_x.pk)
    assert entry.withdrawn_at is not None
    assert entry.worked_at is None
    part = ReleaseOffice.objects.get(release=first, office=small_smg)
    assert part.freed == {"passport": {"2026-12-23": 1}}
    assert part.booked("passport") == [(date(2026, 12, 23), 2), (date(2026, 12, 24), 1)]

    second = resolved_on(national_admin, later, local(TUESDAY, 11))
    release_run(release=second)

    # Once in the queue, on the place it gave back (the 23rd had two of three taken), by the later release.
    assert queue(head) == [
        (case_x.reference, "2026-12-23", second.pk),
        (printing[0].reference, "2026-12-23", first.pk),
        (printing[1].reference, "2026-12-23", first.pk),
        (printing[2].reference, "2026-12-24", first.pk),
    ]
    messages = list(
        Notification.objects.filter(case_reference=case_x.reference).order_by("id").values_list("event", "dedupe_key")
    )
    assert messages == [
        ("scheduled", f"{case_x.reference}:release{first.pk}"),
        ("withdrawn", f"{case_x.reference}:release{first.pk}:withdrawn"),
        ("scheduled", f"{case_x.reference}:release{second.pk}"),
    ]
    withdrawn = Notification.objects.get(event="withdrawn")
    assert "23-12-2026" in withdrawn.body
    assert "tidak berlaku lagi" in withdrawn.body
    assert list(
        CaseStep.objects.filter(case_id=case_x.pk, action__startswith="release_").values_list("action", "note")
    ) == [("release_dated", "2026-12-23"), (RELEASE_WITHDRAWN, "2026-12-23"), ("release_dated", "2026-12-23")]

    # The first outage's office cleared the case it no longer holds: only the printing ones remain.
    assert outage_impact(first.outage).remaining == 3

    client.force_login(head)
    listed = client.get(ADMIN_QUEUE).context["cl"].result_list
    assert [entry.case.reference for entry in listed] == [case_x.reference] + [case.reference for case in printing]


def test_a_lost_withdrawal_task_is_made_up_for_when_the_later_release_enlists(
    released, small_smg, national_admin, member
):
    case_x = released["x"]
    later = outage_declare(  # on-commit work never runs here: as if its task were lost
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=small_smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Server pusat lagi",
    )
    second = resolved_on(national_admin, later, local(TUESDAY, 11))
    release_run(release=second)

    references = [reference for reference, _day, _release in queue(member(Role.OFFICE_HEAD, office=small_smg))]
    assert references.count(case_x.reference) == 1
    assert Notification.objects.filter(case_reference=case_x.reference, event="withdrawn").count() == 1


def test_withdrawing_twice_tells_once(released, small_smg, national_admin):
    later = outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=small_smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Server pusat lagi",
    )
    assert release_entries_withdraw(outage=later) == 1
    assert release_entries_withdraw(outage=later) == 0
    assert Notification.objects.filter(event="withdrawn").count() == 1


def test_an_entry_withdrawn_before_its_chunk_is_dated_silently_and_its_place_freed(small_smg, national_admin, no_job):
    start = local(date(2026, 12, 1))
    case_x = held(small_smg, 1, start=start)[0]
    held(small_smg, 2, start=start + timedelta(hours=1), status=Status.APPROVED)
    release = resolved_on(national_admin, national_outage(national_admin), local(TUESDAY, 9))
    release_enlist(release=release)
    later = outage_declare(
        actor=national_admin,
        scope=OutageScope.OFFICE,
        office=small_smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Server pusat lagi",
    )
    assert release_entries_withdraw(outage=later) == 1
    release_run(release=release)

    part = ReleaseOffice.objects.get(release=release, office=small_smg)
    assert part.freed == {"passport": {"2026-12-23": 1}}
    assert not Notification.objects.filter(case_reference=case_x.reference).exists()
    assert not CaseStep.objects.filter(case_id=case_x.pk, action__startswith="release_").exists()

"""The case timeline: every change, from pghistory's snapshots, with who, what, why, from and to."""

import itertools

import pytest

from applications.models import Applicant, PassportApplication
from applications.services import application_act, application_submit
from applications.workflow import Status
from casework.errors import InvalidTransition
from casework.history import case_timeline
from casework.services import history_context
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, action_inputs, applicant_data

pytestmark = pytest.mark.django_db


def test_timeline_shows_who_did_what_and_why(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    operator = member(Role.BIOMETRIC_OPERATOR, office=smg, username="smg.biometrik")
    application = application_submit(
        actor=clerk,
        office=smg,
        applicant=applicant_data(),
        application_type="new",
        passport_kind="electronic",
        validity_years=5,
        channel="appointment",
        note="Datang sesuai jadwal",
    )
    for action, actor, note in [
        ("return_documents", clerk, "KK belum dibawa"),
        ("resubmit", clerk, "KK sudah lengkap"),
        ("verify", clerk, ""),
        ("record_payment", clerk, "Bayar di bank"),
        ("capture_biometrics", operator, ""),
    ]:
        application = application_act(
            application=application, action=action, actor=actor, note=note, **action_inputs(action, application)
        )

    timeline = case_timeline(application)
    assert [(e.action, e.actor, e.note, e.from_status, e.to_status, e.version) for e in timeline] == [
        ("submit", "smg.frontdesk", "Datang sesuai jadwal", None, Status.SUBMITTED, 1),
        ("return_documents", "smg.frontdesk", "KK belum dibawa", Status.SUBMITTED, Status.INCOMPLETE, 2),
        ("resubmit", "smg.frontdesk", "KK sudah lengkap", Status.INCOMPLETE, Status.SUBMITTED, 3),
        ("verify", "smg.frontdesk", "", Status.SUBMITTED, Status.VERIFIED, 4),
        ("record_payment", "smg.frontdesk", "Bayar di bank", Status.VERIFIED, Status.PAID, 5),
        ("capture_biometrics", "smg.biometrik", "", Status.PAID, Status.BIOMETRICS_CAPTURED, 6),
    ]
    assert {entry.office for entry in timeline} == {"SMG"}
    assert all(earlier.at <= later.at for earlier, later in itertools.pairwise(timeline))


def test_refused_action_leaves_no_entry(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    before = len(case_timeline(application))
    with pytest.raises(InvalidTransition):
        application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))
    assert len(case_timeline(application)) == before


def test_bulk_update_is_recorded(offices):
    smg = offices["SMG"]
    applications = [PassportApplicationFactory(office=smg) for _ in range(3)]
    events = PassportApplication.pgh_event_model.objects.count()

    updated = PassportApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
        priority="disability", channel="walk_in"
    )

    assert updated == 3
    assert PassportApplication.pgh_event_model.objects.count() == events + 3
    last = case_timeline(applications[0])[-1]
    assert (last.action, last.actor, last.from_status, last.to_status) == (
        "update",
        "system",
        Status.SUBMITTED,
        Status.SUBMITTED,
    )


def test_bulk_update_in_a_context_names_it(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    head = member(Role.OFFICE_HEAD, office=smg, username="smg.kepala")
    with history_context(actor=head, action="correct_channel", note="Salah input", office="SMG"):
        PassportApplication.objects.filter(pk=application.pk).update(priority="elderly", channel="walk_in")
    last = case_timeline(application)[-1]
    assert (last.action, last.actor, last.note) == ("correct_channel", "smg.kepala", "Salah input")


def test_applicant_changes_are_tracked(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg)
    data = applicant_data()
    fields = {
        "application_type": "new",
        "passport_kind": "electronic",
        "validity_years": 5,
        "channel": "appointment",
    }
    application_submit(actor=clerk, office=smg, applicant=data, **fields)
    application_submit(actor=clerk, office=smg, applicant={**data, "address": "Jl. Baru 2"}, **fields)
    applicant = Applicant.objects.get()
    assert [event.address for event in applicant.events.order_by("pgh_id")] == [data["address"], "Jl. Baru 2"]

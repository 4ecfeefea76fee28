"""The case timeline: each step as it happened, whatever else ran in the same request, command or task."""

import importlib
import itertools

import pghistory
import pytest
from django.apps import apps
from django.db import ProgrammingError, connection, transaction
from django.utils.translation import gettext

from applications.models import Applicant, PassportApplication
from applications.services import application_act, application_submit
from applications.tasks import applications_expire_incomplete_task
from applications.workflow import Status
from casework.errors import ActionForbidden, InvalidTransition
from casework.history import case_timeline
from casework.models import Attribution, CaseStep
from offices.roles import Role
from plumbing.origin import origin_current, origin_scope
from tests.applications.service_factories import PassportApplicationFactory, action_inputs, applicant_data

pytestmark = pytest.mark.django_db

FIELDS = {"application_type": "new", "passport_kind": "electronic", "validity_years": 5, "channel": "appointment"}


def _submit(office, clerk, **applicant):
    return application_submit(actor=clerk, office=office, applicant=applicant_data(**applicant), **FIELDS)


def test_timeline_shows_who_did_what_and_why(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    operator = member(Role.BIOMETRIC_OPERATOR, office=smg, username="smg.biometrik")
    application = application_submit(
        actor=clerk, office=smg, applicant=applicant_data(), note="Datang sesuai jadwal", **FIELDS
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
    assert {entry.attribution for entry in timeline} == {Attribution.RECORDED}
    assert all(earlier.at <= later.at for earlier, later in itertools.pairwise(timeline))


def test_five_transitions_by_three_actors_at_two_offices_in_one_transaction_are_five_true_entries(offices, member):
    """One request (one history context, one transaction) taking steps on cases of two offices."""
    smg, sby = offices["SMG"], offices["SBY"]
    smg_clerk = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    smg_operator = member(Role.BIOMETRIC_OPERATOR, office=smg, username="smg.biometric")
    sby_clerk = member(Role.FRONT_DESK, office=sby, username="sby.frontdesk")
    at_smg = _submit(smg, smg_clerk)
    at_sby = _submit(sby, sby_clerk, email="other@example.id", birth_place="Surabaya")
    at_sby = PassportApplication.objects.get(pk=at_sby.pk)

    with origin_scope(kind="request", name="POST /bulk/"), transaction.atomic():
        origin = origin_current()
        at_smg = application_act(application=at_smg, action="verify", actor=smg_clerk, note="lengkap")
        at_sby = application_act(application=at_sby, action="return_documents", actor=sby_clerk, note="KK kurang")
        at_smg = application_act(
            application=at_smg, action="record_payment", actor=smg_clerk, **action_inputs("record_payment", at_smg)
        )
        at_sby = application_act(application=at_sby, action="resubmit", actor=sby_clerk, note="KK dibawa")
        at_smg = application_act(
            application=at_smg,
            action="capture_biometrics",
            actor=smg_operator,
            note="sidik jari",
            **action_inputs("capture_biometrics", at_smg),
        )

    def steps(case):
        return [(e.action, e.actor, e.office, e.note, e.from_status, e.to_status) for e in case_timeline(case)[1:]]

    assert steps(at_smg) == [
        ("verify", "smg.frontdesk", "SMG", "lengkap", Status.SUBMITTED, Status.VERIFIED),
        ("record_payment", "smg.frontdesk", "SMG", "", Status.VERIFIED, Status.PAID),
        ("capture_biometrics", "smg.biometric", "SMG", "sidik jari", Status.PAID, Status.BIOMETRICS_CAPTURED),
    ]
    assert steps(at_sby) == [
        ("return_documents", "sby.frontdesk", "SBY", "KK kurang", Status.SUBMITTED, Status.INCOMPLETE),
        ("resubmit", "sby.frontdesk", "SBY", "KK dibawa", Status.INCOMPLETE, Status.SUBMITTED),
    ]
    taken = CaseStep.objects.filter(origin_id=origin.id)
    assert taken.count() == 5
    assert set(taken.values_list("origin", flat=True)) == {"request:POST /bulk/"}
    assert {(step.actor_id, step.office_id) for step in taken} == {
        (smg_clerk.pk, smg.pk),
        (smg_operator.pk, smg.pk),
        (sby_clerk.pk, sby.pk),
    }


def test_refused_action_leaves_no_entry(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    before = len(case_timeline(application))
    with pytest.raises(InvalidTransition):
        application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))
    assert len(case_timeline(application)) == before
    assert not CaseStep.objects.filter(case_id=application.pk).exists()


def test_a_person_cannot_take_the_systems_own_step(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INCOMPLETE)
    head = member(Role.OFFICE_HEAD, office=smg)
    with pytest.raises(ActionForbidden):
        application_act(application=application, action="expire", actor=head, reason="x")
    assert PassportApplication.objects.get(pk=application.pk).status == Status.INCOMPLETE


def test_bulk_update_is_recorded_without_naming_anyone(offices):
    smg = offices["SMG"]
    applications = [PassportApplicationFactory(office=smg) for _ in range(3)]
    events = PassportApplication.pgh_event_model.objects.count()

    updated = PassportApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
        priority="disability", channel="walk_in"
    )

    assert updated == 3
    assert PassportApplication.pgh_event_model.objects.count() == events + 3
    timeline = case_timeline(applications[0])
    assert [(e.action, e.actor, e.from_status, e.to_status, e.origin) for e in timeline] == [
        ("create", "", None, Status.SUBMITTED, ""),
        ("update", "", Status.SUBMITTED, Status.SUBMITTED, ""),
    ]


def test_bulk_update_in_a_command_names_the_command_and_who_started_it(offices, member):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg)
    head = member(Role.OFFICE_HEAD, office=smg, username="smg.kepala")
    with origin_scope(kind="command", name="correct_channels", started_by=head):
        PassportApplication.objects.filter(pk=application.pk).update(priority="elderly", channel="walk_in")
    last = case_timeline(application)[-1]
    assert (last.action, last.actor, last.origin) == ("update", "", "command:correct_channels")
    context = application.events.order_by("pgh_id").last().pgh_context
    assert (context.metadata["origin"], context.metadata["user"]) == ("command:correct_channels", head.pk)


def test_nested_origins_do_not_rewrite_each_other(offices, member):
    """A task run in-process inside a request is its own origin; the request's stays the request's."""
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    with origin_scope(kind="request", name="POST /outer/", started_by=clerk):
        first = _submit(smg, clerk)
        with origin_scope(kind="task", name="inner") as inner:
            second = _submit(smg, clerk, email="two@example.id")
        third = _submit(smg, clerk, email="three@example.id")
    origins = [CaseStep.objects.get(case_id=case.pk).origin for case in (first, second, third)]
    assert origins == ["request:POST /outer/", "task:inner", "request:POST /outer/"]
    assert CaseStep.objects.get(case_id=second.pk).origin_id == inner.id
    assert origin_current().kind == ""


def test_expiry_task_is_the_systems_step_named_by_its_task(offices, member, settings):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INCOMPLETE)
    PassportApplication.objects.filter(pk=application.pk).update(
        documents_returned_at=application.documents_returned_at.replace(year=2020)
    )

    assert applications_expire_incomplete_task.delay().get() == 1

    step = CaseStep.objects.get(case_id=application.pk, action="expire")
    assert (step.actor, step.actor_name, step.started_by, step.to_status) == (None, "", None, Status.CANCELLED)
    assert step.origin == "task:applications.tasks.applications_expire_incomplete_task"
    assert step.note == gettext("Documents were not completed within 14 days.")
    last = case_timeline(application)[-1]
    assert (last.action, last.actor, last.from_status, last.to_status) == (
        "expire",
        "system",
        Status.INCOMPLETE,
        Status.CANCELLED,
    )


def test_a_task_queued_by_a_person_names_them(offices, member):
    smg = offices["SMG"]
    head = member(Role.OFFICE_HEAD, office=smg, username="smg.kepala")
    application = PassportApplicationFactory(office=smg, status=Status.INCOMPLETE)
    PassportApplication.objects.filter(pk=application.pk).update(
        documents_returned_at=application.documents_returned_at.replace(year=2020)
    )
    with origin_scope(kind="request", name="POST /admin/sweep/", started_by=head):
        applications_expire_incomplete_task.delay()
    step = CaseStep.objects.get(case_id=application.pk, action="expire")
    assert (step.actor, step.started_by) == (None, head)
    assert step.origin == "task:applications.tasks.applications_expire_incomplete_task"


def test_the_steps_cannot_be_changed_or_removed(offices, member):
    smg = offices["SMG"]
    application = _submit(smg, member(Role.FRONT_DESK, office=smg))
    step = CaseStep.objects.get(case_id=application.pk)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        CaseStep.objects.filter(pk=step.pk).update(actor_name="somebody.else")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        CaseStep.objects.filter(pk=step.pk).delete()
    assert CaseStep.objects.get(pk=step.pk).actor_name == step.actor_name


def test_applicant_changes_are_tracked(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg)
    data = applicant_data()
    application_submit(actor=clerk, office=smg, applicant=data, **FIELDS)
    application_submit(actor=clerk, office=smg, applicant={**data, "address": "Jl. Baru 2"}, **FIELDS)
    applicant = Applicant.objects.get()
    assert [event.address for event in applicant.events.order_by("pgh_id")] == [data["address"], "Jl. Baru 2"]


def test_history_written_under_a_shared_context_is_carried_over_as_attribution_unknown(offices, member):
    """The migration's carry-over of snapshots written before each step had its own record."""
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")
    # As the old code wrote them: one context per change, metadata naming the change ...
    with pghistory.context(actor="smg.frontdesk", user=clerk.pk, action="submit", note="datang", office="SMG"):
        alone = PassportApplicationFactory(office=smg)
    # ... and contexts shared by several changes, whose metadata the last one overwrote.
    with pghistory.context(url="/admin/bulk/"):
        shared = [PassportApplicationFactory(office=smg) for _ in range(2)]
        pghistory.context(actor="sby.frontdesk", action="return_documents", note="salah", office="SBY")
    with pghistory.context(command="seed_demo", actor="smg.frontdesk", action="submit"):
        seeded = PassportApplicationFactory(office=smg)

    migration = importlib.import_module("casework.migrations.0002_case_step")
    with connection.schema_editor() as editor:
        migration.steps_from_history(apps, editor)

    def carried(case):
        step = CaseStep.objects.get(case_id=case.pk, case_model="applications.passportapplication")
        return (step.action, step.actor_id, step.actor_name, step.note, step.attribution, step.office_id)

    assert carried(alone) == ("submit", clerk.pk, "smg.frontdesk", "datang", Attribution.RECORDED, smg.pk)
    for case in shared:
        assert carried(case) == ("unknown", None, "", "", Attribution.UNKNOWN, smg.pk)
    assert carried(seeded) == ("unknown", None, "", "", Attribution.UNKNOWN, smg.pk)
    entry = case_timeline(shared[0])[0]
    assert (entry.action, entry.actor, entry.attribution, entry.to_status, entry.origin) == (
        "unknown",
        "",
        Attribution.UNKNOWN,
        Status.SUBMITTED,
        "request:/admin/bulk/",
    )

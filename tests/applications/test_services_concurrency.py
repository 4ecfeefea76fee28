"""Concurrency on real threads and real connections: references, and approvals racing a declaration.

Each test commits for real (``transaction=True``), so every thread sees what the others commit
and PostgreSQL's locks decide the order, as in production. Every thread closes its connection.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from applications.models import Applicant, PassportApplication
from applications.services import application_act, application_submit
from applications.workflow import Status
from offices import outages
from offices.models import Capability, Outage, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, applicant_data

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30


def _in_thread(target: Callable[[], object], results: list, errors: list) -> threading.Thread:
    """A thread that runs ``target`` on its own connection and closes it at the end."""

    def run() -> None:
        try:
            results.append(target())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_concurrent_submissions_get_consecutive_references(offices, member):
    smg = offices["SMG"]
    clerk_id = member(Role.FRONT_DESK, office=smg).pk
    count = 20
    barrier = threading.Barrier(count, timeout=TIMEOUT)
    people = [applicant_data(full_name=f"Pemohon {n}") for n in range(count)]
    results: list[PassportApplication] = []
    errors: list[BaseException] = []

    def submit(data: dict) -> Callable[[], PassportApplication]:
        def run() -> PassportApplication:
            clerk = get_user_model().objects.get(pk=clerk_id)
            barrier.wait()
            return application_submit(
                actor=clerk,
                office=smg,
                applicant=data,
                application_type="new",
                passport_kind="electronic",
                validity_years=5,
                channel="appointment",
            )

        return run

    before = smg.local_today()
    threads = [_in_thread(submit(data), results, errors) for data in people]
    for thread in threads:
        thread.join(TIMEOUT)
    after = smg.local_today()

    assert errors == []
    references = sorted(application.reference for application in results)
    assert len(set(references)) == count
    day = references[0].split("-")[1]
    assert day in {f"{before:%y%m%d}", f"{after:%y%m%d}"}
    assert references == [f"SMG-{day}-{number:04d}" for number in range(1, count + 1)]
    assert PassportApplication.objects.filter(office=smg).count() == count


def test_the_same_new_citizen_at_two_desks_at_once_gets_one_applicant(offices, member):
    smg = offices["SMG"]
    clerk_ids = [member(Role.FRONT_DESK, office=smg).pk for _ in range(2)]
    data = applicant_data()
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    results: list[PassportApplication] = []
    errors: list[BaseException] = []

    def submit(clerk_id: int) -> Callable[[], PassportApplication]:
        def run() -> PassportApplication:
            clerk = get_user_model().objects.get(pk=clerk_id)
            barrier.wait()
            return application_submit(
                actor=clerk,
                office=smg,
                applicant=data,
                application_type="new",
                passport_kind="electronic",
                validity_years=5,
                channel="appointment",
            )

        return run

    threads = [_in_thread(submit(clerk_id), results, errors) for clerk_id in clerk_ids]
    for thread in threads:
        thread.join(TIMEOUT)

    assert errors == []
    assert len(results) == 2
    assert Applicant.objects.filter(nik=data["nik"]).count() == 1
    assert {application.applicant_id for application in results} == {Applicant.objects.get().pk}


def test_declaration_waits_for_an_approval_that_passed_the_guard(offices, member, national_admin):
    """The approval holds its transaction open after the guard: the declaration must block on the
    guard's shared lock until the approval commits, and so be declared after it."""
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    guard_passed, release = threading.Event(), threading.Event()
    real_guard = outages.capability_guard

    def guard_then_hold(**kwargs: object) -> None:
        real_guard(**kwargs)
        guard_passed.set()
        release.wait(TIMEOUT)

    approvals: list = []
    declarations: list[Outage] = []
    errors: list[BaseException] = []
    with mock.patch("casework.services.capability_guard", guard_then_hold):
        approver = _in_thread(
            lambda: application_act(application=application, action="approve", actor=adjudicator), approvals, errors
        )
        assert guard_passed.wait(TIMEOUT)
        declarer = _in_thread(
            lambda: outage_declare(
                actor=national_admin,
                scope=OutageScope.NATIONAL,
                capabilities=[Capability.CENTRAL_RECORDS],
                reason="PDN",
            ),
            declarations,
            errors,
        )
        declarer.join(1.5)
        blocked = declarer.is_alive()
        release.set()
        approver.join(TIMEOUT)
        declarer.join(TIMEOUT)

    assert errors == []
    assert blocked, "the declaration committed while an approval that had passed the guard was still open"
    stored = PassportApplication.objects.get(pk=application.pk)
    assert stored.status == Status.APPROVED
    assert stored.approved_at < declarations[0].declared_at


def test_approval_waits_for_a_declaration_in_progress_and_is_refused(offices, member, national_admin):
    """The declaration holds its transaction open after taking its locks: an approval must wait at
    the guard, then see the committed outage and be refused."""
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    locked, release = threading.Event(), threading.Event()
    real_lock = outages._lock_states

    def lock_then_hold(**kwargs: object) -> None:
        real_lock(**kwargs)
        locked.set()
        release.wait(TIMEOUT)

    approvals: list = []
    declarations: list[Outage] = []
    errors: list[BaseException] = []
    with mock.patch("offices.outages._lock_states", lock_then_hold):
        declarer = _in_thread(
            lambda: outage_declare(
                actor=national_admin,
                scope=OutageScope.NATIONAL,
                capabilities=[Capability.CENTRAL_RECORDS],
                reason="PDN",
            ),
            declarations,
            errors,
        )
        assert locked.wait(TIMEOUT)
        approver = _in_thread(
            lambda: application_act(application=application, action="approve", actor=adjudicator), approvals, errors
        )
        approver.join(1.5)
        blocked = approver.is_alive()
        release.set()
        declarer.join(TIMEOUT)
        approver.join(TIMEOUT)

    assert blocked, "the approval went past the guard while a declaration held its locks"
    assert approvals == []
    assert len(errors) == 1
    assert isinstance(errors[0], OutageActive)
    assert errors[0].outages == [declarations[0]]
    assert PassportApplication.objects.get(pk=application.pk).status == Status.INTERVIEWED


# Each round starts both at one barrier, so either may win; six rounds see both orders as a rule,
# and each order is proven by a test of its own above.
RACING_ROUNDS = 6


@pytest.mark.slow
def test_no_approval_commits_after_a_racing_declaration(offices, member, national_admin):
    """Start an approval and a declaration at the same instant, many times: every approval either
    committed before the outage was declared or was refused.

    The outage is the office's region's: the race is on the office's capability row, which a
    national declaration locks as well, and a region's declaration and resolution (its release,
    its rollups) touch a tenth of the offices, so each round takes a tenth of the time.
    """
    smg = offices["SMG"]
    adjudicator_id = member(Role.ADJUDICATOR, office=smg).pk
    outcomes = {"approved": 0, "refused": 0}
    for _ in range(RACING_ROUNDS):
        application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)
        barrier = threading.Barrier(2, timeout=TIMEOUT)
        approvals: list[PassportApplication] = []
        declarations: list[Outage] = []
        approval_errors: list[BaseException] = []
        declaration_errors: list[BaseException] = []

        def approve(application: PassportApplication = application, barrier: threading.Barrier = barrier):
            adjudicator = get_user_model().objects.get(pk=adjudicator_id)
            barrier.wait()
            return application_act(application=application, action="approve", actor=adjudicator)

        def declare(barrier: threading.Barrier = barrier) -> Outage:
            barrier.wait()
            return outage_declare(
                actor=national_admin,
                scope=OutageScope.REGION,
                region=smg.region,
                capabilities=[Capability.CENTRAL_RECORDS],
                reason="PDN",
            )

        threads = [
            _in_thread(approve, approvals, approval_errors),
            _in_thread(declare, declarations, declaration_errors),
        ]
        for thread in threads:
            thread.join(TIMEOUT)

        assert declaration_errors == []
        outage = declarations[0]
        stored = PassportApplication.objects.get(pk=application.pk)
        if approval_errors:
            assert [type(error) for error in approval_errors] == [OutageActive]
            assert stored.status == Status.INTERVIEWED
            outcomes["refused"] += 1
        else:
            assert stored.status == Status.APPROVED
            approved_at: datetime = stored.approved_at
            assert approved_at < outage.declared_at
            outcomes["approved"] += 1
        outage_resolve(actor=national_admin, outage=outage)
    assert sum(outcomes.values()) == RACING_ROUNDS

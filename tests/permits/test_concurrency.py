"""Concurrent intake of stay permit applications, on real threads and real connections.

Each test commits for real (``transaction=True``), so every thread sees what the others commit
and PostgreSQL's locks decide the order, as in production. Every thread closes its connection.
"""

import threading
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from offices.roles import Role
from permits.models import Foreigner, Sponsor, StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import StayPermitFactory, extension_of, intake

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


def _race(clerk_ids: list[int], payloads: list[dict]) -> tuple[list[StayPermitApplication], list[BaseException]]:
    """Submit each payload from its own desk, all released at once."""
    barrier = threading.Barrier(len(payloads), timeout=TIMEOUT)
    results: list[StayPermitApplication] = []
    errors: list[BaseException] = []

    def submit(clerk_id: int, payload: dict) -> Callable[[], StayPermitApplication]:
        def run() -> StayPermitApplication:
            clerk = get_user_model().objects.get(pk=clerk_id)
            barrier.wait()
            return permit_application_submit(actor=clerk, **payload)

        return run

    threads = [
        _in_thread(submit(clerk_id, payload), results, errors)
        for clerk_id, payload in zip(clerk_ids, payloads, strict=True)
    ]
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def _open_application_refusals(errors: list[BaseException]) -> list[list[str]]:
    assert all(isinstance(error, ValidationError) for error in errors), errors
    return [[item.code for item in error.error_dict["foreigner"]] for error in errors]


def test_two_desks_taking_in_the_same_new_foreigner_make_one_application(offices, member):
    smg = offices["SMG"]
    clerk_ids = [member(Role.FRONT_DESK, office=smg).pk, member(Role.API_CLIENT, office=smg).pk]
    payload = intake(office=smg)

    results, errors = _race(clerk_ids, [payload, payload])

    assert len(results) == 1
    assert _open_application_refusals(errors) == [["open-application-exists"]]
    assert Foreigner.objects.count() == 1
    assert Sponsor.objects.count() == 1
    (stored,) = StayPermitApplication.objects.all()
    assert (stored.pk, stored.status, stored.foreigner_id) == (
        results[0].pk,
        Status.SUBMITTED,
        Foreigner.objects.get().pk,
    )


def test_two_extensions_of_the_same_permit_at_once_make_one_application(offices, member):
    smg = offices["SMG"]
    today = smg.local_today()
    permit = StayPermitFactory(
        office=smg, valid_from=today - timedelta(days=100), valid_until=today + timedelta(days=9)
    )
    clerk_ids = [member(Role.FRONT_DESK, office=smg).pk for _ in range(2)]
    payload = extension_of(permit, office=smg)

    results, errors = _race(clerk_ids, [payload, payload])

    assert len(results) == 1
    assert _open_application_refusals(errors) == [["open-application-exists"]]
    (stored,) = StayPermitApplication.objects.all()
    assert (stored.foreigner_id, stored.current_permit_id) == (permit.holder_id, permit.pk)


def test_many_desks_at_once_for_one_foreigner_and_others_for_their_own(offices, member):
    smg = offices["SMG"]
    count = 8
    clerk_ids = [member(Role.FRONT_DESK, office=smg).pk for _ in range(count)]
    same = intake(office=smg)
    others = [intake(office=smg, foreigner={"passport_number": f"X{n:07d}"}) for n in range(count // 2)]
    payloads = [same] * (count // 2) + others

    results, errors = _race(clerk_ids, payloads)

    assert len(results) == count // 2 + 1
    assert _open_application_refusals(errors) == [["open-application-exists"]] * (count // 2 - 1)
    assert Foreigner.objects.count() == count // 2 + 1
    assert (
        StayPermitApplication.objects.filter(foreigner__passport_number=same["foreigner"]["passport_number"]).count()
        == 1
    )
    # A refused submission takes no number: references stay consecutive.
    references = sorted(application.reference for application in results)
    day = references[0].split("-")[2]
    assert references == [f"SMG-WNA-{day}-{number:04d}" for number in range(1, len(results) + 1)]


# When both pass the check before either commits, the partial unique index decides -------------


def test_the_unique_index_refuses_a_second_open_application(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg)
    first = permit_application_submit(actor=clerk, **intake(office=smg))
    # As if the other desk's application had not committed when this one looked for it.
    with mock.patch("permits.services.OPEN", ()), pytest.raises(ValidationError) as refusal:
        permit_application_submit(actor=clerk, **intake(office=smg))
    assert _open_application_refusals([refusal.value]) == [["open-application-exists"]]
    assert list(StayPermitApplication.objects.values_list("pk", flat=True)) == [first.pk]


def test_another_integrity_error_is_not_reported_as_an_open_application(offices, member):
    smg = offices["SMG"]
    clerk = member(Role.FRONT_DESK, office=smg)
    with (
        mock.patch.object(StayPermitApplication, "compute_fee", return_value=0),
        pytest.raises(IntegrityError) as fault,
    ):
        permit_application_submit(actor=clerk, **intake(office=smg))
    assert fault.value.__cause__.diag.constraint_name == "permit_application_fee_positive"
    assert not StayPermitApplication.objects.exists()

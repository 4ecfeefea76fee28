"""The peak of a backlog: the most cases an outage held at once, kept as it runs, with the moment."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import PassportApplication
from applications.services import application_act
from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from recovery.impact import outage_impact
from recovery.models import BacklogPeak
from recovery.peaks import backlog_peaks_record
from tests.recovery.helpers import held, local

pytestmark = pytest.mark.django_db


def declare_at(office, actor) -> Outage:
    return outage_declare(
        actor=actor, scope=OutageScope.OFFICE, office=office, capabilities=[Capability.CENTRAL_RECORDS], reason="Server"
    )


@pytest.fixture
def nineteen(smg, sby, national_admin, django_capture_on_commit_callbacks):
    """19 interviewed passports at Semarang held by an outage of its own since its declaration."""
    cases = held(smg, 19, start=local(smg.local_today() - timedelta(days=2), 9))
    held(sby, 2, start=local(smg.local_today() - timedelta(days=2), 9))  # not covered
    with django_capture_on_commit_callbacks(execute=True):
        outage = declare_at(smg, national_admin)
    return outage, cases


def test_the_peak_stays_when_a_held_case_is_cancelled(
    nineteen, smg, member, national_admin, client, django_capture_on_commit_callbacks
):
    outage, cases = nineteen
    peak = BacklogPeak.objects.get(outage=outage)
    assert (peak.office_id, peak.held) == (smg.pk, 19)
    declared = Outage.objects.get(pk=outage.pk).declared_at
    assert declared <= peak.reached_at <= timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        application_act(
            application=cases[0], action="cancel", actor=member(Role.FRONT_DESK, office=smg), reason="Permintaan"
        )

    impact = outage_impact(outage)
    assert (impact.held_total, impact.peak, impact.peak_reached_at) == (18, 19, peak.reached_at)
    (row,) = impact.offices
    assert (row.held_total, row.peak, row.peak_reached_at) == (18, 19, peak.reached_at)

    api = APIClient()
    api.force_login(national_admin)
    body = api.get(f"/api/v1/outages/{outage.pk}/impact/").json()
    assert (body["held_total"], body["peak"]) == (18, 19)
    assert body["offices"][0]["peak"] == 19
    assert body["offices"][0]["peak_reached_at"] == body["peak_reached_at"] is not None

    client.force_login(national_admin)
    html = client.get(reverse("admin:recovery_outageimpact_change", args=[outage.pk])).content.decode()
    moment = timezone.localtime(peak.reached_at).strftime("%Y-%m-%d %H:%M")
    assert f"Puncak tunggakan: 19 kasus, tercapai {moment}" in html
    assert f'<td class="peak">19 ({moment}' in html


def test_a_case_reaching_a_blocked_step_raises_the_peak(nineteen, smg, member, django_capture_on_commit_callbacks):
    outage, _cases = nineteen
    first = BacklogPeak.objects.get(outage=outage).reached_at
    waiting = held(smg, 1, start=local(smg.local_today(), 8), status=Status.BIOMETRICS_CAPTURED)[0]

    with django_capture_on_commit_callbacks(execute=True):
        application_act(application=waiting, action="interview", actor=member(Role.INTERVIEWER, office=smg))

    assert PassportApplication.objects.get(pk=waiting.pk).awaiting == Capability.CENTRAL_RECORDS
    peak = BacklogPeak.objects.get(outage=outage)
    assert peak.held == 20
    assert peak.reached_at > first


def test_a_step_no_outage_blocks_queries_nothing_more_after_commit(
    smg, member, django_capture_on_commit_callbacks, django_assert_num_queries
):
    waiting = held(smg, 1, start=local(smg.local_today(), 8), status=Status.BIOMETRICS_CAPTURED)[0]
    with django_capture_on_commit_callbacks() as callbacks:
        application_act(application=waiting, action="interview", actor=member(Role.INTERVIEWER, office=smg))
    peak_check = [callback for callback in callbacks if "peak" in getattr(callback, "__qualname__", "")]
    with django_assert_num_queries(1):  # is any outage holding the step? none: no task
        for callback in peak_check:
            callback()
    assert not BacklogPeak.objects.exists()


def test_a_peak_is_never_lowered(nineteen, smg):
    outage, cases = nineteen
    PassportApplication.objects.filter(pk__in=[case.pk for case in cases[:5]]).update(awaiting="")

    assert backlog_peaks_record() == 0
    assert BacklogPeak.objects.get(outage=outage).held == 19


@pytest.mark.django_db(transaction=True)
def test_two_counts_racing_keep_the_higher(offices, national_admin):
    smg = offices["SMG"]
    held(smg, 3, start=local(smg.local_today(), 8))
    outage = declare_at(smg, national_admin)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            barrier.wait(timeout=10)
            backlog_peaks_record(outages=[outage])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(BacklogPeak.objects.values_list("held", flat=True)) == [3]

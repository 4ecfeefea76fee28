"""A real worker killed with SIGKILL in the middle of a release and of a notification batch.

After the kill, whatever the worker had started runs again (the task was not acknowledged) and the
job is finished with every case dated once, one release step in each case's history, and every
message delivered once. No sweep is run: the broker alone hands the task back.
"""

import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseStep, Notification, NotificationStatus
from offices.outages import outage_resolve
from recovery.models import Release, ReleaseEntry
from recovery.services import RELEASE_DATED
from tests.faults.conftest import VISIBILITY_TIMEOUT_SECONDS, wait_for
from tests.faults.mailbox import DELAY_ENV
from tests.recovery.helpers import held, national_outage

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CASES = 60


def _dated() -> int:
    return ReleaseEntry.objects.filter(expected_on__isnull=False).count()


def _sent() -> int:
    return Notification.objects.filter(event="scheduled", status=NotificationStatus.SENT).count()


def _assert_done_once(cases, mailbox) -> None:
    """Every case dated once and told once; the release finished."""
    assert wait_for(lambda: _sent() == CASES, timeout=90), f"{_dated()} dated, {_sent()} sent"
    assert Release.objects.filter(finished_at__isnull=False).count() == 1
    assert _dated() == ReleaseEntry.objects.count() == CASES
    steps = Counter(CaseStep.objects.filter(action=RELEASE_DATED).values_list("case_id", flat=True))
    assert steps == Counter({case.pk: 1 for case in cases})
    delivered = mailbox.delivered()
    assert Counter(recipient for recipient, _subject in delivered) == Counter(case.applicant.email for case in cases)
    assert Notification.objects.filter(event="scheduled").count() == CASES


def test_a_worker_killed_in_the_middle_of_a_release_finishes_it_once_restarted(
    smg, national_admin, start_worker, mailbox
):
    cases = held(smg, CASES, start=timezone.now() - timedelta(days=2))
    outage = national_outage(national_admin)
    worker = start_worker(FAULTS_CHUNK_SIZE="5", FAULTS_CHUNK_SECONDS="0.5")

    outage_resolve(actor=national_admin, outage=outage)
    assert wait_for(lambda: _dated() >= 10), "the release did not start"
    worker.kill()
    assert 10 <= _dated() < CASES
    # Restarted once the task's visibility timeout has passed: a starting worker hands back to the
    # queue the tasks taken longer ago than that and never acknowledged.
    time.sleep(VISIBILITY_TIMEOUT_SECONDS + 1)
    start_worker(FAULTS_CHUNK_SIZE="5")

    _assert_done_once(cases, mailbox)


def test_a_pool_process_killed_in_the_middle_of_a_notification_batch_sends_the_rest_once(
    smg, national_admin, start_worker, mailbox
):
    cases = held(smg, CASES, start=timezone.now() - timedelta(days=2))
    outage = national_outage(national_admin)
    worker = start_worker(**{DELAY_ENV: "0.1"})

    outage_resolve(actor=national_admin, outage=outage)
    assert wait_for(lambda: _sent() >= 10), "the messages were not being sent"
    os.kill(worker.pool_process(), signal.SIGKILL)
    assert 10 <= _sent() < CASES

    _assert_done_once(cases, mailbox)

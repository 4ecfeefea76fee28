"""A real Celery worker, over a real broker: a committed approval's notification gets sent.

Every other test runs tasks in-process (``task_always_eager``); this one checks the wiring that
in-process runs cannot: the task is published only after commit, travels through the broker, is
found by the worker under its name, and the worker's own database connection sees the committed
rows. The broker is ``TEST_CELERY_BROKER_URL`` (CI sets it), else the local Redis.
"""

import os
import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connection
from kombu import pools

from applications.services import application_act
from applications.workflow import Status
from casework.models import Notification, NotificationStatus
from imigrasi.celery import app
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
WAIT_SECONDS = 30


def _close_worker_connection(**kwargs: object) -> None:
    """The worker thread's connection would otherwise outlive the test and its database."""
    connection.close()


def _forget_broker_connections() -> None:
    """Drop the app's pooled connections, so the next publish connects to the broker now set."""
    # kombu keeps its pools in a registry keyed by broker URL: closing one pool would leave it
    # registered, closed, for the next eager publish to that URL, so the registry is reset.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker() -> Iterator[None]:
    """A worker thread consuming from the broker, with the app switched off eager mode meanwhile."""
    changed = {"broker_url": BROKER_URL, "task_always_eager": False, "broker_connection_retry_on_startup": True}
    saved = {key: app.conf.get(key) for key in changed}
    _forget_broker_connections()  # eager runs open them too, to the broker configured then
    app.conf.update(changed)
    app.loader.import_default_modules()
    task_postrun.connect(_close_worker_connection, weak=False)
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=3)
        app.control.purge()  # messages left by an interrupted run are not this test's
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connection)
        _forget_broker_connections()
        app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_notification_of_a_committed_approval(offices, member, celery_worker):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)

    application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))

    notification = Notification.objects.get(case_reference=application.reference)
    deadline = time.monotonic() + WAIT_SECONDS
    while notification.status == NotificationStatus.PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
        notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT, f"not sent by the worker within {WAIT_SECONDS}s"
    assert notification.attempts == 1
    assert [message.to for message in mail.outbox] == [[application.applicant.email]]

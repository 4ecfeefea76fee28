"""A real Celery worker, over a real broker: a committed approval's notification gets sent.

Every other test runs tasks in-process (``task_always_eager``); this one checks the wiring that
in-process runs cannot: the task is published only after commit, travels through the broker, is
found by the worker under its name, and the worker's own database connection sees the committed
rows. The worker and its broker come from the ``celery_worker`` fixture (tests/conftest.py).
"""

import pytest
from django.core import mail

from applications.services import application_act
from applications.workflow import Status
from casework.models import Notification, NotificationStatus
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_notification_of_a_committed_approval(offices, member, celery_worker):
    smg = offices["SMG"]
    application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)

    application_act(application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg))

    notification = Notification.objects.get(case_reference=application.reference)

    def sent() -> bool:
        notification.refresh_from_db()
        return notification.status != NotificationStatus.PENDING

    assert celery_worker.wait_for(sent), f"not sent by the worker within {celery_worker.timeout_seconds}s"
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1
    assert [message.to for message in mail.outbox] == [[application.applicant.email]]

"""Redis stopped: the API goes on serving reads and writes, and their messages go out when it returns.

Redis is the broker and, in production, the cache that throttling counts in (README). With it
down, a change still commits with its message in the outbox (``casework.models.Notification``);
handing the send to the broker fails after commit and is left to the sweep, which beat runs every
15 minutes for messages pending that long. Once Redis is back, the sweep queues them and a worker
sends each once.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import Notification, NotificationStatus
from casework.tasks import PENDING_SWEEP_AGE, notifications_send_pending
from offices.roles import Role
from tests.applications.service_factories import create_body
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/passport-applications/"


@pytest.fixture
def cache_on_the_broker(broker, settings) -> None:
    """The cache on the test's Redis, as production keeps it beside the broker."""
    settings.CACHES = {"default": {"BACKEND": "plumbing.cache.FailOpenRedisCache", "LOCATION": broker.url[:-1] + "1"}}


def test_with_redis_stopped_the_api_serves_and_the_messages_wait_for_its_return(
    smg, member, broker, cache_on_the_broker, start_worker, mailbox
):
    member(Role.API_CLIENT, username="api.mpaspor")
    client = APIClient()
    broker.stop()

    login = client.post(
        "/api/v1/auth/token/", {"username": "api.mpaspor", "password": "secret-pass-123"}, format="json"
    )
    assert login.status_code == 200, login.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")
    created = client.post(URL, create_body(), format="json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    cancelled = client.post(f"{URL}{reference}/cancel/", {"reason": "Permintaan pemohon"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert client.get(f"{URL}{reference}/").json()["status"] == "cancelled"
    assert [row["reference"] for row in client.get(URL).json()["results"]] == [reference]
    [message] = Notification.objects.filter(case_reference=reference)
    assert (message.event, message.status) == ("cancelled", NotificationStatus.PENDING)

    broker.start()
    start_worker()
    with time_machine.travel(timezone.now() + PENDING_SWEEP_AGE + timedelta(minutes=1)):
        assert notifications_send_pending() == 1

    assert wait_for(lambda: Notification.objects.filter(pk=message.pk, status=NotificationStatus.SENT).exists())
    assert mailbox.delivered() == [(message.recipient, message.subject)]

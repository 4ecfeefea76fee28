"""Fixtures shared by every test folder: the office list, users with roles, API clients, a real worker."""

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection
from kombu import Queue, pools
from rest_framework.test import APIClient

from imigrasi.celery import app
from offices.models import Office
from offices.roles import Role
from offices.services import offices_load
from tests.support.factories import MembershipFactory, UserFactory

# The broker of the real-worker tests: CI sets TEST_CELERY_BROKER_URL, else the local Redis.
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Hash test passwords cheaply: the demo seeds 17 users and every login checks one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def offices(db) -> dict[str, Office]:
    """The real office list, loaded as `make run` loads it."""
    offices_load()
    return {office.code: office for office in Office.objects.select_related("region")}


@pytest.fixture
def smg(offices) -> Office:
    return offices["SMG"]


@pytest.fixture
def sby(offices) -> Office:
    return offices["SBY"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    """Make a user with one role at a scope: ``member(Role.FRONT_DESK, office=smg)``."""

    def make(role: str, *, office=None, region=None, username: str | None = None):
        user = UserFactory(**({"username": username} if username else {}))
        MembershipFactory(user=user, role=role, office=office, region=region)
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def national_admin(member):
    return member(Role.NATIONAL_ADMIN, office=None, username="pusat")


@pytest.fixture
def token_for(api_client):
    """Log ``user`` in through the token endpoint and return the token string."""

    def login(user, password: str = "secret-pass-123") -> str:
        response = api_client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return login


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


@dataclass(frozen=True)
class CeleryWorker:
    """A running worker; tasks it runs commit on their own connection, so tests poll for results."""

    timeout_seconds: float = 30

    def wait_for(self, condition: Callable[[], bool]) -> bool:
        """Whether ``condition`` held within the timeout, checked every tenth of a second."""
        deadline = time.monotonic() + self.timeout_seconds
        while not condition():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        return True


@pytest.fixture
def celery_worker() -> Iterator[CeleryWorker]:
    """A worker thread consuming from the broker, with the app switched off eager mode meanwhile.

    Use with ``django_db(transaction=True)``: the worker reads through its own connection and sees
    only what the test has committed. Every task goes to a queue of this fixture's own, which only
    this worker consumes: test runs sharing the broker neither take nor purge each other's tasks.
    """
    name = f"tests.{uuid.uuid4().hex}"
    # On the default exchange, so deleting the queue afterwards leaves nothing behind in the broker.
    queue = Queue(name, exchange=app.amqp.default_exchange, routing_key=name)
    changed = {
        "broker_url": CELERY_BROKER_URL,
        "task_always_eager": False,
        "broker_connection_retry_on_startup": True,
        "task_routes": {"*": {"queue": name}},
    }
    saved = {key: app.conf.get(key) for key in changed}
    _forget_broker_connections()  # eager runs open them too, to the broker configured then
    app.amqp.queues.add(queue)
    app.conf.update(changed)
    app.loader.import_default_modules()
    task_postrun.connect(_close_worker_connection, weak=False)
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=3)
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10, queues=[name]
        ):
            yield CeleryWorker()
        with app.connection_for_write() as broker:
            bound = queue.bind(broker)
            bound.declare()  # a new connection knows the binding only once it declares it
            bound.delete()
    finally:
        task_postrun.disconnect(_close_worker_connection)
        _forget_broker_connections()
        app.conf.update(saved)

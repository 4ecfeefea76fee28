"""Processes of the fault tests' own: a Redis server to stop and start, real workers to kill.

Nothing here touches the machine's Redis: each test starts a server on a free port of its own.
Workers are subprocesses (``tests/faults/worker.py``) reading the test database, so the tests
that use them commit what they set up (``transaction=True``).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from django.db import connection

from imigrasi.celery import app
from tests.conftest import _forget_broker_connections
from tests.faults.mailbox import MAILBOX_ENV

ROOT = Path(__file__).resolve().parents[2]
# Short, so that a killed worker's task comes back within the test: a worker starting this long
# after the kill hands it back to the queue.
VISIBILITY_TIMEOUT_SECONDS = 5


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Whether ``condition`` held within ``timeout`` seconds, checked every tenth of a second."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, without persistence, that the test stops and starts."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        assert wait_for(lambda: self._answers(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker(redis_server) -> Iterator[RedisServer]:
    """This process publishes tasks to the test's Redis, instead of running them in-process."""
    changed = {"broker_url": redis_server.url, "task_always_eager": False, "broker_connection_retry_on_startup": True}
    saved = {key: app.conf.get(key) for key in changed}
    _forget_broker_connections()
    app.conf.update(changed)
    try:
        yield redis_server
    finally:
        _forget_broker_connections()
        app.conf.update(saved)


class Mailbox:
    """The messages the workers delivered, one file each (``tests.faults.mailbox``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def delivered(self) -> list[tuple[str, str]]:
        """(recipient, subject) of each message delivered so far."""
        messages = [message_from_bytes(path.read_bytes()) for path in sorted(self.directory.glob("*.eml"))]
        return [(message["To"], message["Subject"]) for message in messages]


class Worker:
    """``celery worker`` in a subprocess of its own session, on the test database and broker."""

    def __init__(self, *, broker_url: str, mailbox: Mailbox, log: Path, **slowdown: str) -> None:
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
            "CACHE_URL": "locmemcache://",
            MAILBOX_ENV: str(mailbox.directory),
            **slowdown,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.worker"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wait_for(lambda: b" ready." in self.log.read_bytes()[offset:], timeout=60), self.log.read_text()

    def pool_process(self) -> int:
        """The id of the pool process running the tasks."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])

    def kill(self) -> None:
        """SIGKILL to the worker and its pool process at once: nothing is finished or handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.kill()


@pytest.fixture
def mailbox(tmp_path) -> Mailbox:
    directory = tmp_path / f"mail-{uuid.uuid4().hex}"
    directory.mkdir()
    return Mailbox(directory)


@pytest.fixture
def start_worker(broker, mailbox, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start a worker: ``start_worker(FAULTS_CHUNK_SIZE="5", FAULTS_CHUNK_SECONDS="0.5")``."""
    workers: list[Worker] = []

    def start(**slowdown: str) -> Worker:
        worker = Worker(broker_url=broker.url, mailbox=mailbox, log=tmp_path / f"worker-{len(workers)}.log", **slowdown)
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()

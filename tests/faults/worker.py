"""The real Celery worker of the fault tests, with its work slowed so that a test can kill it half way.

Run as ``python -m tests.faults.worker``, with the broker and the test database in the environment.
Each chunk of a release dates ``FAULTS_CHUNK_SIZE`` cases after a pause of ``FAULTS_CHUNK_SECONDS``,
and mail goes to ``tests.faults.mailbox`` (one file per message, ``FAULTS_MAIL_SECONDS`` each). The
pool is prefork with one process, as in production: a test can kill the pool process or the whole
worker.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")
django.setup()

from django.conf import settings  # noqa: E402

from imigrasi.celery import app  # noqa: E402
from recovery import services  # noqa: E402

CHUNK_SIZE = int(os.environ.get("FAULTS_CHUNK_SIZE", services.CHUNK_SIZE))
CHUNK_SECONDS = float(os.environ.get("FAULTS_CHUNK_SECONDS", "0"))
_chunk = services.release_office_schedule_chunk


def _slowed_chunk(*, part_id: int, chunk_size: int = CHUNK_SIZE) -> bool:
    time.sleep(CHUNK_SECONDS)
    return _chunk(part_id=part_id, chunk_size=CHUNK_SIZE)


services.release_office_schedule_chunk = _slowed_chunk
settings.EMAIL_BACKEND = "tests.faults.mailbox.MailboxBackend"

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )

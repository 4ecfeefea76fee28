"""The Celery application.

Configuration comes from Django settings (the ``CELERY_`` prefix). Without a broker the tasks run
in-process (``task_always_eager``), and because every task is enqueued from
``transaction.on_commit`` they still run only after the change that caused them has committed.

Every task runs as an origin of its own (``plumbing.origin``): what it changes names the task, and
the person whose request or command queued it, carried in a message header.
"""

import os
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish

from plumbing.origin import origin_current, origin_scope

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")

STARTED_BY_HEADER = "origin_started_by"


class OriginTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started_by = getattr(self.request, STARTED_BY_HEADER, None)
        if started_by is None and self.request.is_eager:
            # Run in-process, the task is part of the request or command that queued it.
            started_by = origin_current().started_by_id
        with origin_scope(kind="task", name=self.name, started_by=started_by):
            return super().__call__(*args, **kwargs)


@before_task_publish.connect
def _started_by_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None:
        headers[STARTED_BY_HEADER] = origin_current().started_by_id


app = Celery("imigrasi", task_cls=OriginTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

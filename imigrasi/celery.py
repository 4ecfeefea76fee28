"""The Celery application.

Configuration comes from Django settings (the ``CELERY_`` prefix). Without a broker the tasks run
in-process (``task_always_eager``), and because every task is enqueued from
``transaction.on_commit`` they still run only after the change that caused them has committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")

app = Celery("imigrasi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

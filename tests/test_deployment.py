"""Settings of the documented deployment the project applies itself, not the operator's memory."""

import gc
import runpy
from pathlib import Path

from django.db import connection

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_postgresql_jit_is_off_on_every_connection(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_each_gunicorn_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    assert gc.get_freeze_count() == 0
    try:
        hook(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

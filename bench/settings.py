"""Settings of the HTTP benchmark's server: the project's own, with the bare baselines' URLs beside them.

Only ``bench.suite`` serves these (``DJANGO_SETTINGS_MODULE=bench.settings``); production never
names this module, so the bare views (no authentication, no scoping, no history) are never served
there. ``BENCH_STATIC_ROOT`` puts the collected static files (the admin's, needed with DEBUG off)
outside the repository.
"""

import os

from imigrasi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

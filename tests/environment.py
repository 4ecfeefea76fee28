"""Loaded as a pytest plugin before Django starts: the environment tests run in.

Development defaults (``DEBUG`` on here so the development ``SECRET_KEY`` is accepted and HTTPS
redirects are off); Django's test runner itself turns ``DEBUG`` off while tests run. Celery runs
in-process unless a test starts a real worker against ``TEST_CELERY_BROKER_URL``.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ["CELERY_BROKER_URL"] = ""
os.environ.setdefault("API_THROTTLE_ANON", "10000/minute")
os.environ.setdefault("API_THROTTLE_USER", "10000/minute")
os.environ.setdefault("API_THROTTLE_LOGIN", "10000/minute")

"""WSGI entry point, as served by gunicorn: ``gunicorn imigrasi.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")

application = get_wsgi_application()

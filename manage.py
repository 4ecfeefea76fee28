#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")
    # Commands run from a checkout are development work (makemigrations, shell, seed_demo); the
    # served application (gunicorn, celery) keeps DEBUG off unless told. Production sets DEBUG=0.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

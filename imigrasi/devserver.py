"""``make run``: the whole system on one machine, with demo data.

Starts (or joins) the database, migrates, loads the offices and the demo users, then runs the web
server and, when a broker is configured, a Celery worker with beat. Ctrl-C stops everything; the
embedded PostgreSQL server stops with the last process that uses it.
"""

import os
import signal
import socket
import subprocess
import sys
import time

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from imigrasi import embedded_postgres

HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "8000"))


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _banner(broker: str) -> str:
    # Imported once Django is set up: the demo imports the models.
    from offices.demo import demo_logins

    base = f"http://{HOST}:{PORT}"
    lines = [
        "",
        "Imigrasi is running.",
        f"  Admin:     {base}/admin/",
        f"  API docs:  {base}/api/docs/",
        f"  Health:    {base}/api/v1/health/",
        f"  Database:  {'DATABASE_URL' if settings.DATABASE_URL else f'embedded PostgreSQL in {settings.EMBEDDED_POSTGRES_DIR}'}",
        f"  Tasks:     {'Celery worker and beat on ' + broker if broker else 'in-process after commit (no CELERY_BROKER_URL)'}",
        "",
        f"Demo logins (password {settings.DEMO_PASSWORD}):",
    ]
    lines += [f"  {username:<16} {role:<20} {scope}" for username, role, scope in demo_logins()]
    lines += ["", "Ctrl-C stops everything.", ""]
    return "\n".join(lines)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")
    if not _port_free(HOST, PORT):
        print(
            f"Port {PORT} on {HOST} is in use. Stop what runs there, or run with PORT=8001 make run.", file=sys.stderr
        )
        return 1

    try:
        django.setup()
    except ImproperlyConfigured as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 1

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_offices")
    call_command("seed_demo")

    broker = os.environ.get("CELERY_BROKER_URL", "")
    children = [
        subprocess.Popen([sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]),
    ]
    if broker:
        children.append(
            subprocess.Popen([sys.executable, "-m", "celery", "-A", "imigrasi", "worker", "--beat", "--loglevel=INFO"])
        )
    print(_banner(broker), flush=True)

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_number, stop)
    try:
        # If any part stops (or crashes), stop the rest: a half-running demo only confuses.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop()
        for child in children:
            child.wait()
        if not settings.DATABASE_URL:
            embedded_postgres.stop(settings.EMBEDDED_POSTGRES_DIR)
            print("Embedded PostgreSQL stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

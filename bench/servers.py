"""The processes the HTTP suite serves with: gunicorn as deployed, and a Celery worker when a broker is named.

gunicorn runs with the repository's ``gunicorn.conf.py`` (4 sync workers, the frozen garbage
collector, the access log) bound to loopback, DEBUG off, with what production requires set:
a SECRET_KEY, ALLOWED_HOSTS, a shared cache (Redis), a mail backend, HTTPS as seen through a
TLS-terminating balancer (``SECURE_PROXY_SSL_HEADER_ENABLED``). The one departure: the per-user
API throttle is lifted, since a handful of bench users send what thousands of clerks would.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.load import once, request

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Environment:
    """What the served processes and the suite's own Django share."""

    database_url: str
    redis_url: str
    secret_key: str
    static_root: str

    def variables(self, *, broker: bool) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CACHE_URL": self.redis_url,
            "CELERY_BROKER_URL": self.redis_url if broker else "",
            "EMAIL_URL": "dummymail://",
            "SECURE_PROXY_SSL_HEADER_ENABLED": "1",
            "API_THROTTLE_USER": "1000000/minute",
            "API_THROTTLE_ANON": "1000000/minute",
            "BENCH_STATIC_ROOT": self.static_root,
            "WEB_CONCURRENCY": "4",
        }


def static_collect(env: Environment) -> None:
    """The admin's static files and their manifest, which the admin pages need with DEBUG off."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env.variables(broker=False),
        check=True,
    )


@dataclass
class Served:
    """A running gunicorn (and worker): its port and processes."""

    port: int
    gunicorn: subprocess.Popen
    celery: subprocess.Popen | None

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self) -> dict[int, float]:
        """The resident memory of each web worker, in MB, by process id."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) / 1024
            except FileNotFoundError:
                continue
        return sizes


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(env: Environment, *, port: int, broker: bool, log_dir: str) -> Iterator[Served]:
    """gunicorn on 127.0.0.1:``port`` (and a Celery worker when ``broker``) until the block ends."""
    variables = env.variables(broker=broker)
    logs = Path(log_dir)
    web_log = open(logs / f"gunicorn-{port}.log", "ab")  # noqa: SIM115  closed below
    celery = None
    if broker:
        worker_log = open(logs / "celery.log", "ab")  # noqa: SIM115  the worker's, closed below
        celery = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "imigrasi", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=variables,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    gunicorn = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "imigrasi.wsgi"],
        cwd=ROOT,
        env=variables,
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    served = Served(port=port, gunicorn=gunicorn, celery=celery)
    try:
        _wait_ready(served)
        yield served
    finally:
        _stop(gunicorn)
        _stop(celery)
        web_log.close()


def _wait_ready(served: Served) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if served.gunicorn.poll() is not None:
            raise RuntimeError("gunicorn exited at start: see its log")
        try:
            status, _body = once(request("GET", "/api/v1/health/"), port=served.port)
            if status == 200 and len(served.worker_pids()) >= 4:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


def temporary_dir() -> str:
    return tempfile.mkdtemp(prefix="imigrasi-bench-")

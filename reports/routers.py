"""Report reads go to the reporting database (a read replica) when one is configured.

With ``REPORTS_DATABASE_URL`` set, settings add the alias ``reports``; reads of this app's models
go there so heavy reporting does not load the offices' database. Writes (the rollup refresh)
always go to ``default``, which the replica follows. Without the alias nothing is routed.
"""

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

REPORTS_ALIAS = "reports"
REPORTS_APP = "reports"


def replica_configured() -> bool:
    return REPORTS_ALIAS in settings.DATABASES


def report_database() -> str:
    """The alias a report reads other apps' tables from (``queryset.using(report_database())``)."""
    return REPORTS_ALIAS if replica_configured() else DEFAULT_DB_ALIAS


class ReportsRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if model._meta.app_label == REPORTS_APP and replica_configured():
            return REPORTS_ALIAS
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        if model._meta.app_label == REPORTS_APP:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool | None:
        """The replica holds the same rows as ``default``: objects read from either may be related."""
        databases = {DEFAULT_DB_ALIAS, REPORTS_ALIAS}
        if first._state.db in databases and second._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        """Never migrate the replica: it follows ``default``."""
        if db == REPORTS_ALIAS:
            return False
        return None

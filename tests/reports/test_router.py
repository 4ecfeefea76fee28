"""Report reads go to the replica when ``REPORTS_DATABASE_URL`` configures one; writes never do."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from applications.models import PassportApplication
from offices.models import Office
from reports import routers
from reports.models import DailyRollup
from reports.routers import ReportsRouter


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_reads_of_the_rollup_go_to_the_replica_and_writes_to_default(replica):
    router = ReportsRouter()
    assert router.db_for_read(DailyRollup) == "reports"
    assert router.db_for_write(DailyRollup) == "default"
    assert router.db_for_read(PassportApplication) is None
    assert router.db_for_write(PassportApplication) is None


def test_without_a_replica_nothing_is_routed():
    assert "reports" not in settings.DATABASES
    assert ReportsRouter().db_for_read(DailyRollup) is None


def test_objects_of_default_and_the_replica_may_be_related_and_the_replica_is_never_migrated(replica):
    router = ReportsRouter()
    rollup, office = DailyRollup(), Office()
    rollup._state.db, office._state.db = "reports", "default"
    assert router.allow_relation(rollup, office) is True
    office._state.db = "elsewhere"
    assert router.allow_relation(rollup, office) is None
    assert router.allow_migrate("reports", "reports") is False
    assert router.allow_migrate("default", "reports") is None


def test_the_setting_adds_the_reports_alias_mirrored_in_tests():
    env = {**os.environ, "DEBUG": "1", "REPORTS_DATABASE_URL": "postgres://reader@replica:5432/imigrasi"}
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'imigrasi.settings'; django.setup();"
        "from django.conf import settings; r = settings.DATABASES['reports'];"
        "print(r['HOST'], r['USER'], r['NAME'], r['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    assert result.stdout.split(maxsplit=4) == [
        "replica",
        "reader",
        "imigrasi",
        "default",
        "['reports.routers.ReportsRouter']\n",
    ]

"""With a replica configured, every report reads its rows from the replica and nothing from default.

The replica here is a second connection to the test database: the test commits its cases
(``transaction=True``) so that the second connection sees them, as a replica sees what the primary
committed.
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.workflow import Status
from offices.roles import Role
from reports import routers
from reports.dashboard import dashboard_overview
from reports.filters import query_serializer_for, report_filters
from reports.registry import REPORTS
from tests.recovery.helpers import held, national_outage
from tests.reports.helpers import passport, permit
from tests.reports.test_reports_all import cases_at

pytestmark = [pytest.mark.django_db(transaction=True, databases=["default", routers.REPORTS_ALIAS])]


@pytest.fixture(scope="module", autouse=True)
def replica_connection(django_db_setup) -> Iterator[str]:
    """A ``reports`` alias on a connection of its own to the test database.

    Module-scoped, so that it exists before each test's database access is set up.
    """
    alias = routers.REPORTS_ALIAS
    connections.settings[alias] = {**connections.settings["default"]}
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_every_report_reads_its_rows_from_the_replica(
    offices, member, national_admin, monkeypatch, replica_connection, slug
):
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    smg = offices["SMG"]
    now = timezone.now()
    cases_at(offices, ("SMG", "SKT"))
    passport(
        smg, created_at=now - timedelta(days=12), status=Status.APPROVED, sla_due_date=now.date() - timedelta(days=3)
    )
    permit(smg, member(Role.FRONT_DESK, office=smg), number="R1", created_at=now - timedelta(days=1))
    national_outage(national_admin)
    held(smg, 2, start=now, status=Status.APPROVED)
    report = REPORTS[slug]
    reader = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    query = query_serializer_for(report)(data={}, context={"user": reader})
    assert query.is_valid(), query.errors
    filters = report_filters(user=reader, report=report, data=query.validated_data)
    on_default = list(report.rows(filters))
    assert on_default, "the fixture gives every report rows to read"

    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    with (
        CaptureQueriesContext(connection) as default_queries,
        CaptureQueriesContext(connections[replica_connection]) as replica_queries,
    ):
        on_replica = list(report.rows(filters))

    assert default_queries.captured_queries == []
    assert len(replica_queries) >= 1
    assert on_replica == on_default


def test_the_dashboard_reads_from_the_replica(offices, member, national_admin, monkeypatch, replica_connection):
    smg = offices["SMG"]
    cases_at(offices, ("SMG", "SKT"))
    national_outage(national_admin)
    held(smg, 2, start=timezone.now(), status=Status.APPROVED)
    reader = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    today = smg.local_today()
    filters = report_filters(
        user=reader, report=REPORTS["office-daily"], data={"start": today - timedelta(days=30), "end": today}
    )
    on_default = dashboard_overview(filters=filters)
    assert on_default.total.queues["passport"].open_count == 2 * 3 + 2
    assert on_default.total.held == 2 + 2  # the two above and the approved one at each office

    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    with (
        CaptureQueriesContext(connection) as default_queries,
        CaptureQueriesContext(connections[replica_connection]) as replica_queries,
    ):
        on_replica = dashboard_overview(filters=filters)

    assert [query["sql"] for query in default_queries.captured_queries] == []
    assert len(replica_queries) >= 1
    assert on_replica == on_default

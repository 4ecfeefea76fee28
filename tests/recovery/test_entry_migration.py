"""Migration recovery 0004 on a database that holds entries: each keeps its case (now its kind and
id) and takes the case's reference; backwards, the foreign keys are filled again.

The migrations run for real (``transaction=True``): each commits, as on a deployed database.
"""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from offices.models import Capability
from offices.roles import Role
from recovery.models import ReleaseEntry, ReleaseOffice
from tests.recovery.helpers import held, local, national_outage, permit_held, resolved_on

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("recovery", "0003_backlog_peak_release_withdrawal")
AFTER = ("recovery", "0004_release_entry_case")


def migrate(target: tuple[str, str]) -> StateApps:
    """The database migrated to ``target`` (recovery's other migrations undone or done), and its models."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.fixture
def release_of_two(smg, national_admin, member, no_job) -> Iterator[tuple]:
    """A passport and a permit held at Semarang and a release with nothing enlisted yet, recovery
    migrated back to 0003 for the test and forward to its last migration after it.

    The outage is resolved before migrating back: what its resolution sets off reads the entries
    as the code now knows them.
    """
    start = local(date(2026, 3, 2))
    [passport] = held(smg, 1, start=start)
    permit = permit_held(smg, member(Role.FRONT_DESK, office=smg), passport="B1234567", ready_at=start)
    release = resolved_on(national_admin, national_outage(national_admin), start + timedelta(days=2))
    part = ReleaseOffice.objects.create(release=release, office=smg)
    migrate(BEFORE)
    try:
        yield passport, permit, part
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("recovery"))


def test_entries_keep_their_case_and_take_its_reference_and_go_back_to_their_keys(release_of_two):
    passport, permit, part = release_of_two
    old = migrate(BEFORE).get_model("recovery", "ReleaseEntry")
    common = {"release_office_id": part.pk, "office_id": part.office_id, "ready_at": passport.ready_at, "position": 1}
    old.objects.create(kind="passport", passport_application_id=passport.pk, capability=Capability.PRINTING, **common)
    old.objects.create(kind="permit", permit_application_id=permit.pk, capability=Capability.PERMIT_ISSUANCE, **common)

    migrate(AFTER)

    entries = ReleaseEntry.objects.filter(release_office=part).order_by("kind")
    assert [(entry.kind, entry.case_id, entry.reference) for entry in entries] == [
        ("passport", passport.pk, passport.reference),
        ("permit", permit.pk, permit.reference),
    ]
    assert [entry.case for entry in entries] == [passport, permit]
    # One entry per case and office release: the constraint that replaced the two per kind.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseEntry.objects.create(
            release_office=part,
            office_id=part.office_id,
            kind="passport",
            case_id=passport.pk,
            reference=passport.reference,
            capability=Capability.PRINTING,
            ready_at=passport.ready_at,
            position=2,
        )
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ReleaseEntry._meta.db_table)
    assert constraints["release_entry_case_idx"]["columns"] == ["kind", "case_id"]
    assert constraints["release_entry_case"]["columns"] == ["release_office_id", "kind", "case_id"]
    assert "release_entry_one_case" not in constraints

    old = migrate(BEFORE).get_model("recovery", "ReleaseEntry")

    assert list(
        old.objects.order_by("kind").values_list("kind", "passport_application_id", "permit_application_id")
    ) == [("passport", passport.pk, None), ("permit", None, permit.pk)]

"""Which offices an outage covers is one rule, and every form of it agrees.

The rule is written as a condition on offices (``outage_coverage``), as the outages covering an
office or a set of offices (``OutageQuerySet.covering``), for an outage in memory
(``Outage.covers``) and in raw SQL (``outage_covering_sql``, used by the rollups). Each form is
checked here against the same table, for every scope and every kind of office.
"""

import pytest
from django.db import connection

from applications.models import PassportApplication
from applications.workflow import Status
from offices.models import Capability, CapabilityState, Office, Outage, OutageScope, outage_covering_sql
from offices.outages import outage_offices
from recovery.backlog import held_condition
from tests.applications.service_factories import PassportApplicationFactory
from tests.support.factories import UserFactory

# The office whose coverage is asked, as it relates to the outage's own office (SMG).
KINDS_OF_OFFICE = ["its office", "same region", "same region, inactive", "other region"]

# scope -> the kinds of office it covers.
COVERED = {
    OutageScope.NATIONAL: set(KINDS_OF_OFFICE),
    OutageScope.REGION: {"its office", "same region", "same region, inactive"},
    OutageScope.OFFICE: {"its office"},
}


@pytest.fixture
def kinds_of_office(offices) -> dict[str, Office]:
    smg = offices["SMG"]
    neighbours = [office for office in offices.values() if office.region_id == smg.region_id and office != smg]
    inactive = neighbours[1]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "its office": smg,
        "same region": neighbours[0],
        "same region, inactive": inactive,
        "other region": offices["SBY"],
    }


def _outage(scope: str, smg: Office) -> Outage:
    return Outage.objects.create(
        scope=scope,
        region=smg.region if scope == OutageScope.REGION else None,
        office=smg if scope == OutageScope.OFFICE else None,
        capabilities=[Capability.PRINTING],
        reason="x",
        declared_by=UserFactory(),
    )


def _covered_in_sql(outage: Outage, office: Office) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {Outage._meta.db_table} o WHERE o.id = %(outage)s AND {outage_covering_sql('o')})",
            {"outage": outage.pk, "office": office.pk, "region": office.region_id},
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("scope", list(OutageScope))
@pytest.mark.parametrize("kind", KINDS_OF_OFFICE)
def test_every_form_of_the_rule_agrees(kinds_of_office, scope, kind):
    outage = _outage(scope, kinds_of_office["its office"])
    office = kinds_of_office[kind]
    expected = kind in COVERED[scope]

    assert outage.covers(office) is expected
    assert Outage.objects.covering(office).filter(pk=outage.pk).exists() is expected
    assert Outage.objects.covering(Office.objects.filter(pk=office.pk)).filter(pk=outage.pk).exists() is expected
    assert Office.objects.filter(outage.coverage(), pk=office.pk).exists() is expected
    assert CapabilityState.objects.filter(outage.coverage(prefix="office__"), office=office).exists() is expected
    assert _covered_in_sql(outage, office) is expected


@pytest.mark.parametrize("scope", list(OutageScope))
def test_what_acts_on_an_outages_offices_takes_those_in_service(kinds_of_office, scope):
    outage = _outage(scope, kinds_of_office["its office"])
    in_service = {kind for kind in COVERED[scope] if kind != "same region, inactive"}

    acted_on = set(outage_offices(outage).values_list("pk", flat=True))

    assert {kinds_of_office[kind].pk for kind in in_service} <= acted_on
    assert kinds_of_office["same region, inactive"].pk not in acted_on
    assert (kinds_of_office["other region"].pk in acted_on) is (scope == OutageScope.NATIONAL)


@pytest.mark.parametrize("scope", list(OutageScope))
def test_the_backlog_holds_the_cases_of_exactly_the_covered_offices(kinds_of_office, scope):
    outage = _outage(scope, kinds_of_office["its office"])
    cases = {
        kind: PassportApplicationFactory(office=office, status=Status.APPROVED, awaiting=Capability.PRINTING)
        for kind, office in kinds_of_office.items()
    }

    held = set(PassportApplication.objects.filter(held_condition([outage])).values_list("pk", flat=True))

    assert held == {cases[kind].pk for kind in COVERED[scope]}

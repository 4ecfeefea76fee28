"""The ``held`` measure: cases held at the end of each local day by a resolved and by an active outage."""

from datetime import date, timedelta

import pytest

from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from recovery.models import ReleaseEntry
from recovery.services import release_enlist
from reports.measures import rollup_compute
from tests.recovery.helpers import held, local, national_outage, resolved_on

pytestmark = pytest.mark.django_db


def test_a_resolved_outage_holds_its_enlisted_cases_from_declaration_to_the_day_before_resolution(
    smg, sby, national_admin, monkeypatch
):
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    outage = national_outage(national_admin)
    Outage.objects.filter(pk=outage.pk).update(declared_at=local(date(2026, 3, 2), 10))
    # Interviewed passports wait for printing: one ready before the outage, one during it.
    early = held(smg, 1, start=local(date(2026, 3, 1), 9))
    late = held(smg, 1, start=local(date(2026, 3, 3), 20))
    held(sby, 1, start=local(date(2026, 3, 1), 9))  # another office
    release = resolved_on(national_admin, outage, local(date(2026, 3, 5), 2))
    release_enlist(release=release)
    assert set(ReleaseEntry.objects.filter(office=smg).values_list("kind", "case_id")) == {
        ("passport", early[0].pk),
        ("passport", late[0].pk),
    }

    computed = rollup_compute(office=smg, start=date(2026, 3, 1), end=date(2026, 3, 6))

    # Held from 2 March 10:00 (the declaration) and 3 March 20:00; released at 02:00 on 5 March.
    assert {key: value for key, value in computed.items() if key[1] == "held"} == {
        (date(2026, 3, 2), "held", "passport"): 1,
        (date(2026, 3, 3), "held", "passport"): 2,
        (date(2026, 3, 4), "held", "passport"): 2,
    }


def test_an_active_outage_holds_the_cases_waiting_now_through_today(smg, sby, national_admin):
    today = smg.local_today()
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="Printer"
    )
    Outage.objects.filter(pk=outage.pk).update(declared_at=local(today - timedelta(days=2), 10))
    # Approved passports wait for printing: one since before the outage, one since during it.
    held(smg, 1, start=local(today - timedelta(days=5), 9), status=Status.APPROVED)
    held(smg, 1, start=local(today - timedelta(days=1), 9), status=Status.APPROVED)
    held(smg, 1, start=local(today - timedelta(days=5), 9))  # interviewed: waits for central records
    held(sby, 1, start=local(today - timedelta(days=5), 9), status=Status.APPROVED)  # not covered
    outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Slow",
        capacity_percent=50,
    )  # a slowdown of central records holds nothing

    computed = rollup_compute(office=smg, start=today - timedelta(days=4), end=today)

    assert {key: value for key, value in computed.items() if key[1] == "held"} == {
        (today - timedelta(days=2), "held", "passport"): 1,
        (today - timedelta(days=1), "held", "passport"): 2,
        (today, "held", "passport"): 2,
    }
    others = rollup_compute(office=sby, start=today - timedelta(days=4), end=today)
    assert [key for key in others if key[1] == "held"] == []

"""Every event that changes what the rollup counts refreshes it: after each, a rebuild finds nothing to repair."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from recovery.models import ReleaseEntry
from reports.models import DailyRollup
from reports.tasks import rollups_refresh_held_today_task
from tests.recovery.helpers import held, local
from tests.reports.api_helpers import report_rows

pytestmark = pytest.mark.django_db


def held_stored(office) -> dict:
    return {
        (row.day, row.key): row.value for row in DailyRollup.objects.filter(office=office, measure="held").order_by()
    }


def rebuild_differences(office, start, end) -> list[str]:
    """The lines ``rebuild_rollups`` prints for each number it had to repair (none: the rollup was right)."""
    out = StringIO()
    call_command(
        "rebuild_rollups",
        office=[office.code],
        first=start.isoformat(),
        last=end.isoformat(),
        stdout=out,
        stderr=StringIO(),
    )
    return [line for line in out.getvalue().splitlines() if "→" in line]


@pytest.fixture
def waiting(smg, sby):
    """16 interviewed passports at Semarang waiting for central records, and one at Surabaya."""
    today = smg.local_today()
    held(smg, 16, start=local(today - timedelta(days=3), 9))
    held(sby, 1, start=local(today - timedelta(days=3), 9))
    rebuild_differences(smg, today - timedelta(days=3), today)  # the rollup as it stands before the event
    return today


def declare_at_smg(actor, smg, **kwargs) -> Outage:
    return outage_declare(
        actor=actor,
        scope=OutageScope.OFFICE,
        office=smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Server kantor",
        **kwargs,
    )


def test_declaring_an_outage_counts_what_it_holds_today(
    waiting, smg, sby, national_admin, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declare_at_smg(national_admin, smg)

    assert held_stored(smg) == {(waiting, "passport"): 16}
    assert held_stored(sby) == {}
    assert rebuild_differences(smg, waiting - timedelta(days=3), waiting) == []
    today = {"office": "SMG", "start": waiting.isoformat(), "end": waiting.isoformat()}
    assert [row["held"] for row in report_rows(national_admin, "office-daily", **today)] == [16]
    client.force_login(national_admin)
    page = client.get("/admin/reports/dashboard/office-daily/", today)
    assert [row["held"] for row in page.context["page"]] == [16]


def test_resolving_an_outage_and_its_release_dating_the_cases_leave_nothing_to_repair(
    waiting, smg, national_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outage = declare_at_smg(national_admin, smg)
    Outage.objects.filter(pk=outage.pk).update(declared_at=local(waiting - timedelta(days=2), 10))
    with django_capture_on_commit_callbacks(execute=True):
        outage_resolve(actor=national_admin, outage=Outage.objects.get(pk=outage.pk))

    assert ReleaseEntry.objects.filter(office=smg, expected_on__isnull=False).count() == 16
    assert held_stored(smg) == {
        (waiting - timedelta(days=2), "passport"): 16,
        (waiting - timedelta(days=1), "passport"): 16,
    }
    assert rebuild_differences(smg, waiting - timedelta(days=3), waiting) == []


def test_a_slowdown_starting_and_ending_leaves_nothing_to_repair(
    waiting, smg, national_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        slowdown = declare_at_smg(national_admin, smg, capacity_percent=50)
    assert rebuild_differences(smg, waiting - timedelta(days=3), waiting) == []
    with django_capture_on_commit_callbacks(execute=True):
        outage_resolve(actor=national_admin, outage=slowdown)
    assert rebuild_differences(smg, waiting - timedelta(days=3), waiting) == []


def test_a_new_local_day_of_an_active_outage_is_counted_by_the_beat(
    waiting, smg, national_admin, django_capture_on_commit_callbacks
):
    yesterday = waiting - timedelta(days=1)
    with (
        time_machine.travel(local(yesterday, 12), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        declare_at_smg(national_admin, smg)
    assert held_stored(smg) == {(yesterday, "passport"): 16}

    assert rollups_refresh_held_today_task.delay().get() == 1

    assert held_stored(smg) == {(yesterday, "passport"): 16, (waiting, "passport"): 16}
    assert rebuild_differences(smg, yesterday, waiting) == []


def test_an_approved_passport_held_by_printing_counts_as_well(smg, national_admin, django_capture_on_commit_callbacks):
    today = smg.local_today()
    held(smg, 2, start=local(today - timedelta(days=1), 9), status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        outage_declare(
            actor=national_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.PRINTING], reason="Printer"
        )
    assert held_stored(smg) == {(today, "passport"): 2}
    assert rebuild_differences(smg, today - timedelta(days=1), today) == []

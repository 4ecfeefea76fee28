"""The registry of kinds of case: adding a kind is one registration, and what serves every kind follows."""

from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from applications.models import PassportApplication
from applications.services import application_act
from applications.workflow import Status
from casework.kinds import CaseKind, CaseKindSpec, kind_named, kind_of_model, kind_register, kind_registered, kinds
from offices.models import Capability, Office
from offices.roles import Role
from permits.models import StayPermitApplication
from recovery.admin.backlog import held_capabilities
from recovery.models import ReleaseEntry, ReleaseOffice
from reports.definitions.backlog import BacklogReport
from reports.definitions.base import ReportFilters
from tests.recovery.helpers import held, national_outage, release_run, resolved_on
from tests.reports.helpers import passport


def visa_kind() -> CaseKindSpec:
    """A kind for the tests alone: the passport kind's table and rules under another name, waiting
    for the express service too, so that whatever it adds can be told apart."""
    return replace(
        kind_named(CaseKind.PASSPORT),
        name="visa",
        label="Visa applications",
        capabilities=frozenset({Capability.EXPRESS_SERVICE}),
    )


def test_the_kinds_are_registered_once_each_in_the_order_of_installed_apps():
    assert [kind.name for kind in kinds()] == ["passport", "permit"]
    assert [kind.name for kind in kinds()] == CaseKind.values
    assert [kind.label for kind in kinds()] == CaseKind.labels


def test_a_kind_is_found_by_its_model_and_by_its_name():
    assert kind_of_model(PassportApplication) is kind_named("passport")
    assert kind_of_model(StayPermitApplication) is kind_named("permit")
    assert kind_of_model(Office) is None
    with pytest.raises(LookupError):
        kind_named("visa")


def test_a_name_registered_twice_is_refused():
    with pytest.raises(ImproperlyConfigured):
        kind_register(kind_named("passport"))
    assert len(kinds()) == 2


def test_a_kind_registered_comes_last_and_is_gone_after():
    with kind_registered(visa_kind()) as visa:
        assert [kind.name for kind in kinds()] == ["passport", "permit", "visa"]
        assert kind_named("visa") is visa
        # A model shared by two kinds answers for the first registered.
        assert kind_of_model(PassportApplication) is kind_named("passport")
    assert [kind.name for kind in kinds()] == ["passport", "permit"]


def test_recovery_names_no_kind_of_case_in_its_tables():
    cases = {kind.model for kind in kinds()}
    assert [field.name for field in ReleaseEntry._meta.get_fields() if field.related_model in cases] == []


@pytest.mark.django_db
def test_recovery_releases_a_registered_kind_by_its_name_and_case_id(offices, national_admin, member, monkeypatch):
    """A kind registered in the tests alone is enlisted, dated, shown and marked worked, with nothing
    added to recovery: an entry is its kind's name and its case's id."""
    monkeypatch.setattr("recovery.services.release_enqueue", lambda *, release_id: None)
    smg = offices["SMG"]
    # Approved, waiting for printing.
    [case] = held(smg, 1, start=timezone.now() - timedelta(days=1), status=Status.APPROVED)
    with kind_registered(visa_kind()):
        release = resolved_on(national_admin, national_outage(national_admin), timezone.now())
        release_run(release=release)

        entries = ReleaseEntry.objects.filter(release_office__release=release).order_by("kind")
        assert [(entry.kind, entry.case_id, entry.reference) for entry in entries] == [
            ("passport", case.pk, case.reference),
            ("visa", case.pk, case.reference),
        ]
        visa = entries.get(kind="visa")
        assert visa.expected_on is not None
        assert set(ReleaseOffice.objects.get(release=release, office=smg).plan) == {"passport", "visa"}
        assert visa.case == case
        assert str(visa).startswith(f"{case.reference} → ")

        application_act(
            application=case,
            action="print",
            actor=member(Role.PRINT_OPERATOR, office=smg),
            passport_number="X1234567",
        )
        # Leaving the held step marks the entries of every kind held in the case's table.
        assert set(entries.filter(worked_at__isnull=False).values_list("kind", flat=True)) == {"passport", "visa"}


def test_the_backlog_admin_gives_a_column_to_what_a_registered_kind_waits_for():
    assert Capability.EXPRESS_SERVICE not in held_capabilities()
    with kind_registered(visa_kind()):
        assert held_capabilities() == [
            Capability.CENTRAL_RECORDS,
            Capability.PRINTING,
            Capability.PERMIT_ISSUANCE,
            Capability.EXPRESS_SERVICE,
        ]


@pytest.mark.django_db
def test_the_open_cases_report_counts_a_registered_kind(offices):
    smg = offices["SMG"]
    today = smg.local_today()
    received = today - timedelta(days=3)
    passport(smg, created_at=datetime.combine(received, time(10), tzinfo=smg.zone))
    filters = ReportFilters(offices=(smg,), start=today - timedelta(days=30), end=today)
    with kind_registered(visa_kind()):
        rows = BacklogReport().rows(filters)
    assert [(row["kind"], row["status"], row["days_0_7"], row["oldest_received"]) for row in rows] == [
        ("passport", "submitted", 1, received),
        ("visa", "submitted", 1, received),
    ]

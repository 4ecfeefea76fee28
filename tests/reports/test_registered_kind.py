"""A kind registered with its own measures and tariff lines is counted by the rollup and the revenue report."""

from dataclasses import replace
from datetime import date

import pytest
from django.db.models import Q

from casework.kinds import CaseKind, kind_named, kind_registered
from casework.reporting import FeeItem, Measure
from reports.dashboard import office_rows
from reports.definitions.base import ReportFilters
from reports.definitions.revenue import RevenueReport
from reports.measures import measure_names, rollup_compute
from tests.reports.helpers import passport, utc

pytestmark = pytest.mark.django_db

VISA_FEE = FeeItem(code="visa:new", label="Visa", legal_basis="test", amount=123, applies=Q(application_type="new"))


def visa_kind():
    """The passport kind's table under another name, with a measure and a tariff line of its own."""
    return replace(
        kind_named(CaseKind.PASSPORT),
        name="visa",
        label="Visa applications",
        measures=(Measure("visa_received", "created_at"),),
        fee_groups=((VISA_FEE,),),
    )


def test_the_rollup_counts_a_registered_kind_by_its_own_measures(smg):
    passport(smg, created_at=utc(3, 2, 3), paid_at=utc(3, 3, 3), amount_paid_idr=650_000, fee_idr=650_000)
    with kind_registered(visa_kind()):
        assert measure_names()[-3:] == ("visa_received", "revenue_idr", "held")
        computed = rollup_compute(office=smg, start=date(2026, 3, 1), end=date(2026, 3, 5))
    assert computed == {
        (date(2026, 3, 2), "passport_received", "new:appointment"): 1,
        (date(2026, 3, 2), "visa_received", "new"): 1,
        (date(2026, 3, 3), "revenue_idr", "passport:new"): 650_000,
        (date(2026, 3, 3), "revenue_idr", "visa:new"): 650_000,
    }
    assert "visa_received" not in measure_names()


def test_the_revenue_report_lists_a_registered_kind_s_tariff_lines(smg):
    passport(
        smg,
        created_at=utc(3, 2, 3),
        paid_at=utc(3, 3, 3),
        amount_paid_idr=650_000,
        fee_idr=650_000,
        passport_kind="electronic",
        validity_years=5,
    )
    filters = ReportFilters(offices=(smg,), start=date(2026, 3, 1), end=date(2026, 3, 31))
    with kind_registered(visa_kind()):
        rows = RevenueReport().rows(filters)
    assert [(row["item"], row["count"], row["amount"]) for row in rows] == [
        ("passport:electronic:P5Y", 1, 650_000),
        ("visa:new", 1, 123),
    ]


def test_the_dashboard_gives_a_registered_kind_its_queue(smg):
    passport(smg, created_at=utc(3, 2, 3))
    with kind_registered(visa_kind()):
        rows, total = office_rows(offices=[smg])
        assert [(name, queue.open, queue.capacity) for name, queue in rows[0].queues.items()] == [
            ("passport", {"submitted": 1}, smg.passport_capacity),
            ("permit", {}, smg.permit_capacity),
            ("visa", {"submitted": 1}, smg.passport_capacity),
        ]
        assert total.open_count == 2
    assert list(office_rows(offices=[smg])[0][0].queues) == ["passport", "permit"]

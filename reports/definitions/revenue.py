"""Revenue (PNBP) by fee item: what each office collected under each tariff line of the fee schedules.

A paid passport is decomposed into its items (the base tariff of its kind and validity, the express
surcharge, the surcharge for a lost or damaged passport) and a paid permit into the tariff line of
its type and term, in SQL, by CASE expressions built from ``applications.fees`` and
``permits.fees``: the amounts come from the fee schedules alone. Payments must equal the fee
(``Case.payment_take``), so the items of the cases paid in a range add up to the rollup's
``revenue_idr`` for the same filters.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Count, DurationField, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications import fees as passport_fees
from applications.models import ApplicationType, PassportApplication, PassportKind
from casework.kinds import CaseKind
from permits import fees as permit_fees
from permits.models import StayPermitApplication
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

PASSPORT = CaseKind.PASSPORT.value
PERMIT = CaseKind.PERMIT.value


@dataclass(frozen=True)
class FeeItem:
    """One tariff line: its code, label and legal basis, its amount, and the cases it applies to."""

    code: str
    label: str | Promise
    legal_basis: str
    amount: int
    applies: Q


def _interval(term: relativedelta) -> str:
    """A tariff's term as a PostgreSQL interval (``6 months``): added to a date, it clips month ends as dateutil does."""
    return f"{term.years} years {term.months} months {term.days} days"


def _duration_code(term: relativedelta) -> str:
    """A term as an ISO 8601 duration for item codes (``P6M``, ``P1Y``, ``P30D``)."""
    parts = [(term.years, "Y"), (term.months, "M"), (term.days, "D")]
    return "P" + "".join(f"{value}{unit}" for value, unit in parts if value)


def _term_label(permit_type: str, term: relativedelta) -> Promise:
    """The tariff line's words: whole years from two years on, months below (so never "1 years")."""
    if term.years > 1 and not term.months and not term.days:
        return format_lazy(_("{permit_type}, term up to {count} years"), permit_type=permit_type, count=term.years)
    if term.years or term.months:
        months = term.years * 12 + term.months
        return format_lazy(_("{permit_type}, term up to {count} months"), permit_type=permit_type, count=months)
    return format_lazy(_("{permit_type}, term up to {count} days"), permit_type=permit_type, count=term.days)


def _passport_groups() -> list[list[FeeItem]]:
    """The passport items in groups: a paid passport has exactly one base item and at most one of each surcharge."""
    basis = passport_fees.LEGAL_BASIS
    base = [
        FeeItem(
            code=f"passport:{kind}:P{years}Y",
            label=format_lazy(_("Passport, {kind}, valid {years} years"), kind=PassportKind(kind).label, years=years),
            legal_basis=basis,
            amount=fee,
            applies=Q(passport_kind=kind, validity_years=years),
        )
        for (kind, years), fee in passport_fees.BASE_FEES.items()
    ]
    express = [
        FeeItem(
            code="passport:express",
            label=_("Express service surcharge"),
            legal_basis=basis,
            amount=passport_fees.EXPRESS_SURCHARGE,
            applies=Q(service="express"),
        )
    ]
    replacement = [
        FeeItem(
            code=f"passport:{application_type}",
            label=format_lazy(_("Surcharge: {type}"), type=ApplicationType(application_type).label),
            legal_basis=basis,
            amount=fee,
            applies=Q(application_type=application_type),
        )
        for application_type, fee in passport_fees.REPLACEMENT_SURCHARGES.items()
    ]
    return [base, express, replacement]


def _permit_items() -> list[FeeItem]:
    """Every permit tariff line, shortest term first per type: the first whose term covers the request applies."""
    return [
        FeeItem(
            code=f"permit:{permit_type}:{_duration_code(term)}",
            label=_term_label(permit_type, term),
            legal_basis=permit_fees.LEGAL_BASIS,
            amount=fee,
            applies=Q(
                permit_type=permit_type,
                requested_until__lt=F("requested_from") + Cast(Value(_interval(term)), DurationField()),
            ),
        )
        for permit_type, tariffs in permit_fees.TARIFFS.items()
        for term, fee in tariffs
    ]


PASSPORT_GROUPS = _passport_groups()
PERMIT_ITEMS = _permit_items()
FEE_ITEMS = (*(item for group in PASSPORT_GROUPS for item in group), *PERMIT_ITEMS)


def _items_of(queryset: QuerySet, items: list[FeeItem]) -> QuerySet:
    """Per office, the count and amount of each item of ``items`` the cases in ``queryset`` carry.

    The CASE picks the first item that applies; cases none applies to are left out.
    """
    applies = Q(pk__in=[])
    for item in items:
        applies |= item.applies
    item_code = Case(*(When(item.applies, then=Value(item.code)) for item in items), output_field=CharField())
    item_amount = Case(*(When(item.applies, then=Value(item.amount)) for item in items), output_field=IntegerField())
    return (
        queryset.filter(applies)
        .annotate(item=item_code, item_amount=item_amount)
        .values("office_id", "item")
        .annotate(count=Count("pk"), amount=Sum("item_amount"))
        .order_by()
    )


class RevenueReport(Report):
    slug = "revenue"
    title = _("Revenue by fee item (PNBP)")
    description = _(
        "Per office and fee item: how many paid cases carried the item and the amount it brought in, "
        "over the cases paid on the office's local days in the range. A passport counts under its base "
        "tariff and under each surcharge it paid (express service, lost or damaged passport); a permit "
        "under the tariff of its type and term. Amounts are the tariffs of the fee schedules; they add "
        "up to the revenue of the daily activity report for the same filters."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("item", _("fee item")),
        Column("item_label", _("description")),
        Column("legal_basis", _("legal basis")),
        Column("count", _("cases"), "int"),
        Column("amount", _("amount (Rp)"), "money"),
    )

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        parts = []
        for kind, model, groups in (
            (PASSPORT, PassportApplication, PASSPORT_GROUPS),
            (PERMIT, StayPermitApplication, [PERMIT_ITEMS]),
        ):
            if not filters.offices or not filters.includes(kind):
                continue
            paid = (
                model.objects.using(report_database())
                .filter(filters.case_filter(kind), amount_paid_idr__isnull=False)
                .filter(filters.dated_in_range("paid_at"))
            )
            parts.extend(_items_of(paid, group) for group in groups)
        if not parts:
            return []
        totals = {(row["office_id"], row["item"]): row for row in parts[0].union(*parts[1:], all=True)}
        rows = []
        for office in filters.offices:
            for item in FEE_ITEMS:
                total = totals.get((office.pk, item.code))
                if total is None:
                    continue
                rows.append(
                    {
                        "office": office.code,
                        "office_name": office.name,
                        "item": item.code,
                        "item_label": str(item.label),
                        "legal_basis": item.legal_basis,
                        "count": total["count"],
                        "amount": total["amount"],
                    }
                )
        return rows

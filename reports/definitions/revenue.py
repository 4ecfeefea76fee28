"""Revenue (PNBP) by fee item: what each office collected under each tariff line of the fee schedules.

A paid case is decomposed into the tariff lines its kind declares (``CaseKindSpec.fee_groups``: a
passport into the base tariff of its kind and validity, the express surcharge, the surcharge for a
lost or damaged passport; a permit into the tariff line of its type and term), in SQL, by CASE
expressions built from the fee schedules: the amounts come from the schedules alone. Payments must equal the fee
(``Case.payment_take``), so the items of the cases paid in a range add up to the rollup's
``revenue_idr`` for the same filters.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from casework.kinds import kinds
from casework.reporting import FeeItem
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database


def fee_items() -> tuple[FeeItem, ...]:
    """Every tariff line of every kind, in the order the report lists them."""
    return tuple(item for kind in kinds() for group in kind.fee_groups for item in group)


def _items_of(queryset: QuerySet, items: Sequence[FeeItem]) -> QuerySet:
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
        for kind in kinds():
            if not filters.offices or not filters.includes(kind.name):
                continue
            paid = (
                kind.model._default_manager.using(report_database())
                .filter(filters.case_filter(kind.name), amount_paid_idr__isnull=False)
                .filter(filters.dated_in_range("paid_at"))
            )
            parts.extend(_items_of(paid, group) for group in kind.fee_groups)
        if not parts:
            return []
        totals = {(row["office_id"], row["item"]): row for row in parts[0].union(*parts[1:], all=True)}
        rows = []
        for office in filters.offices:
            for item in fee_items():
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

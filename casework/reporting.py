"""What a kind of case tells the reports: the measures its cases are counted by, and its tariff lines.

Each kind declares these beside its registration (``CaseKindSpec.measures`` and ``fee_groups``),
so the daily rollup (``reports.measures``) and the revenue report count every registered kind
without naming one. The measures every kind shares — revenue and the cases held by an outage —
are the reports' own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import DateField, Expression, F, Func, Q, Value
from django.utils.functional import Promise


class LocalDate(Func):
    """The date of a timestamp column in the office's time zone: ``timezone(zone, column)::date``."""

    function = "timezone"
    output_field = DateField()

    def __init__(self, zone: str, field: str) -> None:
        super().__init__(Value(zone), F(field))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"({sql})::date", params


@dataclass(frozen=True)
class Measure:
    """A daily count of a kind's cases, each counted on the office's local date of one timestamp.

    The count is filed under a key: the case's type (``CaseKindSpec.type_field``) unless ``key``
    says otherwise, in which case the key must begin with the type and a colon (``new:appointment``),
    so that a report narrowed to one type still finds the measure's rows.
    """

    name: str
    timestamp: str
    key: Expression | None = None
    # Only the cases this keeps, given the office's time zone (for conditions on local dates).
    only: Callable[[str], Q] | None = None
    # What the measure counts of the flow of cases, for the dashboard's backlog: cases coming in
    # (RECEIVED), going out issued or handed over (ISSUED), or going out otherwise (CLOSED).
    flow: str = ""

    RECEIVED: ClassVar[str] = "received"
    ISSUED: ClassVar[str] = "issued"
    CLOSED: ClassVar[str] = "closed"


@dataclass(frozen=True)
class FeeItem:
    """One tariff line: its code, label and legal basis, its amount, and the cases it applies to."""

    code: str
    label: str | Promise
    legal_basis: str
    amount: int
    applies: Q

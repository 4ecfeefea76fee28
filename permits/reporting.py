"""What the reports count of stay permit applications (``casework.reporting``).

The daily measures, every one keyed by permit type (``ITAS``) and counted on the office's local
date of one timestamp: ``permit_received`` (``created_at``), ``permit_approved`` (``approved_at``),
``permit_rejected`` (``rejected_at``), ``permit_cancelled`` (``cancelled_at``) and
``permit_issued`` (``issued_at``).

The tariff lines: a paid permit carries the tariff of its type and term (``permits.fees``).
"""

from dateutil.relativedelta import relativedelta
from django.db.models import DurationField, F, Q, Value
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.reporting import FeeItem, Measure
from permits import fees

MEASURES = (
    Measure("permit_received", "created_at", flow=Measure.RECEIVED),
    Measure("permit_approved", "approved_at"),
    Measure("permit_rejected", "rejected_at", flow=Measure.CLOSED),
    Measure("permit_cancelled", "cancelled_at", flow=Measure.CLOSED),
    Measure("permit_issued", "issued_at", flow=Measure.ISSUED),
)


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


def fee_groups() -> tuple[tuple[FeeItem, ...], ...]:
    """Every tariff line in one group, shortest term first per type: the first whose term covers the request applies."""
    items = tuple(
        FeeItem(
            code=f"permit:{permit_type}:{_duration_code(term)}",
            label=_term_label(permit_type, term),
            legal_basis=fees.LEGAL_BASIS,
            amount=fee,
            applies=Q(
                permit_type=permit_type,
                requested_until__lt=F("requested_from") + Cast(Value(_interval(term)), DurationField()),
            ),
        )
        for permit_type, tariffs in fees.TARIFFS.items()
        for term, fee in tariffs
    )
    return (items,)

"""What the reports count of passport applications (``casework.reporting``).

The daily measures, each on the office's local date of one timestamp:

- ``passport_received``, keyed ``application_type:channel`` (``new:appointment``): ``created_at``;
- keyed by ``application_type`` (``renewal``), so that every report can be narrowed to one type:
  ``passport_verified`` (``verified_at``), ``passport_biometrics`` (``biometrics_captured_at``),
  ``passport_approved`` (``approved_at``), ``passport_rejected`` (``rejected_at``),
  ``passport_printed`` (``printed_at``), ``passport_issued`` (handed over, ``issued_at``),
  ``passport_cancelled`` (cancelled or expired, ``cancelled_at``);
- ``sla_met`` / ``sla_breached``: passports printed that day (``printed_at``) whose local print
  date is on or before / after ``sla_due_date``, as ``PassportApplication.sla_breached`` decides.

The tariff lines: a paid passport carries exactly one base tariff (its kind and validity) and at
most one of each surcharge (express service; a lost or damaged passport).
"""

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications import fees
from applications.models import ApplicationType, PassportKind
from casework.reporting import FeeItem, LocalDate, Measure

MEASURES = (
    Measure(
        "passport_received",
        "created_at",
        key=Concat(F("application_type"), Value(":"), F("channel"), output_field=CharField()),
        flow=Measure.RECEIVED,
    ),
    Measure("passport_verified", "verified_at"),
    Measure("passport_biometrics", "biometrics_captured_at"),
    Measure("passport_approved", "approved_at"),
    Measure("passport_rejected", "rejected_at", flow=Measure.CLOSED),
    Measure("passport_printed", "printed_at"),
    Measure("passport_issued", "issued_at", flow=Measure.ISSUED),
    Measure("passport_cancelled", "cancelled_at", flow=Measure.CLOSED),
    Measure("sla_met", "printed_at", only=lambda zone: Q(sla_due_date__gte=LocalDate(zone, "printed_at"))),
    Measure("sla_breached", "printed_at", only=lambda zone: Q(sla_due_date__lt=LocalDate(zone, "printed_at"))),
)


def fee_groups() -> tuple[tuple[FeeItem, ...], ...]:
    """The tariff lines in groups: the base tariffs, the express surcharge, the replacement surcharges."""
    base = tuple(
        FeeItem(
            code=f"passport:{kind}:P{years}Y",
            label=format_lazy(_("Passport, {kind}, valid {years} years"), kind=PassportKind(kind).label, years=years),
            legal_basis=fees.LEGAL_BASIS,
            amount=fee,
            applies=Q(passport_kind=kind, validity_years=years),
        )
        for (kind, years), fee in fees.BASE_FEES.items()
    )
    express = (
        FeeItem(
            code="passport:express",
            label=_("Express service surcharge"),
            legal_basis=fees.LEGAL_BASIS,
            amount=fees.EXPRESS_SURCHARGE,
            applies=Q(service="express"),
        ),
    )
    replacement = tuple(
        FeeItem(
            code=f"passport:{application_type}",
            label=format_lazy(_("Surcharge: {type}"), type=ApplicationType(application_type).label),
            legal_basis=fees.LEGAL_BASIS,
            amount=fee,
            applies=Q(application_type=application_type),
        )
        for application_type, fee in fees.REPLACEMENT_SURCHARGES.items()
    )
    return base, express, replacement

"""Stay permit applications by office, permit type and nationality, read from the case table.

The rollup counts permits by type but not by nationality, so this report reads the applications
themselves: one GROUP BY query, each step counted by its own timestamp's office-local date.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.kinds import CaseKind
from permits.models import StayPermitApplication
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

PERMIT = CaseKind.PERMIT.value

# Column name → the timestamp that dates it, in the order of the columns (as ``reports.measures``).
STEPS = (
    ("received", "created_at", _("applications received")),
    ("approved", "approved_at", _("approved")),
    ("rejected", "rejected_at", _("rejected")),
    ("issued", "issued_at", _("issued")),
    ("cancelled", "cancelled_at", _("cancelled")),
)


def country_name(code: str) -> str:
    """The translated name of an ISO 3166 alpha-3 code; the code itself if django-countries has none."""
    return str(countries.name(code)) or code


class PermitsReport(Report):
    slug = "permits"
    title = _("Permits by type and nationality")
    description = _(
        "Per office, permit type and the applicant's nationality: the stay permit applications received, "
        "approved, rejected, issued and cancelled in the range, each step counted on the office-local "
        "date it was taken. Combinations with nothing in the range are left out."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("permit_type", _("permit type")),
        Column("nationality", _("nationality")),
        Column("nationality_name", _("country")),
        *(Column(name, header, "int") for name, _field, header in STEPS),
    )
    type_filters = frozenset({"permit_type"})

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        if not filters.offices:
            return []
        steps = {name: filters.dated_in_range(field) for name, field, _header in STEPS}
        any_step = Q(pk__in=[])
        for condition in steps.values():
            any_step |= condition
        counted = (
            StayPermitApplication.objects.using(report_database())
            .filter(filters.case_filter(PERMIT))
            .filter(any_step)
            .values("office_id", "permit_type", "foreigner__nationality")
            .annotate(**{name: Count("pk", filter=condition) for name, condition in steps.items()})
            .order_by()
        )
        offices = {office.pk: office for office in filters.offices}
        rows = [
            {
                "office": offices[row["office_id"]].code,
                "office_name": offices[row["office_id"]].name,
                "permit_type": row["permit_type"],
                "nationality": row["foreigner__nationality"],
                "nationality_name": country_name(row["foreigner__nationality"]),
                **{name: row[name] for name, _field, _header in STEPS},
            }
            for row in counted
        ]
        return sorted(rows, key=lambda row: (row["office"], row["permit_type"], row["nationality"]))

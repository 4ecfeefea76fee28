"""Office daily activity: what each office did on each of its local days, from the rollup."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from reports.definitions.base import Report, ReportFilters
from reports.definitions.rollup import excluded_measures, rollup_totals
from reports.exports import Column

# Column name → rollup measure, in the order of the columns.
MEASURE_COLUMNS = (
    ("passports_received", "passport_received", _("passports received")),
    ("passports_verified", "passport_verified", _("passports verified")),
    ("biometrics_captured", "passport_biometrics", _("biometrics captured")),
    ("passports_approved", "passport_approved", _("passports approved")),
    ("passports_rejected", "passport_rejected", _("passports rejected")),
    ("passports_printed", "passport_printed", _("passports printed")),
    ("passports_issued", "passport_issued", _("passports handed over")),
    ("passports_cancelled", "passport_cancelled", _("passports cancelled")),
    ("permits_received", "permit_received", _("permits received")),
    ("permits_approved", "permit_approved", _("permits approved")),
    ("permits_rejected", "permit_rejected", _("permits rejected")),
    ("permits_issued", "permit_issued", _("permits issued")),
    ("permits_cancelled", "permit_cancelled", _("permits cancelled")),
    ("revenue_idr", "revenue_idr", _("revenue (Rp)")),
    ("held", "held", _("held by outages at day's end")),
)


class OfficeDailyReport(Report):
    slug = "office-daily"
    title = _("Office daily activity")
    description = _(
        "Per office and local day: applications received, each step taken, permits issued, revenue "
        "and the cases held by outages at the end of the day. Days on which an office recorded "
        "nothing are left out. A type filter narrows its kind of case and leaves the other out; "
        "the held cases are not counted by type, so they are empty under a type filter."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("day", _("day"), "date"),
        *(
            Column(name, header, "money" if measure == "revenue_idr" else "int")
            for name, measure, header in MEASURE_COLUMNS
        ),
    )

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        offices = {office.pk: office for office in filters.offices}
        measures = [measure for _name, measure, _header in MEASURE_COLUMNS]
        excluded = excluded_measures(filters, measures)
        blank = {name: None if measure in excluded else 0 for name, measure, _header in MEASURE_COLUMNS}
        column_of = {measure: name for name, measure, _header in MEASURE_COLUMNS}
        rows: dict[tuple[int, Any], dict[str, Any]] = {}
        for total in rollup_totals(filters, measures=measures):
            key = (total["office_id"], total["day"])
            row = rows.get(key)
            if row is None:
                office = offices[total["office_id"]]
                row = rows[key] = {"office": office.code, "office_name": office.name, "day": total["day"], **blank}
            row[column_of[total["measure"]]] += total["total"]
        return sorted(rows.values(), key=lambda row: (row["office"], row["day"]))

"""Protected stays and overstays: holders whose last permit has ended, as the permits app judges them.

The rule (who is protected, from when an overstay counts, the fine) is ``permits.selectors``'s
alone: this report narrows ``stay_exceptions`` to the filters and reads each row with
``stay_of_exception``, so the report, the permits admin and the permits API always agree.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKind
from offices.outages import outages_active
from permits.models import StayPermit, StayPermitApplication
from permits.selectors import StayState, stay_exceptions, stay_of_exception
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

PERMIT = CaseKind.PERMIT.value

# The same words as the permits admin's list of protected stays and overstays.
STATE_LABELS = {StayState.PROTECTED: _("Protected stay"), StayState.OVERSTAYING: _("Overstaying")}


class ProtectedStaysReport(Report):
    slug = "protected-stays"
    title = _("Protected stays and overstays")
    description = _(
        "Holders whose last permit has ended without a successor, by the permit's last day (the date "
        "range filters that day; by default the last 365 days): protected while an application filed "
        "before that day is pending, overstaying otherwise, with the days overstayed so far and the fine "
        "they carry (UU 6/2011 art. 78). Longest ended first."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("number", _("permit number")),
        Column("holder", _("holder")),
        Column("nationality", _("nationality")),
        Column("permit_type", _("permit type")),
        Column("valid_until", _("valid until"), "date"),
        Column("state", _("state")),
        Column("state_label", _("state description")),
        Column("since", _("since"), "date"),
        Column("days_overstayed", _("days overstayed"), "int"),
        Column("fine", _("fine (Rp)"), "money"),
        Column("application", _("protecting application")),
    )
    type_filters = frozenset({"permit_type"})
    default_days = 365
    people_keys = ("holder_passport",)

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        if not filters.offices or not filters.includes(PERMIT):
            return []
        database = report_database()
        permits = list(
            stay_exceptions(
                StayPermit.objects.using(database).filter(
                    filters.case_filter(PERMIT), valid_until__gte=filters.start, valid_until__lte=filters.end
                )
            )
            .select_related("office", "holder")
            .order_by("valid_until", "number")
        )
        # Protected rows need their application and the active outages: read once for all rows.
        protecting = [permit.protecting_id for permit in permits if permit.protecting_id is not None]
        applications: dict[int, StayPermitApplication] = {}
        active = []
        if protecting:
            applications = StayPermitApplication.objects.using(database).select_related("office").in_bulk(protecting)
            active = outages_active()
        rows = []
        for permit in permits:
            stay = stay_of_exception(permit, applications=applications, active_outages=active)
            rows.append(
                {
                    "office": permit.office.code,
                    "office_name": permit.office.name,
                    "number": permit.number,
                    "holder": permit.holder.full_name,
                    "nationality": permit.holder.nationality,
                    "permit_type": permit.permit_type,
                    "valid_until": permit.valid_until,
                    "state": stay.state,
                    "state_label": str(STATE_LABELS[stay.state]),
                    "since": stay.since,
                    "days_overstayed": stay.overstay_days,
                    "fine": stay.fine_idr,
                    "application": stay.application.reference if stay.application else None,
                    "holder_passport": permit.holder.passport_number,
                }
            )
        return rows

"""Every report, by the slug its page, its API endpoint and its exports are named by."""

from reports.definitions.backlog import BacklogReport
from reports.definitions.base import Report
from reports.definitions.office_daily import OfficeDailyReport
from reports.definitions.outage_impact import OutageImpactReport
from reports.definitions.permits import PermitsReport
from reports.definitions.permits_expiring import PermitsExpiringReport
from reports.definitions.revenue import RevenueReport
from reports.definitions.sla import SlaReport
from reports.definitions.stays import ProtectedStaysReport

REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        OfficeDailyReport(),
        SlaReport(),
        BacklogReport(),
        OutageImpactReport(),
        RevenueReport(),
        PermitsReport(),
        PermitsExpiringReport(),
        ProtectedStaysReport(),
    )
}

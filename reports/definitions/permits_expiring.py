"""Active stay permits ending in the range: who must renew soon, and whether they have filed."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKind
from permits.models import PermitStatus, StayPermit, StayPermitApplication
from permits.selectors import OfficeToday
from permits.workflow import OPEN
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

PERMIT = CaseKind.PERMIT.value


class DaysUntil(Func):
    """The days from the office's local today to a date column: ``date - date`` is an integer in SQL."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, field: str, zone_field: str) -> None:
        super().__init__(F(field), OfficeToday(zone_field))


class PermitsExpiringReport(Report):
    slug = "permits-expiring"
    title = _("Permits expiring")
    description = _(
        "Active stay permits whose last day falls in the range (by default today and the next 60 days), "
        "soonest first: holder, sponsor, the days left from the office's local today, and the "
        "extension or conversion application already filed for the permit, if one is open."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("number", _("permit number")),
        Column("permit_type", _("permit type")),
        Column("holder", _("holder")),
        Column("nationality", _("nationality")),
        Column("sponsor", _("sponsor")),
        Column("valid_until", _("valid until"), "date"),
        Column("days_left", _("days left"), "int"),
        Column("pending_application", _("pending extension or conversion")),
    )
    type_filters = frozenset({"permit_type"})
    ahead: ClassVar[int] = 60
    people_keys = ("holder_passport", "sponsor_nik")

    def default_range(self, today: date) -> tuple[date, date]:
        """Today and the next 60 days: the longest notice a holder is given (ITAP, ``permits_remind_expiring``)."""
        return today, today + timedelta(days=self.ahead)

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        if not filters.includes(PERMIT):
            return []
        # An open application naming the permit as its current one extends or converts it: the
        # holder has filed (as the expiry reminders read it).
        pending = StayPermitApplication.objects.filter(current_permit=OuterRef("pk"), status__in=OPEN).order_by("pk")
        permits = (
            StayPermit.objects.using(report_database())
            .filter(
                filters.case_filter(PERMIT),
                status=PermitStatus.ACTIVE,
                valid_until__gte=filters.start,
                valid_until__lte=filters.end,
            )
            .annotate(
                days_left=DaysUntil("valid_until", "office__timezone"),
                pending_application=Subquery(pending.values("reference")[:1]),
            )
            .order_by("valid_until", "number")
            .values_list(
                "office__code",
                "office__name",
                "number",
                "permit_type",
                "holder__full_name",
                "holder__nationality",
                "sponsor__name",
                "valid_until",
                "days_left",
                "pending_application",
                "holder__passport_number",
                "sponsor__nik",
            )
        )
        names = [column.name for column in self.columns] + list(self.people_keys)
        return [dict(zip(names, values, strict=True)) for values in permits]

"""The weekly summary: every Monday morning each regional supervisor gets their region's last week.

Celery beat runs ``weekly_summaries_send`` hourly. A supervisor's summary is due from 07:00 on
Monday in their region's zone until the end of that Monday, so each zone's supervisors get theirs
at their own 07:00 (Papua, on WIT, two hours before Jawa Tengah on WIB). A region's offices share
one zone in practice; the region's zone is that of its first office by code.

The summary covers the previous Monday to Sunday, the region's local dates: a workbook with one
sheet per report of ``WEEKLY_REPORTS`` (those registered; the backlog and the permits about to
end as they stand on Monday), and a short email with the headline
numbers from the daily rollup. Each (supervisor, region, Monday) is sent once, whatever the
number of workers or runs (``WeeklySummary``).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from offices.models import Membership, Office, Region
from offices.roles import Role
from offices.selectors import overseen_offices
from reports.definitions.base import ReportFilters
from reports.definitions.rollup import rollup_totals
from reports.exports import XLSX_CONTENT_TYPE, Table, xlsx_workbook
from reports.filters import query_serializer_for, report_filters
from reports.models import WeeklySummary
from reports.registry import REPORTS

logger = logging.getLogger(__name__)

# The reports of the workbook, one sheet each, in this order; a slug not registered is left out.
WEEKLY_REPORTS = ("office-daily", "sla", "backlog", "revenue", "permits-expiring")

# Reports of what stands rather than of what happened (the cases still open, the permits about to
# end): over last week they would show a sliver, so they cover their own default range as of Monday.
STANDING_REPORTS = frozenset({"backlog", "permits-expiring"})

# The local time on Monday from which a region's summary is sent.
SEND_AT = time(7, 0)

HEADLINE_MEASURES = (
    "passport_received",
    "permit_received",
    "passport_issued",
    "permit_issued",
    "revenue_idr",
    "sla_breached",
    "held",
)


@dataclass(frozen=True)
class Headline:
    """The week's numbers of the email: ``held`` is the number held at the end of its Sunday."""

    received: int
    issued: int
    revenue_idr: int
    sla_breached: int
    held: int


@dataclass(frozen=True)
class Due:
    """A summary due now: for ``user``, of ``region`` (in ``zone``), for the week before ``week``."""

    user: AbstractBaseUser
    region: Region
    zone: ZoneInfo
    week: date

    @property
    def start(self) -> date:
        return self.week - timedelta(days=7)

    @property
    def end(self) -> date:
        return self.week - timedelta(days=1)


def summary_week(moment: datetime) -> date | None:
    """The Monday whose summary is due at ``moment`` (local time), or None outside Monday from 07:00."""
    if moment.weekday() != 0 or moment.time() < SEND_AT:
        return None
    return moment.date()


def region_zones(region_ids: list[int]) -> dict[int, ZoneInfo]:
    """Each region's zone: that of its first office by code (its offices share one in practice)."""
    first_offices = (
        Office.objects.filter(region_id__in=region_ids)
        .order_by("region_id", "code")
        .distinct("region_id")
        .values_list("region_id", "timezone")
    )
    return {region_id: ZoneInfo(zone) for region_id, zone in first_offices}


def weekly_summaries_due(*, now: datetime) -> list[Due]:
    """The supervisors (active, with an email) whose region's Monday 07:00 has come, not yet sent."""
    memberships = list(
        Membership.objects.filter(role=Role.REGIONAL_SUPERVISOR, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "region")
        .order_by("region__code", "user_id")
    )
    zones = region_zones(sorted({membership.region_id for membership in memberships}))
    candidates = []
    for membership in memberships:
        zone = zones.get(membership.region_id)
        week = summary_week(now.astimezone(zone)) if zone else None
        if week is not None:
            candidates.append(Due(user=membership.user, region=membership.region, zone=zone, week=week))
    sent = set(
        WeeklySummary.objects.filter(week__in={due.week for due in candidates}).values_list(
            "user_id", "region_id", "week"
        )
    )
    return [due for due in candidates if (due.user.pk, due.region.pk, due.week) not in sent]


def weekly_headline(filters: ReportFilters) -> Headline:
    """The week's headline numbers over the filters' offices and days, from the rollup: one query."""
    totals = dict.fromkeys(HEADLINE_MEASURES, 0)
    held = 0
    for row in rollup_totals(filters, measures=HEADLINE_MEASURES, by=("day",)):
        totals[row["measure"]] += row["total"]
        if row["measure"] == "held" and row["day"] == filters.end:
            held = row["total"]
    return Headline(
        received=totals["passport_received"] + totals["permit_received"],
        issued=totals["passport_issued"] + totals["permit_issued"],
        revenue_idr=totals["revenue_idr"],
        sla_breached=totals["sla_breached"],
        held=held,
    )


def weekly_tables(due: Due) -> list[Table]:
    """One table per weekly report, its filters validated for the supervisor as on a report page.

    A report refusing the filters is left out and logged rather than holding back the summary.
    """
    tables = []
    for slug in WEEKLY_REPORTS:
        report = REPORTS.get(slug)
        if report is None:
            continue
        start, end = report.default_range(due.week) if slug in STANDING_REPORTS else (due.start, due.end)
        data = {"region": due.region.code, "start": start.isoformat(), "end": end.isoformat()}
        query = query_serializer_for(report)(data=data, context={"user": due.user})
        if not query.is_valid():
            logger.warning("Weekly summary: %s refused %s for user %s: %s", slug, data, due.user.pk, query.errors)
            continue
        tables.append(report.table(report_filters(user=due.user, report=report, data=query.validated_data)))
    return tables


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def weekly_summary_body(*, region: Region, start: date, end: date, headline: Headline) -> str:
    """The email's text in the active language: the week, its headline numbers, the attachment."""
    lines = [
        _("Summary of %(region)s for the week of %(start)s to %(end)s.")
        % {"region": region.name, "start": formats.date_format(start), "end": formats.date_format(end)},
        "",
        _("Applications received: %(count)s") % {"count": _number(headline.received)},
        _("Passports and permits issued: %(count)s") % {"count": _number(headline.issued)},
        _("Revenue: Rp %(amount)s") % {"amount": _number(headline.revenue_idr)},
        _("Passports printed after their service deadline: %(count)s") % {"count": _number(headline.sla_breached)},
        _("Cases held by outages at the end of %(day)s: %(count)s")
        % {"day": formats.date_format(end), "count": _number(headline.held)},
        "",
        _("The attached workbook has one sheet per report for the offices of the region in that week."),
    ]
    return "\n".join(lines) + "\n"


def weekly_summary_message(due: Due) -> EmailMessage:
    """The email of one summary, in the project's language (Indonesian), with its workbook attached."""
    offices = tuple(overseen_offices(due.user).filter(region=due.region).order_by("code"))
    filters = ReportFilters(offices=offices, start=due.start, end=due.end)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Weekly summary of %(region)s, %(start)s to %(end)s") % {
            "region": due.region.name,
            "start": formats.date_format(due.start),
            "end": formats.date_format(due.end),
        }
        body = weekly_summary_body(region=due.region, start=due.start, end=due.end, headline=weekly_headline(filters))
        workbook = xlsx_workbook(tables=weekly_tables(due), tz=due.zone)
    message = EmailMessage(subject=subject, body=body, to=[due.user.email])
    message.attach(
        f"summary_{due.region.code}_{due.start.isoformat()}_{due.end.isoformat()}.xlsx", workbook, XLSX_CONTENT_TYPE
    )
    return message


def weekly_summary_send(*, due: Due, now: datetime) -> bool:
    """Send one summary unless it was sent; whether this call sent it.

    The row is inserted first: a second worker's insert waits on the unique constraint until
    this transaction ends, then finds the row and sends nothing. If the email fails, the
    transaction and its row are rolled back, so the next hourly run tries again.
    """
    with transaction.atomic():
        _summary, created = WeeklySummary.objects.get_or_create(
            user=due.user, region=due.region, week=due.week, defaults={"sent_at": now}
        )
        if not created:
            return False
        weekly_summary_message(due).send()
    return True


def weekly_summaries_send(*, now: datetime | None = None) -> int:
    """Send every summary due at ``now`` (default: the clock); how many this run sent."""
    moment = now or timezone.now()
    sent = 0
    for due in weekly_summaries_due(now=moment):
        try:
            sent += weekly_summary_send(due=due, now=moment)
        except Exception:
            logger.exception("Weekly summary of region %s for user %s not sent", due.region.code, due.user.pk)
    return sent

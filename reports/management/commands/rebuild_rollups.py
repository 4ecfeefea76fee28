"""Rebuild the daily rollup from the case tables and report every difference found."""

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min
from django.utils.translation import gettext as _
from tqdm import tqdm

from casework.kinds import kinds
from casework.reporting import LocalDate
from offices.models import Office
from reports.models import DailyRollup
from reports.services import rollup_refresh


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from error


def months(start: date, end: date) -> list[tuple[date, date]]:
    """``start`` to ``end`` cut at month ends: the ranges refreshed one transaction each."""
    ranges = []
    while start <= end:
        last = min(end, start.replace(day=1) + relativedelta(months=1) - timedelta(days=1))
        ranges.append((start, last))
        start = last + timedelta(days=1)
    return ranges


class Command(BaseCommand):
    help = "Recompute the daily rollup from the cases, office by office, and print every difference found."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", nargs="+", action="extend", default=[], metavar="CODE", help="Office codes.")
        parser.add_argument("--from", dest="first", help="First local day (YYYY-MM-DD); default: the first case's.")
        parser.add_argument("--to", dest="last", help="Last local day (YYYY-MM-DD); default: the office's today.")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code.upper() for code in options["office"]]
        offices = list(Office.objects.filter(code__in=codes) if codes else Office.objects.all())
        unknown = sorted(set(codes) - {office.code for office in offices})
        if unknown:
            raise CommandError(_("Unknown office: %(codes)s.") % {"codes": ", ".join(unknown)})
        first = _date(options["first"]) if options["first"] else None
        last = _date(options["last"]) if options["last"] else None
        if first and last and first > last:
            raise CommandError(_("--from %(first)s is after --to %(last)s.") % {"first": first, "last": last})
        latest_today = max((office.local_today() for office in offices), default=date.today())
        if first and first > latest_today:
            raise CommandError(_("--from %(first)s is after today.") % {"first": first})

        plan = []
        for office in sorted(offices, key=lambda office: office.code):
            start = first or self._first_day(office)
            end = last or office.local_today()
            if start is not None and start <= end:
                plan.append((office, months(start, end)))
        totals = {"added": 0, "changed": 0, "removed": 0}
        with tqdm(total=sum(len(ranges) for _office, ranges in plan), file=self.stderr, unit="month") as bar:
            for office, ranges in plan:
                bar.set_description(office.code)
                for start, end in ranges:
                    diff = rollup_refresh(office=office, start=start, end=end)
                    for change in diff.changes:
                        key = f"[{change.key}]" if change.key else ""
                        self.stdout.write(
                            f"{office.code} {change.day.isoformat()} {change.measure}{key}: {change.old} → {change.new}"
                        )
                    totals["added"] += diff.added
                    totals["changed"] += diff.changed
                    totals["removed"] += diff.removed
                    bar.update(1)
        self.stdout.write(
            _("%(offices)d offices rebuilt: %(added)d added, %(changed)d changed, %(removed)d removed.")
            % {"offices": len(plan), **totals}
        )

    def _first_day(self, office: Office) -> date | None:
        """The office's first local day with a case or a stored rollup row; None without either."""
        days = [
            model._default_manager.filter(office=office).aggregate(first=Min(LocalDate(office.timezone, "created_at")))[
                "first"
            ]
            for model in (kind.model for kind in kinds())
        ]
        days.append(DailyRollup.objects.filter(office=office).aggregate(first=Min("day"))["first"])
        days = [day for day in days if day is not None]
        return min(days) if days else None

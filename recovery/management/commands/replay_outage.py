"""``manage.py replay_outage``: the national outage of 20 June 2024, replayed on this database.

Declares the national outage of the central services some working days back, takes in each
chosen office's daily intake of those days up to the step that needs central records, shows the
backlog, resolves the outage and runs the release here with a progress bar (stderr), then prints
each office's clearing date. Everything commits at once at the end: interrupted, it leaves nothing.

The release job that the resolution starts on commit then finds every office enlisted and dated
and does nothing. The messages the release stores are handed to the outbox on commit as usual;
without a broker they are sent in-process, and whatever the mail backend prints (the console
backend of development) goes to stderr, so stdout holds the report alone. Ids aside, the report
is the same for the same data, options and ``--seed``; its dates follow today's.
"""

import contextlib
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from casework.models import Notification
from plumbing.origin import origin_scope
from recovery.models import Release, ReleaseOffice
from recovery.replay import (
    ACTOR_USERNAME,
    DEFAULT_SEED,
    BacklogRow,
    OfficeIntake,
    ReplayRefused,
    backlog_by_office,
    first_opening,
    replay_actor,
    replay_check,
    replay_declare,
    replay_intake,
    replay_offices,
    replay_plan,
    replay_release,
)


class Command(BaseCommand):
    help = (
        "Replay the national outage of 20 June 2024 (Pusat Data Nasional Sementara ransomware): declare it, "
        "take in held cases at the chosen offices for the given working days, resolve it and release the backlog. "
        "For development databases; refused with DEBUG off unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--offices", nargs="+", default=["SMG", "SBY"], metavar="CODE", help="Office codes (default: SMG SBY)."
        )
        parser.add_argument("--days", type=int, default=5, help="Working days the outage lasted (default: 5).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Share of each office's daily capacity taken in (default: 1.0)."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default: {DEFAULT_SEED}).")
        parser.add_argument("--force", action="store_true", help="Replay even though DEBUG is off.")

    def handle(
        self, *args: Any, offices: list[str], days: int, scale: float, seed: int, force: bool, **options: Any
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "replay_outage writes thousands of made-up cases and declares a national outage; it is for "
                "development databases. DEBUG is off; pass --force if this database really is one."
            )
        try:
            chosen = replay_offices(codes=offices)
            replay_check(offices=chosen, days=days, scale=scale)
        except ReplayRefused as error:
            raise CommandError(str(error)) from error

        plan = replay_plan(offices=chosen, days=days, scale=scale)

        with (
            contextlib.redirect_stdout(sys.stderr),
            transaction.atomic(),
            origin_scope(kind="command", name="replay_outage"),
        ):
            actor = replay_actor()
            outage = replay_declare(actor=actor, declared_at=first_opening(plan))
            self.stdout.write("Replay of 20 June 2024: ransomware at the Pusat Data Nasional Sementara.")
            declared_on = plan[0].office.local_date(outage.declared_at)
            self.stdout.write(
                f"Outage #{outage.pk}, national, declared on {declared_on:%Y-%m-%d} by {ACTOR_USERNAME}: "
                f"{', '.join(outage.capabilities)} down."
            )
            replay_intake(plan=plan, seed=seed, actor=actor)
            self._intake(plan, scale=scale, seed=seed)
            self._backlog(backlog_by_office(outage=outage))
            release = self._release(actor=actor, outage=outage)
        self._clearing(release)

    def _intake(self, plan: list[OfficeIntake], *, scale: float, seed: int) -> None:
        working_days = len(plan[0].days)
        self.stdout.write("")
        self.stdout.write(f"Intake went on for {working_days} working days (scale {scale:g}, seed {seed}):")
        self.stdout.write(f"  {'office':<6}  {'days':<24}  {'passports':>9}  {'permits':>7}")
        for intake in plan:
            days = f"{intake.days[0]:%Y-%m-%d} to {intake.days[-1]:%Y-%m-%d}"
            self.stdout.write(f"  {intake.office.code:<6}  {days:<24}  {intake.passports:>9}  {intake.permits:>7}")
        passports = sum(intake.passports for intake in plan)
        permits = sum(intake.permits for intake in plan)
        self.stdout.write(f"  {'total':<6}  {'':<24}  {passports:>9}  {permits:>7}")

    def _backlog(self, rows: list[BacklogRow]) -> None:
        self.stdout.write("")
        self.stdout.write("Backlog held by the outage:")
        self.stdout.write(f"  {'office':<6}  {'held':>6}  {'passports':>9}  {'permits':>7}  oldest waiting since")
        for row in rows:
            oldest = row.oldest.astimezone(row.office.zone)
            self.stdout.write(
                f"  {row.office.code:<6}  {row.held:>6}  {row.passports:>9}  {row.permits:>7}  "
                f"{oldest:%Y-%m-%d %H:%M} {oldest.tzname()}"
            )
        self.stdout.write(
            f"  {'total':<6}  {sum(row.held for row in rows):>6}  {sum(row.passports for row in rows):>9}  "
            f"{sum(row.permits for row in rows):>7}"
        )

    def _release(self, *, actor: Any, outage: Any) -> Release:
        bar: tqdm | None = None

        def enlisted(total: int) -> None:
            nonlocal bar
            bar = tqdm(total=total, unit="case", desc="Dating the backlog", file=sys.stderr, disable=None)

        try:
            return replay_release(
                actor=actor, outage=outage, on_enlisted=enlisted, on_scheduled=lambda count: bar.update(count)
            )
        finally:
            if bar is not None:
                bar.close()

    def _clearing(self, release: Release) -> None:
        parts = list(
            ReleaseOffice.objects.filter(release=release, total__gt=0).select_related("office").order_by("office__code")
        )
        self.stdout.write("")
        resolved_on = parts[0].office.local_date(release.outage.resolved_at) if parts else None
        self.stdout.write(
            f"Outage #{release.outage_id} resolved on {resolved_on or '-'} (today). Release #{release.pk} gave each "
            "held case a day, in the order"
        )
        self.stdout.write("the cases became ready, against its office's working days and daily capacity:")
        self.stdout.write(f"  {'office':<6}  {'cases':>6}  {'days':>4}  clears on")
        for part in parts:
            days = max(len(entries) for entries in part.plan.values())
            self.stdout.write(f"  {part.office.code:<6}  {part.total:>6}  {days:>4}  {part.clears_on:%Y-%m-%d}")
        last = max((part.clears_on for part in parts), default=None)
        total = sum(part.total for part in parts)
        self.stdout.write(f"  {'total':<6}  {total:>6}  {'':>4}  {f'{last:%Y-%m-%d}' if last else '-'}")
        messages = Notification.objects.filter(
            Q(dedupe_key__endswith=f":release{release.pk}") | Q(dedupe_key__contains=f":release{release.pk}:")
        ).count()
        self.stdout.write("")
        self.stdout.write(
            f"{total} cases at {len(parts)} offices released; {messages} messages stored with their new dates "
            "(to each applicant, foreigner and sponsor)."
        )

"""The release of a backlog: which held cases each office serves on which day after an outage.

Resolving an outage creates its ``Release`` in the same transaction. The release job then, per
office, enlists the cases no longer held (``ReleaseEntry``, numbered in the order they became
ready), fixes a plan of how many the office serves on each day (``ReleaseOffice.plan``) and gives
each entry its date from that plan in chunks. Every step is a function of what is already stored,
so running it again, or after a crash, changes nothing that is done.
"""

from datetime import date

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKind, kind_named
from casework.models import Case
from offices.models import Capability, Office, Outage


@pghistory.track()
class RecoveryCapacity(models.Model):
    """Extra capacity an office head sets for a recovery period: overtime and Saturday sessions."""

    office = models.ForeignKey(Office, models.PROTECT, related_name="recovery_capacities", verbose_name=_("office"))
    kind = models.CharField(_("queue"), max_length=10, choices=CaseKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    weekday_extra = models.PositiveIntegerField(
        _("overtime: extra cases a working day"), default=0, help_text=_("Added to the daily capacity.")
    )
    saturday = models.PositiveIntegerField(
        _("Saturday session: cases"), default=0, help_text=_("Cases served on each Saturday; 0: closed.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery capacity")
        verbose_name_plural = _("recovery capacities")
        ordering = ["office", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="recovery_capacity_period"),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.kind} {self.starts_on}..{self.ends_on}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Release(models.Model):
    """The release of what one outage held; created with the outage's resolution."""

    outage = models.OneToOneField(Outage, models.PROTECT, related_name="release", verbose_name=_("outage"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    enlisted_at = models.DateTimeField(_("every office counted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{_('release')} #{self.pk} ({self.outage})"


class ReleaseOffice(models.Model):
    """One office's part of a release: its entries, its day plan, its progress and its pause."""

    release = models.ForeignKey(Release, models.CASCADE, related_name="offices", verbose_name=_("release"))
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    enlisted_at = models.DateTimeField(_("backlog counted at"), null=True, blank=True)
    total = models.PositiveIntegerField(_("cases"), default=0)
    scheduled = models.PositiveIntegerField(_("scheduled"), default=0)
    # {kind: [[ISO date, cases that day], ...]}: fixed when the entries are enlisted.
    plan = models.JSONField(_("plan"), default=dict, blank=True)
    # {kind: {ISO date: cases}}: the plan's places given back by withdrawn entries, free for the
    # next release of the office. The plan itself stays as fixed: the job dates by it.
    freed = models.JSONField(_("places given back"), default=dict, blank=True)
    paused = models.BooleanField(_("paused"), default=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("office release")
        verbose_name_plural = _("office releases")
        ordering = ["release", "office__code"]
        constraints = [
            models.UniqueConstraint(fields=["release", "office"], name="release_office_unique"),
            models.CheckConstraint(condition=Q(scheduled__lte=models.F("total")), name="release_office_progress"),
        ]

    def __str__(self) -> str:
        return f"#{self.release_id} {self.office.code}: {self.scheduled}/{self.total}"

    @property
    def state(self) -> str:
        if self.finished_at:
            return "done"
        if self.paused:
            return "paused"
        if self.enlisted_at:
            return "scheduling"
        return "pending"

    @property
    def clears_on(self) -> date | None:
        """The last day of the plan: when this office's released backlog is served."""
        days = [day for entries in self.plan.values() for day, _count in entries]
        return date.fromisoformat(max(days)) if days else None

    def booked(self, kind: str) -> list[tuple[date, int]]:
        """The cases of ``kind`` the plan still holds places for, per day: the plan less what was given back."""
        freed = self.freed.get(kind, {})
        days = [(date.fromisoformat(day), count - freed.get(day, 0)) for day, count in self.plan.get(kind, [])]
        return [(day, count) for day, count in days if count > 0]


class ReleaseEntry(models.Model):
    """A held case in a release, its place in its office's queue and the day it is served.

    The case is named by its kind (``kind``, a registered ``casework.kinds`` name, which says the
    table) and its id there (``case_id``), not by a foreign key per kind: a new kind of case adds
    no column or constraint here. Its ``reference``, which never changes after intake, is copied
    when the entry is enlisted, so the queue and the admin show it without reading the case.
    """

    release_office = models.ForeignKey(ReleaseOffice, models.CASCADE, related_name="entries")
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    kind = models.CharField(_("queue"), max_length=10, choices=CaseKind.choices)
    # The id of the case in its kind's table. Cases are never deleted (they are cancelled), so
    # no foreign key has anything to protect.
    case_id = models.BigIntegerField(_("case"))
    reference = models.CharField(_("reference"), max_length=Case._meta.get_field("reference").max_length)
    capability = models.CharField(_("step needs"), max_length=30, choices=Capability.choices)
    ready_at = models.DateTimeField(_("ready since"))
    position = models.PositiveIntegerField(_("place in the queue"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    # Set when the case leaves the step it was held for (worked, rejected or cancelled).
    worked_at = models.DateTimeField(_("worked at"), null=True, blank=True)
    # Set when a later outage holds the case again: its day no longer holds, the later release dates it.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("released case")
        verbose_name_plural = _("released cases")
        ordering = ["expected_on", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["release_office", "kind", "position"], name="release_entry_position"),
            models.UniqueConstraint(fields=["release_office", "kind", "case_id"], name="release_entry_case"),
        ]
        indexes = [
            # A case's entries, in every release: marked worked when it leaves its step, found by
            # the reports' joins from the case tables.
            models.Index(fields=["kind", "case_id"], name="release_entry_case_idx"),
            # Staff's queue: an office's released cases still to be worked, by date.
            models.Index(
                fields=["office", "expected_on", "position"],
                condition=Q(worked_at__isnull=True),
                name="release_entry_queue_idx",
            ),
            # The chunks of the job: entries still without a date.
            models.Index(
                fields=["release_office", "kind", "position"],
                condition=Q(expected_on__isnull=True),
                name="release_entry_unscheduled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} → {self.expected_on or '…'}"

    @property
    def case(self) -> Case:
        """The case, read from its kind's table: one query at each use, nothing cached.

        Lists read ``reference`` and ``case_id`` instead, which cost nothing.
        """
        return kind_named(self.kind).model._default_manager.get(pk=self.case_id)


class BacklogOffice(Office):
    """An office seen through its backlog: the admin's list of held cases per office."""

    class Meta:
        proxy = True
        verbose_name = _("backlog")
        verbose_name_plural = _("backlog")


class OutageImpact(Outage):
    """An outage seen through its impact: offices, held cases, peak backlog and clearing dates."""

    class Meta:
        proxy = True
        verbose_name = _("outage impact")
        verbose_name_plural = _("outage impact")


class BacklogPeak(models.Model):
    """The most cases one outage held at once at one office, and when it first held that many.

    Raised as the outage runs, whenever cases become held (its declaration, a case reaching a step
    it blocks), never lowered: a case worked or cancelled later leaves the peak where it was.
    """

    outage = models.ForeignKey(Outage, models.CASCADE, related_name="backlog_peaks", verbose_name=_("outage"))
    office = models.ForeignKey(Office, models.PROTECT, related_name="+", verbose_name=_("office"))
    held = models.PositiveIntegerField(_("cases held at once"))
    reached_at = models.DateTimeField(_("reached at"))

    class Meta:
        verbose_name = _("backlog peak")
        verbose_name_plural = _("backlog peaks")
        ordering = ["outage", "office"]
        constraints = [models.UniqueConstraint(fields=["outage", "office"], name="backlog_peak_unique")]

    def __str__(self) -> str:
        return f"#{self.outage_id} {self.office_id}: {self.held}"

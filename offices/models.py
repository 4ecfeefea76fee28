"""Regions, offices and the memberships that give users a role at a scope."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices.roles import OFFICE_ROLES, Role
from plumbing.limits import NOTE_MAX_LENGTH


class OfficeClass(models.TextChoices):
    KELAS_I_KHUSUS_TPI = "Kelas I Khusus TPI", "Kelas I Khusus TPI"
    KELAS_I_KHUSUS_NON_TPI = "Kelas I Khusus Non TPI", "Kelas I Khusus Non TPI"
    KELAS_I_TPI = "Kelas I TPI", "Kelas I TPI"
    KELAS_I_NON_TPI = "Kelas I Non TPI", "Kelas I Non TPI"
    KELAS_II_TPI = "Kelas II TPI", "Kelas II TPI"
    KELAS_II_NON_TPI = "Kelas II Non TPI", "Kelas II Non TPI"
    KELAS_III_TPI = "Kelas III TPI", "Kelas III TPI"
    KELAS_III_NON_TPI = "Kelas III Non TPI", "Kelas III Non TPI"


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


@pghistory.track()
class Region(models.Model):
    """A province, supervised by one regional office (Kanwil)."""

    code = models.CharField(_("province code"), max_length=2, unique=True, help_text=_("Kemendagri code"))
    name = models.CharField(_("province"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2}$"), name="region_code_two_digits"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Office(models.Model):
    """An immigration office (Kantor Imigrasi), where cases are handled."""

    code = models.CharField(
        _("code"), max_length=5, unique=True, help_text=_("Stable short code, e.g. SMG for Semarang.")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    office_class = models.CharField(_("class"), max_length=30, choices=OfficeClass.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="offices", verbose_name=_("region"))
    city = models.CharField(_("city"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=20, choices=TimeZone.choices)
    tpi = models.BooleanField(_("runs a border checkpoint (TPI)"), default=False)
    passport_capacity = models.PositiveIntegerField(_("passport applications a day"), default=400)
    permit_capacity = models.PositiveIntegerField(_("permit applications a day"), default=20)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.TextField(_("source of the data"), blank=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2,5}$"), name="office_code_uppercase"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_today(self) -> date:
        """The office's own date now: an office's day is its local day."""
        return timezone.localdate(timezone=self.zone)

    def local_date(self, moment: datetime) -> date:
        return timezone.localtime(moment, self.zone).date()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Membership(models.Model):
    """A user's role at a scope: one office, one region, or (neither) the whole nation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    office = models.ForeignKey(
        Office, models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("office")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("region")
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role"]
        constraints = [
            # Where each role may be held; the database refuses any other combination.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role__in=sorted(OFFICE_ROLES), office__isnull=False, region__isnull=True)
                    | Q(role=Role.REGIONAL_SUPERVISOR, office__isnull=True, region__isnull=False)
                    | Q(role=Role.NATIONAL_ADMIN, office__isnull=True, region__isnull=True)
                    | (Q(role=Role.API_CLIENT) & ~Q(office__isnull=False, region__isnull=False))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "office", "region"], nulls_distinct=False, name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.office_id:
            return self.office.code
        if self.region_id:
            return str(self.region)
        return str(_("national"))


class Capability(models.TextChoices):
    """What the central services provide, and an outage can take down."""

    CENTRAL_RECORDS = "central_records", _("Central records (adjudication)")
    PRINTING = "printing", _("Passport printing")
    PERMIT_ISSUANCE = "permit_issuance", _("Stay permit issuance")
    EXPRESS_SERVICE = "express_service", _("Express (same-day) service")


class CapabilityState(models.Model):
    """One row per office and capability: the lock that orders issuance against declarations.

    A transition needing a capability reads its office's row ``FOR SHARE``; declaring or resolving
    an outage locks the rows it covers ``FOR UPDATE``. The rows always exist (created with the
    office) and are locked whatever the state, so no issuance commits after a declaration has.
    """

    office = models.ForeignKey(Office, models.CASCADE, related_name="capability_states")
    capability = models.CharField(max_length=30, choices=Capability.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "capability"], name="capability_state_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.capability}"


class OutageScope(models.TextChoices):
    NATIONAL = "national", _("National")
    REGION = "region", _("Region")
    OFFICE = "office", _("Office")


# Which offices an outage covers: a national outage every office, a region's the offices of that
# region, an office's that office. This is the one rule, in each form the code needs: a condition on
# offices or on rows that have one (``outage_coverage``), the outages covering an office
# (``OutageQuerySet.covering``), an outage in memory (``Outage.covers``) and raw SQL
# (``outage_covering_sql``); tests/offices/test_outage_coverage.py holds them equal over every scope
# and every kind of office. Whether an office is in service is not part of it: what acts on the
# offices an outage covers takes the active ones (``offices.outages.outage_offices``).


def outage_coverage(*, scope: str, region_id: int | None, office_id: int | None, prefix: str = "") -> Q:
    """The offices an outage of ``scope`` covers, as a condition on offices (``prefix`` "") or on
    rows that have an office (``prefix`` "office__")."""
    if scope == OutageScope.REGION:
        return Q(**{f"{prefix}region_id": region_id})
    if scope == OutageScope.OFFICE:
        return Q(**{f"{prefix}pk": office_id})
    return Q()


def outage_covering_sql(alias: str) -> str:
    """``OutageQuerySet.covering`` in SQL, for the outage table aliased ``alias``; it takes the
    office's id and its region's as the named parameters ``office`` and ``region``."""
    return (
        f"({alias}.scope = '{OutageScope.NATIONAL.value}' "
        f"OR ({alias}.scope = '{OutageScope.REGION.value}' AND {alias}.region_id = %(region)s) "
        f"OR ({alias}.scope = '{OutageScope.OFFICE.value}' AND {alias}.office_id = %(office)s))"
    )


class OutageQuerySet(models.QuerySet):
    def active(self) -> "OutageQuerySet":
        return self.filter(resolved_at__isnull=True)

    def blocking(self) -> "OutageQuerySet":
        """Outages that take their capabilities down; the others only reduce them."""
        return self.filter(capacity_percent__isnull=True)

    def degrading(self) -> "OutageQuerySet":
        """Outages that leave their capabilities up at a share of normal capacity."""
        return self.filter(capacity_percent__isnull=False)

    def covering(self, offices: Office | models.QuerySet[Office]) -> "OutageQuerySet":
        """Outages whose scope includes ``offices`` (one office, or any office of a queryset)."""
        region_ids: Collection[int] | models.QuerySet[Office, Any]
        office_ids: Collection[int] | models.QuerySet[Office, Any]
        if isinstance(offices, Office):
            region_ids, office_ids = [offices.region_id], [offices.pk]
        else:
            region_ids, office_ids = offices.values("region_id"), offices.values("pk")
        return self.filter(
            Q(scope=OutageScope.NATIONAL)
            | Q(scope=OutageScope.REGION, region_id__in=region_ids)
            | Q(scope=OutageScope.OFFICE, office_id__in=office_ids)
        )


@pghistory.track()
class Outage(models.Model):
    """A declared loss of central capabilities, nationally, for a region or for one office."""

    scope = models.CharField(_("scope"), max_length=10, choices=OutageScope.choices)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="outages", verbose_name=_("region")
    )
    office = models.ForeignKey(
        Office, models.PROTECT, null=True, blank=True, related_name="outages", verbose_name=_("office")
    )
    capabilities = ArrayField(
        models.CharField(max_length=30, choices=Capability.choices), verbose_name=_("capabilities down")
    )
    reason = models.TextField(_("reason"), max_length=NOTE_MAX_LENGTH)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    expected_end = models.DateTimeField(_("expected end"), null=True, blank=True)
    capacity_percent = models.PositiveSmallIntegerField(
        _("remaining capacity (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_(
            "Leave empty when the capabilities are down. For a slowdown, the share of normal daily "
            "capacity that remains (1-99): steps are allowed, and the backlog is scheduled at this rate."
        ),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resolved by")
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), max_length=NOTE_MAX_LENGTH, blank=True)

    objects = OutageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="outage_scope_matches_target",
                condition=(
                    Q(scope=OutageScope.NATIONAL, region__isnull=True, office__isnull=True)
                    | Q(scope=OutageScope.REGION, region__isnull=False, office__isnull=True)
                    | Q(scope=OutageScope.OFFICE, region__isnull=True, office__isnull=False)
                ),
            ),
            models.CheckConstraint(name="outage_has_capabilities", condition=Q(capabilities__len__gt=0)),
            models.CheckConstraint(
                name="outage_capacity_percent_range",
                condition=Q(capacity_percent__isnull=True) | Q(capacity_percent__gte=1, capacity_percent__lte=99),
            ),
            models.CheckConstraint(
                name="outage_resolution_complete",
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["scope"], condition=Q(resolved_at__isnull=True), name="outage_active_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope_label}: {', '.join(self.capabilities)}"

    @property
    def is_active(self) -> bool:
        return self.resolved_at is None

    @property
    def is_degraded(self) -> bool:
        """A slowdown: the capabilities stay up at ``capacity_percent`` of normal capacity."""
        return self.capacity_percent is not None

    def covers(self, office: Office) -> bool:
        """``OutageQuerySet.covering``, for an outage already in memory."""
        if self.scope == OutageScope.NATIONAL:
            return True
        if self.scope == OutageScope.REGION:
            return self.region_id == office.region_id
        return self.office_id == office.pk

    def coverage(self, *, prefix: str = "") -> Q:
        """The offices this outage covers, as a condition (``outage_coverage``)."""
        return outage_coverage(scope=self.scope, region_id=self.region_id, office_id=self.office_id, prefix=prefix)

    @property
    def scope_label(self) -> str:
        if self.scope == OutageScope.OFFICE:
            return self.office.code
        if self.scope == OutageScope.REGION:
            return str(self.region)
        return str(_("national"))

"""Regions, offices and the memberships that give users a role at a scope."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from offices.roles import OFFICE_ROLES, Role


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

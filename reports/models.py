"""The daily rollup: what each office did on each of its own days, counted once for every report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from offices.models import Office


class DailyRollup(models.Model):
    """One number of one office on one office-local day: ``measure`` for ``key`` (``reports.measures``).

    A narrow table (one row per measure and key) so that a new measure or a new application type
    needs no schema change; a missing row means zero.
    """

    office = models.ForeignKey(Office, models.CASCADE, related_name="+", verbose_name=_("office"))
    day = models.DateField(_("day"))
    measure = models.CharField(_("measure"), max_length=40)
    key = models.CharField(_("key"), max_length=60, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        ordering = ["office", "day", "measure", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "measure", "key"], name="daily_rollup_unique"),
        ]
        indexes = [models.Index(fields=["office", "day"], name="daily_rollup_office_day_idx")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.measure}[{self.key}] = {self.value}"


class Dashboard(DailyRollup):
    """The admin's dashboard and report pages (``reports.admin``); its view permission opens them."""

    class Meta:
        proxy = True
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard and reports")

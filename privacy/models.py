"""The personal-data access log: who read whose data, when, from where and through which door.

UU 27/2022 (Pelindungan Data Pribadi) gives every person the right to know who processed their
data. Each read of personal data (a case, an applicant, a foreigner, a sponsor, a list or search
of them, a report or export naming them) writes one row here, refused reads included. The table
is append-only in the database itself: a trigger refuses every UPDATE, and every DELETE except the
purge's (``privacy.services.personal_data_accesses_purge``), which announces itself with a
transaction-local setting.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The transaction-local setting the purge sets before it deletes; the trigger lets a DELETE
# through only when it is on. A custom setting needs a dot in its name.
PURGE_SETTING = "imigrasi.personal_data_purge"


class Door(models.TextChoices):
    ADMIN = "admin", _("admin page")
    API = "api", _("API")
    EXPORT = "export", _("export")
    REPORT = "report", _("report")


class Outcome(models.TextChoices):
    SHOWN = "shown", _("shown")
    REFUSED = "refused", _("refused")


class PersonalDataAccess(models.Model):
    """One request that read personal data, or tried to: one row, however many people it returned."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    # No foreign key constraint and nothing done on deletion: the row outlives the account, and a
    # cascade or SET NULL would be an UPDATE or DELETE the trigger refuses. ``username`` says who.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    address = models.CharField(_("client address"), max_length=64, blank=True)
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    path = models.CharField(_("path"), max_length=500)
    # The office whose records were read, when they were all of one office.
    office = models.ForeignKey(
        "offices.Office",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("office"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SHOWN)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    # NIKs of citizens, passport numbers of foreigners: the people whose data was shown.
    people = ArrayField(models.CharField(max_length=20), default=list, blank=True, verbose_name=_("people"))
    # The filters of a list or search, identifiers masked; the looked-up key of a refused read.
    search = models.JSONField(_("search"), default=dict, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["at"], name="pd_access_at"),
            models.Index(fields=["user", "at"], name="pd_access_user_at"),
            GinIndex(fields=["people"], name="pd_access_people"),
        ]
        triggers = [
            pgtrigger.Protect(name="pd_access_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(
                name="pd_access_no_delete",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition(f"current_setting('{PURGE_SETTING}', true) IS DISTINCT FROM 'on'"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username or '-'} {self.door} {self.path}"

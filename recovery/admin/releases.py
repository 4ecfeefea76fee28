"""Releases in the admin: progress per office, pause and resume, the queue, recovery capacity.

- **Releases**: the releases of the outages the user may see (``outages_visible_to``). A release's
  page is read-only: each office of the user's scope with its cases dated of those released, its
  state and its last day, and a pause or resume button for the offices the user manages. Pausing
  and resuming go through ``release_office_pause`` and ``release_office_resume``, which hold who
  may do them.
- **Released cases**: the queue staff work after an outage, by day, queue and place, for the
  offices of the user's scope. It shows what is still to be worked unless asked for the rest.
- **Recovery capacity**: overtime and Saturday sessions, added through ``recovery_capacity_set``
  by an office's head or supervisor. A period is never edited or deleted: every plan fixed while
  it existed counted on it, and the dates those plans gave applicants stand.
"""

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.admin import CappedCountPaginator, ScopedOfficeFilter
from casework.kinds import kind_named
from offices.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from offices.models import TimeZone
from offices.outages import outages_visible_to
from offices.selectors import offices_with_role, user_scope
from plumbing.refusals import Refusal
from recovery.models import RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice
from recovery.services import (
    MAX_EXTRA_CASES,
    RELEASE_MANAGERS,
    recovery_capacity_set,
    release_office_pause,
    release_office_resume,
)


def _state_label(state: str) -> str:
    labels = {
        "pending": _("pending"),
        "scheduling": _("scheduling"),
        "paused": _("paused"),
        "done": _("done"),
    }
    return str(labels[state])


# Releases ----------------------------------------------------------------------------------------


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Releases of the outages the user may see, with progress counted over the offices they see."""

    not_found_message = _("No such release.")
    list_display = ["id", "outage", "created_at", "progress_display", "offices_done_display", "finished_at"]
    list_display_links = ["id", "outage"]
    list_select_related = ["outage__region", "outage__office"]
    fields = ["outage", "created_at", "enlisted_at", "finished_at"]
    readonly_fields = fields
    change_form_template = "admin/recovery/release/change_form.html"
    show_full_result_count = False

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        """The releases of visible outages, with their offices' progress in the user's scope."""
        visible = outages_visible_to(request.user).order_by().values("pk")
        in_scope = user_scope(request.user).filter_for("offices__office")
        return Release.objects.filter(outage_id__in=visible).annotate(
            total_in_scope=Sum("offices__total", filter=in_scope, default=0),
            scheduled_in_scope=Sum("offices__scheduled", filter=in_scope, default=0),
            offices_in_scope=Count("offices", filter=in_scope),
            offices_done=Count("offices", filter=in_scope & Q(offices__finished_at__isnull=False)),
        )

    @admin.display(description=_("scheduled"))
    def progress_display(self, obj: Release) -> str:
        return f"{obj.scheduled_in_scope} / {obj.total_in_scope}"

    @admin.display(description=_("offices done"))
    def offices_done_display(self, obj: Release) -> str:
        return f"{obj.offices_done} / {obj.offices_in_scope}"

    def release_offices(self, request: HttpRequest, release: Release) -> list[dict[str, Any]]:
        """The release's offices in the user's scope, each with the buttons the user may press."""
        managed = user_scope(request.user, roles=RELEASE_MANAGERS)
        parts = (
            ReleaseOffice.objects.filter(release=release)
            .filter(user_scope(request.user).filter_for("office"))
            .select_related("office")
            .order_by("office__code")
        )
        rows = []
        for part in parts:
            state = part.state
            may_manage = managed.contains(part.office)
            action = {"scheduling": "pause", "pending": "pause", "paused": "resume"}.get(state) if may_manage else None
            rows.append(
                {
                    "part": part,
                    "state": state,
                    "state_label": _state_label(state),
                    "action": action,
                    "action_label": {"pause": _("Pause"), "resume": _("Resume")}.get(action or ""),
                    "action_url": reverse(
                        f"admin:recovery_release_office_{action}",
                        args=[release.pk, part.pk],
                        current_app=self.admin_site.name,
                    )
                    if action
                    else None,
                }
            )
        return rows

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        release = self.get_scoped_object_or_404(request, object_id)
        rows = self.release_offices(request, release)
        try:
            impact_url = reverse(
                "admin:recovery_outageimpact_change", args=[release.outage_id], current_app=self.admin_site.name
            )
        except NoReverseMatch:
            impact_url = None
        days = [row["part"].clears_on for row in rows if row["part"].clears_on]
        context = {
            "release_offices": rows,
            "release_totals": {
                "total": sum(row["part"].total for row in rows),
                "scheduled": sum(row["part"].scheduled for row in rows),
                "clears_on": max(days) if days else None,
            },
            "impact_url": impact_url,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/offices/<int:part_id>/pause/",
                self.admin_site.admin_view(self.pause_view),
                name="recovery_release_office_pause",
            ),
            path(
                "<path:object_id>/offices/<int:part_id>/resume/",
                self.admin_site.admin_view(self.resume_view),
                name="recovery_release_office_resume",
            ),
            *super().get_urls(),
        ]

    def pause_view(self, request: HttpRequest, object_id: str, part_id: int) -> HttpResponse:
        return self._office_action(request, object_id, part_id, release_office_pause, _("Paused %(office)s."))

    def resume_view(self, request: HttpRequest, object_id: str, part_id: int) -> HttpResponse:
        return self._office_action(request, object_id, part_id, release_office_resume, _("Resumed %(office)s."))

    def _office_action(self, request: HttpRequest, object_id: str, part_id: int, act: Any, done: str) -> HttpResponse:
        """Pause or resume one office: 404 outside the user's sight, 403 for those not managing it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self.get_scoped_object_or_404(request, object_id)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        part = (
            ReleaseOffice.objects.filter(release=release, pk=part_id)
            .filter(user_scope(request.user).filter_for("office"))
            .select_related("office")
            .first()
        )
        if part is None:
            raise Http404(_("No such office in this release."))
        try:
            act(actor=request.user, part=part)
        except Refusal as refusal:
            messages.error(request, str(refusal.detail))
        else:
            messages.success(request, done % {"office": part.office.code})
        return HttpResponseRedirect(
            reverse("admin:recovery_release_change", args=[release.pk], current_app=self.admin_site.name)
        )


# The queue ---------------------------------------------------------------------------------------


class WorkedFilter(admin.SimpleListFilter):
    """Still to be worked unless asked otherwise: the queue is what is left to do."""

    title = _("worked")
    parameter_name = "worked"
    default = "no"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("no", _("Still to be worked")), ("yes", _("Worked")), ("all", _("All"))]

    def choices(self, changelist: Any) -> Any:
        # No "All" link of the admin's own: it would mean the default, "still to be worked".
        current = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[ReleaseEntry]) -> QuerySet[ReleaseEntry]:
        value = self.value() or self.default
        if value == "all":
            return queryset
        if value == "no":  # a withdrawn entry is not to be worked: a later release dates its case
            return queryset.filter(worked_at__isnull=True, withdrawn_at__isnull=True)
        return queryset.filter(worked_at__isnull=False)


class ExpectedDateFilter(admin.SimpleListFilter):
    """Days relative to each office's own today, whatever zone the office is in."""

    title = _("expected on")
    parameter_name = "expected"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Before today")),
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("Next 7 days")),
            ("later", _("Later")),
        ]

    @staticmethod
    def _range(value: str, today: date) -> Q:
        week_on = today + timedelta(days=7)
        ranges = {
            "overdue": Q(expected_on__lt=today),
            "today": Q(expected_on=today),
            "tomorrow": Q(expected_on=today + timedelta(days=1)),
            "week": Q(expected_on__gte=today, expected_on__lt=week_on),
            "later": Q(expected_on__gte=week_on),
        }
        return ranges[value]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ReleaseEntry]) -> QuerySet[ReleaseEntry]:
        if self.value() not in dict(self.lookup_choices):
            return queryset
        condition = Q(pk__in=[])
        for zone in TimeZone.values:
            today = timezone.localdate(timezone=ZoneInfo(zone))
            condition |= Q(office__timezone=zone) & self._range(self.value(), today)
        return queryset.filter(condition)


@admin.register(ReleaseEntry)
class ReleaseEntryAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The released cases of the offices in the user's scope, in the order to work them.

    An entry is listed once the job has given it its day. A page costs the same at any size: no
    full count, the cases read in the list's one query.
    """

    not_found_message = _("No such released case.")
    list_display = [
        "expected_on",
        "kind",
        "position",
        "case_link",
        "capability",
        "ready_since",
        "office",
        "worked_at",
        "withdrawn_at",
    ]
    list_display_links = None
    list_filter = [WorkedFilter, ("office", ScopedOfficeFilter), ExpectedDateFilter, "kind"]
    list_select_related = ["office"]
    ordering = ["expected_on", "kind", "position", "id"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 100

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[ReleaseEntry]:
        return super().scoped_queryset(request).filter(expected_on__isnull=False)

    @admin.display(description=_("case"))
    def case_link(self, obj: ReleaseEntry) -> str:
        """A link to the case from what the entry holds: no query per row."""
        meta = kind_named(obj.kind).model._meta
        url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.case_id], current_app=self.admin_site.name
        )
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description=_("ready since"), ordering="ready_at")
    def ready_since(self, obj: ReleaseEntry) -> str:
        """In the office's own time, as its staff read it."""
        return dateformat.format(timezone.localtime(obj.ready_at, obj.office.zone), "Y-m-d H:i T")


# Recovery capacity -------------------------------------------------------------------------------


class RecoveryCapacityForm(forms.ModelForm):
    """Adds through ``recovery_capacity_set``; a refusal lands on the form, nothing is written."""

    actor: Any = None

    weekday_extra = forms.IntegerField(
        label=RecoveryCapacity._meta.get_field("weekday_extra").verbose_name,
        help_text=RecoveryCapacity._meta.get_field("weekday_extra").help_text,
        min_value=0,
        max_value=MAX_EXTRA_CASES,
        initial=0,
    )
    saturday = forms.IntegerField(
        label=RecoveryCapacity._meta.get_field("saturday").verbose_name,
        help_text=RecoveryCapacity._meta.get_field("saturday").help_text,
        min_value=0,
        max_value=MAX_EXTRA_CASES,
        initial=0,
    )

    class Meta:
        model = RecoveryCapacity
        fields = ["office", "kind", "starts_on", "ends_on", "weekday_extra", "saturday"]

    def _post_clean(self) -> None:
        # Replaces the model validation of a ModelForm: the service checks the period, the
        # overlap and who may add it, under the office's lock.
        if self._errors:
            return
        try:
            self.instance = recovery_capacity_set(actor=self.actor, **self.cleaned_data)
        except PermissionDenied as denial:
            self.add_error("office", str(denial) or _("You may not add capacity at this office."))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)


@admin.register(RecoveryCapacity)
class RecoveryCapacityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = RecoveryCapacityForm
    not_found_message = _("No such recovery capacity.")
    list_display = ["office", "kind", "starts_on", "ends_on", "weekday_extra", "saturday", "created_by", "created_at"]
    list_filter = [("office", ScopedOfficeFilter), "kind"]
    list_select_related = ["office", "created_by"]
    ordering = ["-starts_on", "office__code", "id"]
    record_fields = ["office", "kind", "starts_on", "ends_on", "weekday_extra", "saturday", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not user_scope(request.user, roles=RELEASE_MANAGERS).is_empty

    def has_change_permission(self, request: HttpRequest, obj: RecoveryCapacity | None = None) -> bool:
        # Never edited: plans fixed while it existed counted on it as it was.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RecoveryCapacity | None = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: RecoveryCapacity | None = None) -> list[str]:
        return list(RecoveryCapacityForm.Meta.fields) if obj is None else self.record_fields

    def get_readonly_fields(self, request: HttpRequest, obj: RecoveryCapacity | None = None) -> list[str]:
        return [] if obj is None else self.record_fields

    def get_form(
        self, request: HttpRequest, obj: RecoveryCapacity | None = None, change: bool = False, **kwargs: Any
    ) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name == "office":
            kwargs["queryset"] = offices_with_role(request.user, roles=RELEASE_MANAGERS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: RecoveryCapacity, form: forms.ModelForm, change: bool) -> None:
        """Nothing to save: ``RecoveryCapacityForm`` added the period through the service."""

"""The backlog in the admin: held cases per office and capability, for heads and supervisors.

The list shows the offices of the user's backlog scope (``offices.selectors.overseen_scope``) that
hold cases, with the cases held for each capability and the oldest ready moment, in the office's
own time. Its numbers come from ``backlog_visible_to``, read once per page, so the list costs the
same whatever the number of offices or cases. Each office links to its held cases in fair order
(ready since, then id), the order its release will serve them, each linking to the case's page.
Nothing is added, changed or deleted here.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.kinds import kind_named, kinds
from offices.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from offices.models import Capability, Office, Region
from offices.selectors import overseen_scope
from recovery.backlog import backlog_visible_to, held_cases_visible_to
from recovery.models import BacklogOffice

CASES_PER_PAGE = 100


def held_capabilities() -> list[Capability]:
    """The capabilities a held case can wait for, in the order of ``Capability``: one column each."""
    return [capability for capability in Capability if any(capability in kind.capabilities for kind in kinds())]


def office_moment(moment: datetime | None, office: Office) -> str:
    """A moment in the office's own time, with its zone: 2024-06-20 09:00 WIB."""
    if moment is None:
        return "—"
    return timezone.localtime(moment, office.zone).strftime("%Y-%m-%d %H:%M %Z")


@dataclass
class OfficeBacklog:
    """One office's line of the list: cases held per capability (both kinds) and the oldest."""

    held: dict[str, int] = field(default_factory=dict)
    oldest: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.held.values())


def _backlog(request: HttpRequest) -> dict[int, OfficeBacklog]:
    """The backlog of the user's scope by office id, read once per request."""
    cached = getattr(request, "_recovery_backlog", None)
    if cached is None:
        cached = {}
        for row in backlog_visible_to(request.user):
            line = cached.setdefault(row.office.pk, OfficeBacklog())
            line.held[row.capability] = line.held.get(row.capability, 0) + row.held
            line.oldest = row.oldest_ready_at if line.oldest is None else min(line.oldest, row.oldest_ready_at)
        request._recovery_backlog = cached
    return cached


class BacklogRegionFilter(admin.SimpleListFilter):
    """The regions of the offices listed."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        offices = Office.objects.filter(pk__in=sorted(_backlog(request))).values("region_id")
        return [(str(region.pk), region.name) for region in Region.objects.filter(pk__in=offices).order_by("name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(region_id=int(value))
        return queryset


class BacklogCapabilityFilter(admin.SimpleListFilter):
    """Offices holding cases that wait for one capability."""

    title = _("waiting for")
    parameter_name = "capability"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(capability.value, capability.label) for capability in held_capabilities()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value not in Capability.values:
            return queryset
        offices = [office_id for office_id, line in _backlog(request).items() if line.held.get(value)]
        return queryset.filter(pk__in=offices)


def _capability_column(capability: Capability) -> Any:
    @admin.display(description=capability.label)
    def column(obj: BacklogOffice) -> int:
        return _line(obj).held.get(capability.value, 0)

    column.__name__ = f"held_{capability.value}"
    return column


def _line(obj: BacklogOffice) -> OfficeBacklog:
    return getattr(obj, "backlog", None) or OfficeBacklog()


@admin.register(BacklogOffice)
class BacklogOfficeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The offices holding cases, each with its held cases per capability and the oldest."""

    list_display = ["office_display", "region_display", "total_display", "oldest_display"]
    list_display_links = None
    list_filter = [BacklogRegionFilter, BacklogCapabilityFilter]
    list_select_related = ["region"]
    ordering = ["code"]
    show_full_result_count = False
    not_found_message = _("No such office.")
    change_list_template = "admin/recovery/backlog/change_list.html"
    cases_template = "admin/recovery/backlog/office_cases.html"

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[BacklogOffice]:
        """The offices of the user's backlog scope: heads, supervisors, national administrators."""
        return BacklogOffice.objects.filter(overseen_scope(request.user).filter_for(""))

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """A column per held capability, after the office: the kinds are known only once the apps are ready."""
        office, region, *rest = self.list_display
        return [office, region, *(_capability_column(capability) for capability in held_capabilities()), *rest]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BacklogOffice]:
        """Only the offices holding cases: those are the backlog."""
        return super().get_queryset(request).filter(pk__in=sorted(_backlog(request)))

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        backlog = _backlog(request)
        for office in changelist.result_list:
            office.backlog = backlog.get(office.pk)
        return changelist

    def cases_url(self, office: Office) -> str:
        return reverse("admin:recovery_backlogoffice_cases", args=[office.pk], current_app=self.admin_site.name)

    @admin.display(description=_("office"), ordering="code")
    def office_display(self, obj: BacklogOffice) -> str:
        return format_html('<a href="{}">{}</a>', self.cases_url(obj), obj)

    @admin.display(description=_("region"), ordering="region__name")
    def region_display(self, obj: BacklogOffice) -> str:
        return obj.region.name

    @admin.display(description=_("cases held"))
    def total_display(self, obj: BacklogOffice) -> int:
        return _line(obj).total

    @admin.display(description=_("ready since (oldest)"))
    def oldest_display(self, obj: BacklogOffice) -> str:
        return office_moment(_line(obj).oldest, obj)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/cases/",
                self.admin_site.admin_view(self.cases_view),
                name="recovery_backlogoffice_cases",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """An office's page in the backlog is the list of its held cases."""
        return HttpResponseRedirect(self.cases_url(self._office_or_404(request, object_id)))

    def _office_or_404(self, request: HttpRequest, object_id: str) -> BacklogOffice:
        """The office if it is in the user's backlog scope, held cases or not; else 404."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        office = None
        if object_id.isdigit():
            office = self.scoped_queryset(request).filter(pk=int(object_id)).first()
        if office is None:
            raise Http404(self.not_found_message)
        return office

    def cases_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The office's held cases in fair order, a page at a time, each linking to its case."""
        office = self._office_or_404(request, object_id)
        held = held_cases_visible_to(request.user, office=office)
        page = Paginator(held.ordered(), CASES_PER_PAGE).get_page(request.GET.get("p"))
        cases = [
            self._case_line(request, row, office=office, held_by=held.held_by(row), position=position)
            for position, row in enumerate(page.object_list, start=page.start_index())
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": office,
            "title": _("Held cases at %(office)s") % {"office": office},
            "office": office,
            "cases": cases,
            "page": page,
            "changelist_url": reverse("admin:recovery_backlogoffice_changelist", current_app=self.admin_site.name),
            "outage_url_name": "admin:offices_outage_change" if request.user.has_perm("offices.view_outage") else "",
        }
        return TemplateResponse(request, self.cases_template, context)

    def _case_line(
        self, request: HttpRequest, row: dict, *, office: Office, held_by: tuple[int, ...], position: int
    ) -> dict[str, Any]:
        kind = kind_named(row["kind"])
        meta = kind.model._meta
        url = None
        if request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            url = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_change", args=[row["id"]], current_app=self.admin_site.name
            )
        return {
            "position": position,
            "reference": row["reference"],
            "url": url,
            "kind": kind.label,
            "status": dict(meta.get_field("status").choices).get(row["status"], row["status"]),
            "waiting_for": Capability(row["awaiting"]).label,
            "ready_at": office_moment(row["ready_at"], office),
            "held_by": held_by,
        }

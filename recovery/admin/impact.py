"""The impact of each outage in the admin.

The list shows the outages the user may see (``outages_visible_to``) with the cases each held at
the offices of the user's scope, counted in the list's one query. An outage's page is not a form:
it is the impact (``recovery.impact.outage_impact``) as a table of offices, read-only. Nothing is
added, changed or deleted here; outages are declared and resolved on their own admin.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offices.admin_outages import ActiveFilter
from offices.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from offices.models import Capability, Outage
from offices.outages import outages_visible_to
from offices.selectors import user_scope
from recovery.impact import outage_impact, outages_with_held
from recovery.models import OutageImpact


@admin.register(OutageImpact)
class OutageImpactAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    not_found_message = _("No such outage.")
    list_display = ["id", "scope_label", "capabilities_display", "declared_at", "resolved_at", "held_display"]
    list_display_links = ["id", "scope_label"]
    list_filter = [ActiveFilter, "scope"]
    search_fields = ["reason"]
    show_full_result_count = False
    impact_template = "admin/recovery/outageimpact/impact.html"

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[OutageImpact]:
        visible = outages_visible_to(request.user).values("pk")
        outages = OutageImpact.objects.filter(pk__in=visible).select_related("region", "office")
        return outages_with_held(outages, scope=user_scope(request.user))

    @admin.display(description=_("scope"))
    def scope_label(self, obj: Outage) -> str:
        return obj.scope_label

    @admin.display(description=_("capabilities down"))
    def capabilities_display(self, obj: Outage) -> str:
        return ", ".join(str(Capability(capability).label) for capability in obj.capabilities)

    @admin.display(description=_("cases held"), ordering="held_total")
    def held_display(self, obj: Outage) -> int:
        return obj.held_total

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The impact page, in place of a change form: there is nothing to change."""
        outage = self.get_scoped_object_or_404(request, object_id)
        if not self.has_view_permission(request, outage):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": outage,
            "title": _("Impact of outage %(outage)s") % {"outage": outage},
            "impact": outage_impact(outage, scope=user_scope(request.user)),
            "outage_url": reverse("admin:offices_outage_change", args=[outage.pk], current_app=self.admin_site.name)
            if request.user.has_perm("offices.view_outage")
            else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.impact_template, context)

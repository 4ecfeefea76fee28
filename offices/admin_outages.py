"""Admin for outages: everyone sees those that concern them, managers declare and resolve.

Declaring goes through ``outage_declare`` and resolving through ``outage_resolve``, so the admin
takes the same capability locks and the same permission rule (``outage_can_manage``) as the API.
An outage is never edited or deleted: its record is what the held cases point to.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from offices.admin_scope import ScopedAdminMixin
from offices.models import Capability, Outage, OutageScope, Region
from offices.outages import outage_can_manage, outage_declare, outage_resolve, outages_visible_to
from offices.roles import Role
from offices.selectors import offices_visible_to, user_scope
from plumbing.limits import NOTE_MAX_LENGTH
from plumbing.refusals import Refusal

_TARGET_OF_SCOPE = {OutageScope.REGION: "region", OutageScope.OFFICE: "office"}


class OutageDeclareForm(forms.ModelForm):
    """Declares through ``outage_declare``; a refusal lands on the form, nothing is written."""

    actor: Any = None

    capabilities = forms.MultipleChoiceField(
        label=_("capabilities down"), choices=Capability.choices, widget=forms.CheckboxSelectMultiple
    )
    # The bounds on the field itself, so that 0 or 100 is an error next to the input rather than
    # the database constraint's message at the top of the form.
    capacity_percent = forms.IntegerField(
        label=Outage._meta.get_field("capacity_percent").verbose_name,
        help_text=Outage._meta.get_field("capacity_percent").help_text,
        required=False,
        min_value=1,
        max_value=99,
    )

    class Meta:
        model = Outage
        fields = ["scope", "region", "office", "capabilities", "reason", "expected_end", "capacity_percent"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Only the target the scope names is kept, so a leftover choice never trips the database's
        # scope constraint with a message nobody can act on.
        target = _TARGET_OF_SCOPE.get(cleaned.get("scope"))
        for name in ("region", "office"):
            if name != target:
                cleaned[name] = None
            elif not cleaned.get(name):
                self.add_error(name, ValidationError(_("Required for this scope."), code="required"))
        return cleaned

    def _post_clean(self) -> None:
        # Replaces the model validation of a ModelForm: the service validates, checks the
        # declarer's scope and takes the capability locks in one transaction.
        if self._errors:
            return
        data = self.cleaned_data
        try:
            self.instance = outage_declare(
                actor=self.actor,
                scope=data["scope"],
                capabilities=list(data["capabilities"]),
                reason=data["reason"],
                region=data["region"],
                office=data["office"],
                expected_end=data["expected_end"],
                capacity_percent=data["capacity_percent"],
            )
        except PermissionDenied as denial:
            self.add_error(None, str(denial) or _("You may not declare an outage for this scope."))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("resolution note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=widgets.AdminTextareaWidget(attrs={"rows": 3}),
    )


class ActiveFilter(admin.SimpleListFilter):
    title = _("active")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("yes", _("Active")), ("no", _("Resolved"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Outage]) -> QuerySet[Outage]:
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "yes")
        return queryset


@admin.register(Outage)
class OutageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = OutageDeclareForm
    not_found_message = _("No such outage.")
    list_display = [
        "id",
        "scope_label",
        "capabilities_display",
        "capacity_display",
        "reason",
        "declared_by",
        "declared_at",
        "expected_end",
        "is_active_display",
        "resolved_at",
    ]
    list_display_links = ["id", "scope_label"]
    list_filter = [ActiveFilter, "scope"]
    list_select_related = ["region", "office", "declared_by", "resolved_by"]
    search_fields = ["reason"]
    radio_fields = {"scope": admin.HORIZONTAL}
    change_form_template = "admin/offices/outage/change_form.html"
    resolve_form_template = "admin/offices/outage/resolve_form.html"
    declare_fields = ["scope", "region", "office", "capabilities", "capacity_percent", "reason", "expected_end"]
    record_fields = [
        "scope_label",
        "capabilities_display",
        "capacity_display",
        "reason",
        "declared_by",
        "declared_at",
        "expected_end",
        "resolved_by",
        "resolved_at",
        "resolution_note",
    ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Outage]:
        return outages_visible_to(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Outage | None = None) -> bool:
        # The record is never edited; resolving is its own page (see ``resolve_view``).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Outage | None = None) -> bool:
        return False

    def may_resolve(self, request: HttpRequest, outage: Outage) -> bool:
        return (
            outage.is_active
            and super().has_change_permission(request, outage)
            and outage_can_manage(actor=request.user, scope=outage.scope, region=outage.region, office=outage.office)
        )

    def get_fields(self, request: HttpRequest, obj: Outage | None = None) -> list[str]:
        return self.declare_fields if obj is None else self.record_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Outage | None = None) -> list[str]:
        return [] if obj is None else self.record_fields

    def get_form(self, request: HttpRequest, obj: Outage | None = None, change: bool = False, **kwargs: Any) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name == "office":
            kwargs["queryset"] = offices_visible_to(request.user)
        elif db_field.name == "region":
            scope = user_scope(request.user, roles={Role.NATIONAL_ADMIN, Role.REGIONAL_SUPERVISOR})
            regions = Region.objects.all()
            kwargs["queryset"] = regions if scope.everything else regions.filter(pk__in=sorted(scope.region_ids))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Outage, form: forms.ModelForm, change: bool) -> None:
        """Nothing to save: ``OutageDeclareForm`` declared the outage through the service."""

    @admin.display(description=_("scope"))
    def scope_label(self, obj: Outage) -> str:
        return obj.scope_label

    @admin.display(description=_("capabilities down"))
    def capabilities_display(self, obj: Outage) -> str:
        return ", ".join(str(Capability(capability).label) for capability in obj.capabilities)

    @admin.display(description=_("remaining capacity (%)"))
    def capacity_display(self, obj: Outage) -> str:
        """A slowdown's remaining share; "down" for an outage that blocks, so the two never look alike."""
        return f"{obj.capacity_percent}%" if obj.is_degraded else str(_("down"))

    @admin.display(description=_("active"), boolean=True)
    def is_active_display(self, obj: Outage) -> bool:
        return obj.is_active

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        outage = self.get_scoped_object_or_404(request, object_id)
        context = {
            "resolve_url": reverse("admin:offices_outage_resolve", args=[outage.pk], current_app=self.admin_site.name)
            if self.may_resolve(request, outage)
            else None,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="offices_outage_resolve",
            ),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Resolve through ``outage_resolve``, with a note saying what came back and how."""
        outage = self.get_scoped_object_or_404(request, object_id)
        if not super().has_change_permission(request, outage):
            raise PermissionDenied
        change_url = reverse("admin:offices_outage_change", args=[outage.pk], current_app=self.admin_site.name)
        form = ResolveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                outage_resolve(actor=request.user, outage=outage, note=form.cleaned_data["note"])
            except PermissionDenied as denial:
                messages.error(request, str(denial) or _("You may not resolve this outage."))
            except Refusal as refusal:
                messages.error(request, str(refusal.detail))
            else:
                messages.success(request, _("Outage %(outage)s is resolved.") % {"outage": outage})
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": outage,
            "title": _("Resolve outage %(outage)s") % {"outage": outage},
            "form": form,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.resolve_form_template, context)

"""Admin for passport applications: intake at the front desk, the case page, and workflow actions.

The admin is a thin view over the services. An application is created only by
``application_submit`` and changed only by ``application_act``: the change page is read-only, and
each action the user's roles allow from the current status is a button that leads to a small form
for the action's inputs. Every refusal of a service (an outage, a wrong status, a missing role, a
stale page, bad input) comes back as an admin message or a form error, never as a server error.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.admin_forms import ActionForm, IntakeForm, form_errors_from, outage_refusal
from applications.models import Applicant, PassportApplication
from applications.selectors import applications_visible_to
from applications.services import application_act
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.admin import CappedCountPaginator
from casework.history import case_timeline
from casework.selectors import case_held_by
from imigrasi.api.problems import Problem
from offices.admin_scope import ScopedAdminMixin
from offices.outages import OutageActive
from offices.roles import Role
from offices.selectors import offices_visible_to, offices_with_role, user_scope

ACTION_LABELS = {
    "submit": _("Submit"),
    "return_documents": _("Return documents"),
    "resubmit": _("Resubmit"),
    "verify": _("Verify"),
    "record_payment": _("Record payment"),
    "capture_biometrics": _("Capture biometrics"),
    "interview": _("Interview"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "print": _("Print"),
    "hand_over": _("Hand over"),
    "cancel": _("Cancel application"),
    "expire": _("Expire"),
    "update": _("Update"),
}


class ScopedOfficeFilter(admin.RelatedFieldListFilter):
    """Offers only the offices the user may read, not all 145."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        offices = offices_visible_to(request.user).select_related(None).only("code", "name")
        return [(office.pk, str(office)) for office in offices]


@admin.register(PassportApplication)
class PassportApplicationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows come from ``applications_visible_to``, the selector the API and reports use too.

    Lists stay fast at millions of rows: no full count (``show_full_result_count = False`` and a
    capped-count paginator), related rows joined (``list_select_related``), and the date filter is
    a list filter rather than ``date_hierarchy``, whose year/month links aggregate the whole list.
    """

    list_display = [
        "reference",
        "applicant_name",
        "office",
        "status",
        "application_type",
        "service",
        "channel",
        "created_at",
        "sla_due_date",
        "sla_breached_display",
    ]
    list_filter = [
        "status",
        ("office", ScopedOfficeFilter),
        "application_type",
        "passport_kind",
        "service",
        "channel",
        "created_at",
    ]
    search_fields = ["=reference", "=applicant__nik", "applicant__full_name"]
    list_select_related = ["office", "applicant"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    not_found_message = _("No such application.")
    change_form_template = "admin/applications/passportapplication/change_form.html"
    action_form_template = "admin/applications/passportapplication/action_form.html"

    add_fieldsets = [
        (None, {"fields": ["office"]}),
        (
            _("Applicant"),
            {"fields": ["nik", "full_name", "birth_place", "birth_date", "sex", "address", "phone", "email"]},
        ),
        (
            _("Application"),
            {
                "fields": [
                    "application_type",
                    "previous_passport_number",
                    "passport_kind",
                    "validity_years",
                    "service",
                    "channel",
                    "priority",
                    "note",
                ]
            },
        ),
    ]
    change_fieldsets = [
        (None, {"fields": ["reference", "office", "status", "version", "created_at", "created_by"]}),
        (_("Applicant"), {"fields": ["applicant", "applicant_details"]}),
        (
            _("Application"),
            {
                "fields": [
                    "application_type",
                    "previous_passport_number",
                    "passport_kind",
                    "validity_years",
                    "service",
                    "channel",
                    "priority",
                    "fee",
                ]
            },
        ),
        (_("Service level"), {"fields": ["interviewed_at", "sla_due_date", "sla_breached_display"]}),
        (
            _("Steps"),
            {
                "classes": ["collapse"],
                "fields": [
                    "documents_returned_at",
                    "verified_at",
                    "paid_at",
                    "billing_code",
                    "amount_paid_idr",
                    "biometrics_captured_at",
                    "photo_ref",
                    "fingerprints_ref",
                    "approved_at",
                    "rejected_at",
                    "rejection_reason",
                    "printed_at",
                    "passport_number",
                    "passport_number_voided",
                    "passport_issue_date",
                    "passport_expiry_date",
                    "issued_at",
                    "cancelled_at",
                    "cancellation_reason",
                ],
            },
        ),
    ]

    # Rows and permissions ----------------------------------------------------------------------

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[PassportApplication]:
        return applications_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Intake is for front desks: the add page offers only their offices.
        return super().has_add_permission(request) and not user_scope(request.user, roles={Role.FRONT_DESK}).is_empty

    def has_change_permission(self, request: HttpRequest, obj: PassportApplication | None = None) -> bool:
        # Cases change only through their workflow actions; the change page is read-only for all.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PassportApplication | None = None) -> bool:
        return False

    # Forms -------------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: PassportApplication | None = None) -> list:
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: PassportApplication | None = None) -> list[str]:
        return [] if obj is None else flatten_fieldsets(self.change_fieldsets)

    def get_form(
        self, request: HttpRequest, obj: PassportApplication | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = IntakeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name == "office":
            kwargs["queryset"] = offices_with_role(request.user, roles={Role.FRONT_DESK})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: PassportApplication, form: forms.ModelForm, change: bool) -> None:
        """Nothing to save: ``IntakeForm`` submitted the application through the service."""

    # Columns and read-only fields ----------------------------------------------------------------

    @admin.display(description=_("applicant"), ordering="applicant__full_name")
    def applicant_name(self, obj: PassportApplication) -> str:
        return obj.applicant.full_name

    @admin.display(description=_("SLA breached"), boolean=True)
    def sla_breached_display(self, obj: PassportApplication) -> bool | None:
        return obj.sla_breached

    @admin.display(description=_("fee"))
    def fee(self, obj: PassportApplication) -> str:
        return f"Rp{obj.fee_idr:,}".replace(",", ".")

    @admin.display(description=_("applicant details"))
    def applicant_details(self, obj: PassportApplication) -> str:
        applicant = obj.applicant
        return format_html(
            "NIK {}<br>{}, {}<br>{}<br>{}<br>{} {}",
            applicant.nik,
            applicant.birth_place,
            applicant.birth_date,
            applicant.get_sex_display(),
            applicant.address,
            applicant.phone,
            applicant.email,
        )

    # The case page and its actions ---------------------------------------------------------------

    def _change_url(self, application: PassportApplication) -> str:
        return reverse(
            "admin:applications_passportapplication_change", args=[application.pk], current_app=self.admin_site.name
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        application = self.get_scoped_object_or_404(request, object_id)
        zone = application.office.zone
        names = PASSPORT_WORKFLOW.available(case=application, user=request.user)
        context = {
            "case_actions": [
                {
                    "name": name,
                    "label": ACTION_LABELS[name],
                    "url": reverse(
                        "admin:applications_passportapplication_act",
                        args=[application.pk, PASSPORT_WORKFLOW[name].slug],
                        current_app=self.admin_site.name,
                    )
                    + f"?version={application.version}",
                }
                for name in names
            ],
            "held_by": case_held_by(application),
            "timeline": [
                {
                    "at": timezone.localtime(entry.at, zone),
                    "action": ACTION_LABELS.get(entry.action, entry.action),
                    "from_status": Status(entry.from_status).label if entry.from_status else "",
                    "to_status": Status(entry.to_status).label,
                    "actor": entry.actor,
                    "note": entry.note,
                }
                for entry in case_timeline(application)
            ],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name="applications_passportapplication_act",
            ),
            *super().get_urls(),
        ]

    def action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """A small form for one action's inputs; posting it takes the action through the service."""
        application = self.get_scoped_object_or_404(request, object_id)
        step = PASSPORT_WORKFLOW.by_slug(action)
        if step is None or not step.roles:
            raise Http404(_("No such action."))
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        change_url = self._change_url(application)
        label = ACTION_LABELS[step.name]
        if request.method == "POST":
            form = ActionForm(request.POST, application=application, step=step)
            if form.is_valid():
                try:
                    application_act(
                        application=application,
                        action=step.name,
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        expected_version=form.cleaned_data["expected_version"],
                        **form.inputs(),
                    )
                except ValidationError as error:
                    form_errors_from(form, error)
                except OutageActive as refusal:
                    messages.error(request, outage_refusal(refusal, office=application.office))
                    return HttpResponseRedirect(change_url)
                except Problem as refusal:
                    messages.error(request, str(refusal.detail))
                    return HttpResponseRedirect(change_url)
                else:
                    messages.success(
                        request,
                        _("%(action)s: done for %(reference)s.") % {"action": label, "reference": application},
                    )
                    return HttpResponseRedirect(change_url)
        else:
            version = request.GET.get("version", "")
            form = ActionForm(
                initial={"expected_version": int(version) if version.isdigit() else application.version},
                application=application,
                step=step,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": application,
            "title": f"{label}: {application}",
            "form": form,
            "step": step,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.action_form_template, context)


@admin.register(Applicant)
class ApplicantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Applicants who have an application in the user's scope; edited only by superusers.

    Office staff correct an applicant by taking in a new application, which goes through the NIK
    rules of the service.
    """

    list_display = ["nik", "full_name", "birth_date", "sex", "phone"]
    search_fields = ["=nik", "full_name"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Applicant]:
        queryset = Applicant.objects.all()
        if user_scope(request.user).everything:
            return queryset
        return queryset.filter(pk__in=applications_visible_to(request.user).values("applicant_id"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        return request.user.is_superuser

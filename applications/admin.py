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
from django.contrib.admin import widgets
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.models import Applicant, PassportApplication
from applications.selectors import application_held_by, applications_visible_to
from applications.services import APPLICANT_FIELDS, application_act, application_submit
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.admin import CappedCountPaginator, NotFoundOutsideScopeMixin
from casework.history import case_timeline
from casework.workflow import Action
from imigrasi.api.problems import Problem
from offices.models import Office
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


def _form_errors_from(form: forms.BaseForm, error: ValidationError, *, prefix: str = "") -> None:
    """Put a service's ``ValidationError`` on the fields it names (``applicant.nik`` → ``nik``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name.removeprefix(prefix) if prefix else name
        form.add_error(field if field in form.fields else None, errors)


def _outage_refusal(refusal: OutageActive, *, office: Office) -> str:
    """Which outage holds the step, since when, why and until when, in the office's local time."""
    outage = refusal.outages[0]
    moment = "%Y-%m-%d %H:%M %Z"
    return _(
        "Refused because of outage #%(id)s (%(scope)s), declared %(since)s: %(reason)s. Expected end: %(end)s."
    ) % {
        "id": outage.pk,
        "scope": outage.scope_label,
        "since": timezone.localtime(outage.declared_at, office.zone).strftime(moment),
        "reason": outage.reason,
        "end": timezone.localtime(outage.expected_end, office.zone).strftime(moment)
        if outage.expected_end
        else _("not announced"),
    }


class IntakeForm(forms.ModelForm):
    """A new application with its applicant, taken in through ``application_submit``.

    Field types come from the models; the rules across fields and records (the NIK against the
    birth date, walk-in priority, validity by age, the express guard) live in the service, whose
    errors are put back on the fields they name.
    """

    actor: Any = None

    nik = Applicant._meta.get_field("nik").formfield()
    full_name = Applicant._meta.get_field("full_name").formfield()
    birth_place = Applicant._meta.get_field("birth_place").formfield()
    birth_date = Applicant._meta.get_field("birth_date").formfield(widget=widgets.AdminDateWidget)
    sex = Applicant._meta.get_field("sex").formfield()
    address = Applicant._meta.get_field("address").formfield(widget=widgets.AdminTextareaWidget(attrs={"rows": 3}))
    phone = Applicant._meta.get_field("phone").formfield()
    email = Applicant._meta.get_field("email").formfield()
    note = forms.CharField(label=_("note"), required=False, widget=widgets.AdminTextareaWidget(attrs={"rows": 2}))

    class Meta:
        model = PassportApplication
        fields = [
            "office",
            "application_type",
            "previous_passport_number",
            "passport_kind",
            "validity_years",
            "service",
            "channel",
            "priority",
        ]

    def _post_clean(self) -> None:
        # Replaces the model validation of a ModelForm: the service validates and creates in one
        # transaction, so the form never holds an application the service has not accepted.
        if self._errors:
            return
        data = self.cleaned_data
        try:
            self.instance = application_submit(
                actor=self.actor,
                office=data["office"],
                applicant={name: data[name] for name in APPLICANT_FIELDS},
                application_type=data["application_type"],
                previous_passport_number=data["previous_passport_number"],
                passport_kind=data["passport_kind"],
                validity_years=data["validity_years"],
                service=data["service"],
                channel=data["channel"],
                priority=data["priority"],
                note=data["note"],
            )
        except ValidationError as error:
            _form_errors_from(self, error, prefix="applicant.")
        except OutageActive as refusal:
            self.add_error("service", _outage_refusal(refusal, office=data["office"]))
        except Problem as refusal:
            self.add_error(None, str(refusal.detail))


_INPUT_FIELDS = {
    "billing_code": lambda application: forms.CharField(
        label=_("billing code"), max_length=15, help_text=_("The 15-digit billing code (kode billing).")
    ),
    "amount_idr": lambda application: forms.IntegerField(
        label=_("amount paid (Rp)"), min_value=0, initial=application.fee_idr
    ),
    "photo_ref": lambda application: forms.CharField(label=_("photo reference"), max_length=200),
    "fingerprints_ref": lambda application: forms.CharField(label=_("fingerprints reference"), max_length=200),
    "reason": lambda application: forms.CharField(
        label=_("reason"), widget=widgets.AdminTextareaWidget(attrs={"rows": 3})
    ),
    "passport_number": lambda application: forms.CharField(label=_("passport number"), max_length=9),
}


class ActionForm(forms.Form):
    """The inputs of one workflow action, its optional note, and the version the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("note"), required=False, widget=widgets.AdminTextareaWidget(attrs={"rows": 2}))

    def __init__(self, *args: Any, application: PassportApplication, step: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        for name in step.inputs:
            self.fields[name] = _INPUT_FIELDS[name](application)
        self.order_fields([*step.inputs, "note", "expected_version"])

    def inputs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.step.inputs}


class ScopedOfficeFilter(admin.RelatedFieldListFilter):
    """Offers only the offices the user may read, not all 145."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        offices = offices_visible_to(request.user).select_related(None).only("code", "name")
        return [(office.pk, str(office)) for office in offices]


@admin.register(PassportApplication)
class PassportApplicationAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[PassportApplication]:
        queryset = applications_visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

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

    def _application_or_404(self, request: HttpRequest, object_id: str) -> PassportApplication:
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404(_("No such application."))
        return application

    def _change_url(self, application: PassportApplication) -> str:
        return reverse(
            "admin:applications_passportapplication_change", args=[application.pk], current_app=self.admin_site.name
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        application = self._application_or_404(request, object_id)
        zone = application.office.zone
        names = PASSPORT_WORKFLOW.available(status=application.status, office=application.office, user=request.user)
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
            "held_by": application_held_by(application),
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
        application = self._application_or_404(request, object_id)
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
                    _form_errors_from(form, error)
                except OutageActive as refusal:
                    messages.error(request, _outage_refusal(refusal, office=application.office))
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
class ApplicantAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    """Applicants who have an application in the user's scope; edited only by superusers.

    Office staff correct an applicant by taking in a new application, which goes through the NIK
    rules of the service.
    """

    list_display = ["nik", "full_name", "birth_date", "sex", "phone"]
    search_fields = ["=nik", "full_name"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet[Applicant]:
        queryset = super().get_queryset(request)
        if user_scope(request.user).everything:
            return queryset
        return queryset.filter(pk__in=applications_visible_to(request.user).values("applicant_id"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        return request.user.is_superuser

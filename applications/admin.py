"""Admin for passport applications: intake at the front desk, the case page, and workflow actions.

The case machinery (read-only case page, action buttons and forms, refusals as messages) is
``casework.admin.CaseAdmin``; this module configures it with the passport workflow, services and
fields.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.admin_forms import IntakeForm
from applications.models import Applicant, PassportApplication
from applications.selectors import applications_visible_to
from applications.services import application_act
from applications.workflow import PASSPORT_WORKFLOW
from casework.admin import CappedCountPaginator, CaseAdmin, ScopedOfficeFilter, rupiah
from offices.admin_scope import ScopedAdminMixin
from offices.selectors import user_scope
from privacy.recording import PersonalDataAdminMixin


@admin.register(PassportApplication)
class PassportApplicationAdmin(PersonalDataAdminMixin, CaseAdmin):
    """Rows come from ``applications_visible_to``, the selector the API and reports use too."""

    workflow = PASSPORT_WORKFLOW
    act_service = staticmethod(application_act)
    intake_form = IntakeForm
    action_labels = {"print": _("Print"), "hand_over": _("Hand over")}

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
    not_found_message = _("No such application.")

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

    # Columns and read-only fields ----------------------------------------------------------------

    @admin.display(description=_("applicant"), ordering="applicant__full_name")
    def applicant_name(self, obj: PassportApplication) -> str:
        return obj.applicant.full_name

    @admin.display(description=_("SLA breached"), boolean=True)
    def sla_breached_display(self, obj: PassportApplication) -> bool | None:
        return obj.sla_breached

    @admin.display(description=_("fee"))
    def fee(self, obj: PassportApplication) -> str:
        return rupiah(obj.fee_idr)

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


@admin.register(Applicant)
class ApplicantAdmin(PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
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

"""Admin of stay permit applications: intake and the case page.

Applications use the case admin every kind of case shares (``casework.admin.CaseAdmin``); rows
come from ``permits.selectors``, and applications are written only through their services.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.admin import CaseAdmin, ScopedOfficeFilter, rupiah
from permits.admin_forms import PermitIntakeForm
from permits.models import StayPermit, StayPermitApplication
from permits.selectors import permit_applications_visible_to
from permits.services import permit_application_act
from permits.workflow import PERMIT_WORKFLOW
from privacy.recording import PersonalDataAdminMixin


@admin.register(StayPermitApplication)
class StayPermitApplicationAdmin(PersonalDataAdminMixin, CaseAdmin):
    """Rows come from ``permit_applications_visible_to``, the selector the API and reports use too."""

    workflow = PERMIT_WORKFLOW
    act_service = staticmethod(permit_application_act)
    intake_form = PermitIntakeForm
    action_labels = {"issue": _("Issue permit")}

    list_display = [
        "reference",
        "foreigner_name",
        "nationality",
        "office",
        "status",
        "permit_type",
        "application_kind",
        "created_at",
    ]
    list_filter = ["status", ("office", ScopedOfficeFilter), "permit_type", "application_kind", "purpose"]
    search_fields = ["=reference", "=foreigner__passport_number", "foreigner__full_name"]
    # The sponsor too: a person sponsor is named in the personal-data access log.
    list_select_related = ["office", "foreigner", "sponsor"]
    not_found_message = _("No such application.")

    add_fieldsets = [
        (None, {"fields": ["office"]}),
        (
            _("Foreigner"),
            {
                "fields": [
                    "full_name",
                    "nationality",
                    "passport_number",
                    "passport_expiry",
                    "previous_passport_number",
                    "birth_date",
                    "sex",
                    "address",
                    "phone",
                    "email",
                ]
            },
        ),
        (
            _("Sponsor"),
            {
                "fields": [
                    "sponsor_kind",
                    "sponsor_nib",
                    "sponsor_nik",
                    "sponsor_name",
                    "sponsor_address",
                    "sponsor_phone",
                    "sponsor_email",
                ]
            },
        ),
        (
            _("Application"),
            {
                "fields": [
                    "permit_type",
                    "application_kind",
                    "purpose",
                    "current_permit",
                    "ground",
                    "married_since",
                    "requested_from",
                    "requested_until",
                    "note",
                ]
            },
        ),
    ]
    change_fieldsets = [
        (None, {"fields": ["reference", "office", "status", "version", "created_at", "created_by"]}),
        (_("Foreigner"), {"fields": ["foreigner", "foreigner_details"]}),
        (_("Sponsor"), {"fields": ["sponsor", "sponsor_details"]}),
        (
            _("Application"),
            {
                "fields": [
                    "permit_type",
                    "application_kind",
                    "purpose",
                    "current_permit",
                    "ground",
                    "married_since",
                    "requested_from",
                    "requested_until",
                    "filed_on",
                    "fee",
                    "approval_level",
                ]
            },
        ),
        (_("Outcome"), {"fields": ["issued_permit_number", "issued_at", "closed_on"]}),
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
                    "interviewed_at",
                    "approved_at",
                    "rejected_at",
                    "rejection_reason",
                    "cancelled_at",
                    "cancellation_reason",
                ],
            },
        ),
    ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[StayPermitApplication]:
        return permit_applications_visible_to(request.user)

    @admin.display(description=_("foreigner"), ordering="foreigner__full_name")
    def foreigner_name(self, obj: StayPermitApplication) -> str:
        return obj.foreigner.full_name

    @admin.display(description=_("nationality"), ordering="foreigner__nationality")
    def nationality(self, obj: StayPermitApplication) -> str:
        return obj.foreigner.nationality

    @admin.display(description=_("fee"))
    def fee(self, obj: StayPermitApplication) -> str:
        return rupiah(obj.fee_idr)

    @admin.display(description=_("approved by"))
    def approval_level(self, obj: StayPermitApplication) -> str:
        # Staff see before approval whether the case must go to headquarters.
        if obj.needs_national_approval:
            return _("a national administrator (ITAP, or ITAS over one year)")
        return _("the office's adjudicator")

    @admin.display(description=_("issued permit"))
    def issued_permit_number(self, obj: StayPermitApplication) -> str:
        permit = StayPermit.objects.filter(application=obj).only("number").first()
        return permit.number if permit else "—"

    @admin.display(description=_("foreigner details"))
    def foreigner_details(self, obj: StayPermitApplication) -> str:
        foreigner = obj.foreigner
        passport = _("Passport %(nationality)s %(number)s, valid until %(expiry)s") % {
            "nationality": foreigner.nationality,
            "number": foreigner.passport_number,
            "expiry": foreigner.passport_expiry,
        }
        if foreigner.previous_passport_number:
            passport += _(" (previously %(number)s)") % {"number": foreigner.previous_passport_number}
        return format_html(
            "{}<br>{}, {}<br>{}<br>{} {}",
            passport,
            foreigner.birth_date,
            foreigner.get_sex_display(),
            foreigner.address,
            foreigner.phone,
            foreigner.email,
        )

    @admin.display(description=_("sponsor details"))
    def sponsor_details(self, obj: StayPermitApplication) -> str:
        sponsor = obj.sponsor
        return format_html(
            "{} {}<br>{}<br>{} {}",
            sponsor.get_kind_display(),
            f"NIB {sponsor.nib}" if sponsor.nib else f"NIK {sponsor.nik}",
            sponsor.address,
            sponsor.phone,
            sponsor.email,
        )


# Issued permits ----------------------------------------------------------------------------------

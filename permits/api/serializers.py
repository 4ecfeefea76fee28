"""Shapes of stay permit applications, issued permits and stay exceptions on the wire.

Input serializers only check types and presence: nationality codes, passport expiry, NIB and NIK,
phone numbers and every rule of permit types and terms live in ``permits.services`` and
``permits.rules``, which refuse bad input with field-keyed ``ValidationError``s that the problem
handler lists in ``invalid_params`` (``foreigner.phone``, ``requested_until``, …).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.api.serializers import CaseCreateSerializer, CaseStateSerializer
from casework.models import Sex
from casework.validators import birth_date_validate, passport_expiry_validate
from offices.api.outage_serializers import OutageSummarySerializer
from offices.selectors import user_scope
from permits.models import (
    ApplicationKind,
    ConversionGround,
    PermitType,
    Purpose,
    SponsorKind,
    StayPermit,
    StayPermitApplication,
)
from permits.selectors import Stay, StayState
from permits.workflow import Status
from plumbing.limits import ADDRESS_MAX_LENGTH, NOTE_MAX_LENGTH


class ForeignerInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    nationality = serializers.CharField(max_length=3, help_text=_("ISO 3166 alpha-3 code, e.g. GBR."))
    passport_number = serializers.CharField(max_length=20)
    passport_expiry = serializers.DateField(validators=[passport_expiry_validate])
    previous_passport_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The passport the foreigner was known by before, to keep their record across passports."),
    )
    birth_date = serializers.DateField(validators=[birth_date_validate])
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField(max_length=ADDRESS_MAX_LENGTH, help_text=_("Address in Indonesia."))
    phone = serializers.CharField(max_length=32, help_text=_("International number; stored in E.164 (+…)."))
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class SponsorInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SponsorKind.choices)
    nib = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text=_("A company's NIB (13 digits).")
    )
    nik = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text=_("A citizen's NIK.")
    )
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=ADDRESS_MAX_LENGTH)
    phone = serializers.CharField(max_length=32)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class PermitApplicationCreateSerializer(CaseCreateSerializer):
    """The body of a new application. ``office`` is looked up only among the caller's offices."""

    foreigner = ForeignerInputSerializer()
    sponsor = SponsorInputSerializer()
    permit_type = serializers.ChoiceField(choices=PermitType.choices)
    application_kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    current_permit = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Number of the permit extended or converted; none for a new permit."),
    )
    ground = serializers.ChoiceField(
        choices=ConversionGround.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For a conversion to ITAP."),
    )
    married_since = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("For an ITAP on the ground of marriage.")
    )
    requested_from = serializers.DateField()
    requested_until = serializers.DateField(help_text=_("The last day of the permit, included."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class ForeignerSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    nationality = serializers.CharField()
    passport_number = serializers.CharField()
    passport_expiry = serializers.DateField()
    previous_passport_number = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()


class HolderSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    nationality = serializers.CharField()
    passport_number = serializers.CharField()


class SponsorSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SponsorKind.choices)
    nib = serializers.CharField()
    nik = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()


class StayPermitApplicationSerializer(CaseStateSerializer, serializers.ModelSerializer):
    """A stay permit application with what the caller may do with it and what holds it."""

    office = serializers.CharField(source="office.code")
    status = serializers.ChoiceField(choices=Status.choices)
    foreigner = ForeignerSerializer()
    sponsor = SponsorSerializer()
    current_permit = serializers.CharField(source="current_permit.number", allow_null=True, default=None)
    # Declared so that the schema allows the empty value an application not converting to ITAP has.
    ground = serializers.ChoiceField(
        choices=ConversionGround.choices, allow_blank=True, read_only=True, label=_("ground for ITAP")
    )
    needs_national_approval = serializers.BooleanField(
        help_text=_("An ITAP or an ITAS over one year: approved by a national administrator.")
    )
    permit_number = serializers.CharField(
        source="issued_permit.number",
        allow_null=True,
        default=None,
        help_text=_("The permit issued by this application, once issued."),
    )

    class Meta:
        model = StayPermitApplication
        fields = [
            "reference",
            "office",
            "status",
            "version",
            "foreigner",
            "sponsor",
            "permit_type",
            "application_kind",
            "purpose",
            "current_permit",
            "ground",
            "married_since",
            "requested_from",
            "requested_until",
            "fee_idr",
            "needs_national_approval",
            "available_actions",
            "held_by",
            "filed_on",
            "closed_on",
            "created_at",
            "updated_at",
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
            "national_approval",
            "rejected_at",
            "rejection_reason",
            "issued_at",
            "permit_number",
            "cancelled_at",
            "cancellation_reason",
        ]
        read_only_fields = fields


class StayPermitSerializer(serializers.ModelSerializer):
    """An issued permit: its holder, sponsor, office and validity, and what it came from."""

    office = serializers.CharField(source="office.code")
    holder = HolderSerializer()
    sponsor = serializers.CharField(source="sponsor.name")
    application = serializers.CharField(
        source="application.reference",
        allow_null=True,
        default=None,
        help_text=_("The application that issued it; null for a permit recorded from before."),
    )
    previous = serializers.CharField(
        source="previous.number", allow_null=True, default=None, help_text=_("The permit it extends or replaces.")
    )

    class Meta:
        model = StayPermit
        fields = [
            "number",
            "permit_type",
            "status",
            "office",
            "holder",
            "sponsor",
            "valid_from",
            "valid_until",
            "application",
            "previous",
            "created_at",
        ]
        read_only_fields = fields


class StaySerializer(serializers.Serializer):
    """Where the holder stands today, whichever of their permits is the latest."""

    state = serializers.ChoiceField(
        choices=[StayState.COVERED, StayState.PROTECTED, StayState.OVERSTAYING, StayState.UNKNOWN],
        help_text=_(
            "covered: a permit runs today; protected: an application filed in time is pending; overstaying: neither."
        ),
    )
    day = serializers.DateField(help_text=_("Today at the office of the holder's latest permit."))
    since = serializers.DateField(allow_null=True)
    overstay_days = serializers.IntegerField()
    fine_idr = serializers.IntegerField()


class StayPermitDetailSerializer(serializers.Serializer):
    """A permit and where its holder stands today (``foreigner_stay``).

    The permit is nested rather than repeated field by field, so that its shape (and its status
    choices) is one schema component shared with the list.
    """

    permit = StayPermitSerializer()
    stay = StaySerializer()


class StayExceptionSerializer(serializers.Serializer):
    """A holder whose permit ended with no successor: protected by a pending application, or overstaying."""

    state = serializers.ChoiceField(choices=[StayState.PROTECTED, StayState.OVERSTAYING])
    holder = HolderSerializer(source="permit.holder")
    permit = serializers.CharField(source="permit.number")
    permit_type = serializers.ChoiceField(source="permit.permit_type", choices=PermitType.choices)
    office = serializers.CharField(source="permit.office.code")
    expired_on = serializers.DateField(source="permit.valid_until", help_text=_("The permit's last day."))
    since = serializers.DateField(help_text=_("First day of the protected stay or of the overstay."))
    application = serializers.SerializerMethodField(
        help_text=_("The pending application that protects the holder; null when overstaying.")
    )
    held_by = serializers.SerializerMethodField(
        help_text=_("Active outages blocking the protecting application's next step.")
    )
    overstay_days = serializers.IntegerField()
    fine_idr = serializers.IntegerField(help_text=_("The overstay fine so far, in rupiah."))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_application(self, stay: Stay) -> str | None:
        # The application may be at an office outside the caller's scope (the holder moved):
        # it protects them all the same, but its reference is not the caller's to see.
        if stay.application is None:
            return None
        if not user_scope(self.context["request"].user).contains(stay.application.office):
            return None
        return stay.application.reference

    @extend_schema_field(OutageSummarySerializer(many=True))
    def get_held_by(self, stay: Stay) -> list[dict[str, Any]]:
        return list(OutageSummarySerializer(stay.held_by, many=True).data)

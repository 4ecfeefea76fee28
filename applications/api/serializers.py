"""Shapes of passport applications on the wire.

Input serializers only check types and presence: every business rule (NIK, walk-in priority,
validity by age, fees, payment amount) lives in ``applications.services`` and the model's
transitions, which refuse bad input with field-keyed ``ValidationError`` the problem handler lists
in ``invalid_params``. Keeping the rules out of here means the admin and the API refuse the same
things with the same codes.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from applications.models import (
    ApplicationType,
    Channel,
    PassportApplication,
    PassportKind,
    Priority,
    Service,
    Sex,
)
from applications.workflow import PASSPORT_NUMBER, Status
from casework.api.serializers import ACTION_INPUT_SERIALIZERS as CASE_ACTION_INPUT_SERIALIZERS
from casework.api.serializers import (
    ActionInputSerializer,
    CaseCreateSerializer,
    CaseStateSerializer,
    input_serializer_field,
)
from casework.validators import birth_date_validate
from plumbing.limits import ADDRESS_MAX_LENGTH, NOTE_MAX_LENGTH


class ApplicantInputSerializer(serializers.Serializer):
    # No length or format checks on the NIK: the service reports each NIK failure with its own code.
    nik = serializers.CharField(max_length=32)
    full_name = serializers.CharField(max_length=200)
    birth_place = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(validators=[birth_date_validate])
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField(max_length=ADDRESS_MAX_LENGTH)
    phone = serializers.CharField(max_length=32, help_text=_("Indonesian number; stored in E.164 (+62…)."))
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class ApplicationCreateSerializer(CaseCreateSerializer):
    """The body of a new application. ``office`` is looked up only among the caller's offices."""

    applicant = ApplicantInputSerializer()
    application_type = serializers.ChoiceField(choices=ApplicationType.choices)
    previous_passport_number = serializers.CharField(max_length=9, required=False, allow_blank=True, default="")
    passport_kind = serializers.ChoiceField(choices=PassportKind.choices)
    validity_years = serializers.ChoiceField(choices=[(5, "5"), (10, "10")])
    service = serializers.ChoiceField(choices=Service.choices, required=False, default=Service.REGULAR)
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class PrintInputSerializer(ActionInputSerializer):
    passport_number = input_serializer_field(PASSPORT_NUMBER)


ACTION_INPUT_SERIALIZERS: dict[str, type[ActionInputSerializer]] = {
    **CASE_ACTION_INPUT_SERIALIZERS,
    "print": PrintInputSerializer,
}


class ApplicantSerializer(serializers.Serializer):
    nik = serializers.CharField()
    full_name = serializers.CharField()
    birth_place = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()


class ApplicationSerializer(CaseStateSerializer, serializers.ModelSerializer):
    """An application with what the caller may do with it and what holds it."""

    office = serializers.CharField(source="office.code")
    applicant = ApplicantSerializer()
    status = serializers.ChoiceField(choices=Status.choices)
    # Declared so that the schema allows the empty value an application without priority has.
    priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True, label=_("priority"))
    sla_breached = serializers.BooleanField(
        allow_null=True, help_text=_("null before the interview; then whether printing is (or was) late.")
    )

    class Meta:
        model = PassportApplication
        fields = [
            "reference",
            "office",
            "status",
            "version",
            "applicant",
            "application_type",
            "previous_passport_number",
            "passport_kind",
            "validity_years",
            "service",
            "channel",
            "priority",
            "fee_idr",
            "available_actions",
            "held_by",
            "sla_due_date",
            "sla_breached",
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
        ]
        read_only_fields = fields

"""Shapes of passport applications on the wire.

Input serializers only check types and presence: every business rule (NIK, walk-in priority,
validity by age, fees, payment amount) lives in ``applications.services`` and the model's
transitions, which refuse bad input with field-keyed ``ValidationError`` the problem handler lists
in ``invalid_params``. Keeping the rules out of here means the admin and the API refuse the same
things with the same codes.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
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
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.selectors import case_held_by
from offices.api.outage_serializers import OutageSummarySerializer
from offices.models import Office
from offices.outages import outage_summary

# The actions an API client may name: "expire" is the scheduler's alone.
API_ACTIONS = tuple(action for action in PASSPORT_WORKFLOW if action.roles)


class ApplicantInputSerializer(serializers.Serializer):
    # No length or format checks on the NIK: the service reports each NIK failure with its own code.
    nik = serializers.CharField(max_length=32)
    full_name = serializers.CharField(max_length=200)
    birth_place = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField()
    phone = serializers.CharField(max_length=32, help_text=_("Indonesian number; stored in E.164 (+62…)."))
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class ApplicationCreateSerializer(serializers.Serializer):
    """The body of a new application. ``office`` is looked up only among the caller's offices."""

    office = serializers.SlugRelatedField(slug_field="code", queryset=Office.objects.none())
    applicant = ApplicantInputSerializer()
    application_type = serializers.ChoiceField(choices=ApplicationType.choices)
    previous_passport_number = serializers.CharField(max_length=9, required=False, allow_blank=True, default="")
    passport_kind = serializers.ChoiceField(choices=PassportKind.choices)
    validity_years = serializers.ChoiceField(choices=[(5, "5"), (10, "10")])
    service = serializers.ChoiceField(choices=Service.choices, required=False, default=Service.REGULAR)
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offices is not None:
            # An office outside the caller's scope is "does not exist", like any unknown code.
            self.fields["office"].queryset = offices


class ActionInputSerializer(serializers.Serializer):
    """What every action takes: an optional note for the timeline."""

    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecordPaymentInputSerializer(ActionInputSerializer):
    billing_code = serializers.CharField(max_length=32, help_text=_("The 15-digit SIMPONI billing code."))
    amount_idr = serializers.IntegerField(min_value=0, help_text=_("Must equal the application's fee."))


class CaptureBiometricsInputSerializer(ActionInputSerializer):
    photo_ref = serializers.CharField(max_length=200, help_text=_("Reference in the biometric store, never an image."))
    fingerprints_ref = serializers.CharField(max_length=200)


class ReasonInputSerializer(ActionInputSerializer):
    reason = serializers.CharField()


class PrintInputSerializer(ActionInputSerializer):
    passport_number = serializers.CharField(max_length=32, help_text=_("8 or 9 letters and digits."))


ACTION_INPUT_SERIALIZERS: dict[str, type[ActionInputSerializer]] = {
    "record_payment": RecordPaymentInputSerializer,
    "capture_biometrics": CaptureBiometricsInputSerializer,
    "reject": ReasonInputSerializer,
    "cancel": ReasonInputSerializer,
    "print": PrintInputSerializer,
}


def action_input_serializer(action: str) -> type[ActionInputSerializer]:
    return ACTION_INPUT_SERIALIZERS.get(action, ActionInputSerializer)


class ApplicantSerializer(serializers.Serializer):
    nik = serializers.CharField()
    full_name = serializers.CharField()
    birth_place = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()


class ApplicationSerializer(serializers.ModelSerializer):
    """An application with what the caller may do with it and what holds it.

    Lists cost a fixed number of queries whatever their size: ``available_actions`` reads the
    caller's memberships, cached on the user object once per request, and a list reads the
    active outages once and passes them as ``active_outages`` in the context for ``held_by``.
    """

    office = serializers.CharField(source="office.code")
    applicant = ApplicantSerializer()
    status = serializers.ChoiceField(choices=Status.choices)
    available_actions = serializers.SerializerMethodField(
        help_text=_("The actions the caller's roles allow in the current status, as in the action URLs.")
    )
    held_by = serializers.SerializerMethodField(
        help_text=_("Active outages blocking the application's next step; empty when nothing holds it.")
    )
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

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=[action.slug for action in API_ACTIONS]))
    )
    def get_available_actions(self, application: PassportApplication) -> list[str]:
        user = self.context["request"].user
        names = PASSPORT_WORKFLOW.available(case=application, user=user)
        return [PASSPORT_WORKFLOW[name].slug for name in names]

    @extend_schema_field(OutageSummarySerializer(many=True))
    def get_held_by(self, application: PassportApplication) -> list[dict[str, Any]]:
        outages = case_held_by(application, active_outages=self.context.get("active_outages"))
        return [outage_summary(outage) for outage in outages]


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    actor = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    office = serializers.CharField()
    version = serializers.IntegerField()

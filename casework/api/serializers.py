"""Shapes every kind of case shares on the wire: action inputs, the timeline, what holds a case.

Input serializers only check types and presence: the rules live in the services and the models'
transitions, which refuse bad input with field-keyed ``ValidationError`` that the problem handler
lists in ``invalid_params``, so the admin and the API refuse the same things with the same codes.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.inputs import AMOUNT_IDR, BILLING_CODE, FINGERPRINTS_REF, PHOTO_REF, REASON, StepInput
from casework.models import Attribution, Case
from casework.selectors import case_held_by
from offices.api.fields import OfficeCodeField
from offices.api.outage_serializers import OutageSummarySerializer
from offices.models import Office
from plumbing.limits import NOTE_MAX_LENGTH


class CaseCreateSerializer(serializers.Serializer):
    """The office of a new case, looked up only among the offices the caller may see."""

    office = OfficeCodeField(queryset=Office.objects.none())

    def __init__(self, *args: Any, offices: QuerySet[Office] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offices is not None:
            # An office outside the caller's scope is "does not exist", like any unknown code.
            self.fields["office"].queryset = offices


class ActionInputSerializer(serializers.Serializer):
    """What every action takes: an optional note for the timeline."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


def input_serializer_field(step_input: StepInput) -> serializers.Field:
    """The API's field of one step input (``casework.inputs``); its label stays the field's name."""
    if step_input.type is int:
        return serializers.IntegerField(min_value=step_input.min_value, help_text=step_input.help_text or None)
    return serializers.CharField(max_length=step_input.max_length, help_text=step_input.help_text or None)


class RecordPaymentInputSerializer(ActionInputSerializer):
    billing_code = input_serializer_field(BILLING_CODE)
    amount_idr = input_serializer_field(AMOUNT_IDR)


class CaptureBiometricsInputSerializer(ActionInputSerializer):
    photo_ref = input_serializer_field(PHOTO_REF)
    fingerprints_ref = input_serializer_field(FINGERPRINTS_REF)


class ReasonInputSerializer(ActionInputSerializer):
    reason = input_serializer_field(REASON)


# The bodies of the actions every workflow shares; an action not named here takes only a note.
ACTION_INPUT_SERIALIZERS: dict[str, type[ActionInputSerializer]] = {
    "record_payment": RecordPaymentInputSerializer,
    "capture_biometrics": CaptureBiometricsInputSerializer,
    "reject": ReasonInputSerializer,
    "cancel": ReasonInputSerializer,
}


class AvailableActionsField(serializers.ListField):
    """The actions the caller's roles allow on the case now, as slugs of its workflow's URLs.

    The choices come from the serializer's model (``Meta.model.workflow``) when the field is
    bound, so the schema lists exactly that workflow's actions.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.ChoiceField(choices=[]), source="*", read_only=True, **kwargs)

    def bind(self, field_name: str, parent: serializers.BaseSerializer) -> None:
        super().bind(field_name, parent)
        # Actions without roles ("expire") are the scheduler's alone: no client ever gets them.
        self.child.choices = [action.slug for action in parent.Meta.model.workflow if action.roles]

    def to_representation(self, case: Case) -> list[str]:
        workflow = case.workflow
        names = workflow.available(case=case, user=self.context["request"].user)
        return [workflow[name].slug for name in names]


class CaseStateSerializer(serializers.Serializer):
    """``available_actions`` and ``held_by`` for a case serializer.

    Lists cost a fixed number of queries whatever their size: ``available_actions`` reads the
    caller's memberships, cached on the user object once per request, and a list reads the active
    outages once and passes them as ``active_outages`` in the context for ``held_by``.
    """

    available_actions = AvailableActionsField(
        help_text=_("The actions the caller's roles allow in the current status, as in the action URLs.")
    )
    held_by = serializers.SerializerMethodField(
        help_text=_("Active outages blocking the application's next step; empty when nothing holds it.")
    )

    @extend_schema_field(OutageSummarySerializer(many=True))
    def get_held_by(self, case: Case) -> list[dict[str, Any]]:
        outages = case_held_by(case, active_outages=self.context.get("active_outages"))
        return list(OutageSummarySerializer(outages, many=True).data)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(
        help_text=_(
            "The workflow action; “update” for a change made outside the workflow, “unknown” where not recorded."
        )
    )
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    actor = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "Username of who took the step; “system” for a scheduled task; empty where no person is vouched for."
        ),
    )
    note = serializers.CharField(allow_blank=True)
    office = serializers.CharField()
    version = serializers.IntegerField()
    origin = serializers.CharField(
        allow_blank=True, help_text=_("The request, task or command the change came from: “request:POST /api/v1/…”.")
    )
    attribution = serializers.ChoiceField(
        choices=Attribution.choices,
        help_text=_("“unknown” for steps recorded before each step had its own record, whose actor cannot be trusted."),
    )

"""Shapes of outages and of the public service status on the wire."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from offices.api.fields import AwareDateTimeField, OfficeCodeField, RegionField
from offices.models import Capability, Office, Outage, OutageScope, Region
from plumbing.limits import NOTE_MAX_LENGTH


class OutageSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", allow_null=True, default=None)
    region_code = serializers.CharField(source="region.code", allow_null=True, default=None)
    office = serializers.CharField(source="office.code", allow_null=True, default=None)
    capabilities = serializers.ListField(child=serializers.ChoiceField(choices=Capability.choices))
    declared_by = serializers.CharField(source="declared_by.username")
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True, default=None)
    is_active = serializers.BooleanField()

    class Meta:
        model = Outage
        fields = [
            "id",
            "scope",
            "region",
            "region_code",
            "office",
            "capabilities",
            "reason",
            "is_active",
            "declared_by",
            "declared_at",
            "expected_end",
            "capacity_percent",
            "resolved_by",
            "resolved_at",
            "resolution_note",
        ]
        read_only_fields = fields


class OutageDeclareSerializer(serializers.Serializer):
    """A declaration. The scope's target is checked here so a bad one names its field."""

    scope = serializers.ChoiceField(choices=OutageScope.choices)
    region = RegionField(
        queryset=Region.objects.all(), required=False, allow_null=True, help_text=_("For scope region: code or name.")
    )
    office = OfficeCodeField(queryset=Office.objects.all(), required=False, allow_null=True)
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), allow_empty=False, max_length=len(Capability)
    )
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    # How far ahead it may lie is the service's rule (``outage_expected_end_check``), shared with the admin.
    expected_end = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text=_("When the capabilities are expected back: after now and at most a year ahead."),
    )
    capacity_percent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=99,
        help_text=_(
            "Omit or null when the capabilities are down. For a slowdown, the share of normal daily "
            "capacity that remains (1-99): the steps stay allowed and only capacity is reduced."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        scope = attrs["scope"]
        errors: dict[str, serializers.ErrorDetail] = {}
        for target in ("region", "office"):
            wanted = scope == target
            given = attrs.get(target) is not None
            if wanted and not given:
                errors[target] = serializers.ErrorDetail(
                    _("Required for an outage of scope “%(scope)s”.") % {"scope": scope}, code="required"
                )
            elif given and not wanted:
                errors[target] = serializers.ErrorDetail(
                    _("Not allowed for an outage of scope “%(scope)s”.") % {"scope": scope}, code="not-allowed"
                )
        if errors:
            raise serializers.ValidationError({name: [error] for name, error in errors.items()})
        return attrs


class OutageResolveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class StatusQuerySerializer(serializers.Serializer):
    office = OfficeCodeField(
        queryset=Office.objects.select_related("region"),
        required=False,
        help_text=_("An office code: the state at that office instead of nationally."),
    )


# Renders ``offices.outages.CapabilityStatus`` (no docstring: it would become the schema's description).
class CapabilityStatusSerializer(serializers.Serializer):
    # A string rather than an enum: the choice set is documented once, on outages' ``capabilities``.
    capability = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["up", "degraded", "partial", "down"],
        help_text=_(
            "down: unavailable (nationally: everywhere); partial (national view only): down at some offices; "
            "degraded: available at reduced capacity, every outage naming it being a slowdown; up."
        ),
    )
    outages = serializers.ListField(
        child=serializers.IntegerField(), source="outage_ids", help_text=_("Ids of the outages causing it.")
    )


# The one shape of an outage's summary everywhere: the service status, the held cases and stays
# (``held_by``) and the ``outage-active`` problem document (``offices.api.refusals``). Its times
# are in ``TIME_ZONE``, like every time the API gives. It reads the outage's region and office:
# give it outages read with them.
class OutageSummarySerializer(serializers.Serializer):
    """An outage as the public, a refused client or a held case is told about it."""

    id = serializers.IntegerField()
    scope = serializers.CharField()
    region = serializers.CharField(source="region.name", allow_null=True)
    office = serializers.CharField(source="office.code", allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    declared_at = serializers.DateTimeField()
    expected_end = serializers.DateTimeField(allow_null=True)
    capacity_percent = serializers.IntegerField(
        allow_null=True,
        help_text=_("null: the capabilities are down; 1-99: a slowdown, the share of normal capacity that remains."),
    )


# Renders ``offices.outages.ServiceStatus``.
class ServiceStatusSerializer(serializers.Serializer):
    office = serializers.CharField(source="office.code", allow_null=True, help_text=_("null: the national view."))
    capabilities = CapabilityStatusSerializer(many=True)
    outages = OutageSummarySerializer(many=True, help_text=_("The active outages that apply."))

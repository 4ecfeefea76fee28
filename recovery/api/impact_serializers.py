"""The impact of an outage on the wire: per office, per capability, and in total."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from offices.api.outage_serializers import OutageSerializer
from offices.models import Capability
from recovery.impact import BASIS_HELD, BASIS_NONE, BASIS_RELEASE, CLEARED, PROJECTED

_CLEARING_HELP = _(
    "cleared: every case was worked, `clears_on` is the office-local day of the last; projected: "
    "`clears_on` is the day the backlog is expected to be served."
)


class CapabilityCountSerializer(serializers.Serializer):
    capability = serializers.ChoiceField(choices=Capability.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class OfficeImpactSerializer(serializers.Serializer):
    office = serializers.CharField(source="office.code", help_text=_("The office's code."))
    office_name = serializers.CharField(source="office.name")
    region = serializers.CharField(source="office.region.name")
    held = CapabilityCountSerializer(many=True, help_text=_("Cases held per capability the outage names."))
    held_total = serializers.IntegerField()
    peak = serializers.IntegerField(help_text=_("The most cases the outage held at once at this office."))
    peak_reached_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the office first held that many; null if not recorded.")
    )
    remaining = serializers.IntegerField(help_text=_("Of these, cases not yet worked."))
    clears_on = serializers.DateField(
        allow_null=True,
        help_text=_("null: not known yet (still being counted, or no capacity to serve the backlog)."),
    )
    clearing = serializers.ChoiceField(choices=[CLEARED, PROJECTED], help_text=_CLEARING_HELP)


class SlowdownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    capacity_percent = serializers.IntegerField(help_text=_("The share of normal capacity that remains."))
    capabilities = serializers.ListField(child=serializers.ChoiceField(choices=Capability.choices))
    expected_end = serializers.DateTimeField(allow_null=True)


class ImpactSerializer(serializers.Serializer):
    outage = OutageSerializer()
    basis = serializers.ChoiceField(
        choices=[BASIS_HELD, BASIS_RELEASE, BASIS_NONE],
        help_text=_(
            "held: an active outage, counted from the cases it holds now, dates projected as if resolved "
            "today; release: a resolved outage, counted from its release; none: a slowdown, or nothing was "
            "released: nothing held."
        ),
    )
    counting = serializers.BooleanField(help_text=_("The release is still counting offices: numbers may grow."))
    offices_covered = serializers.IntegerField(help_text=_("Offices in the outage's scope that you may see."))
    offices_affected = serializers.IntegerField(help_text=_("Of these, the offices where it held at least one case."))
    held = CapabilityCountSerializer(many=True)
    held_total = serializers.IntegerField()
    peak = serializers.IntegerField(
        help_text=_("The sum of each office's peak: the most cases the outage held at once, office by office.")
    )
    peak_reached_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the last of these offices reached its peak; null if not recorded.")
    )
    remaining = serializers.IntegerField()
    clears_on = serializers.DateField(
        allow_null=True, help_text=_("The latest office's date; null if any office's is unknown.")
    )
    clearing = serializers.ChoiceField(
        choices=[CLEARED, PROJECTED],
        allow_null=True,
        help_text=_("cleared once every office has; null when nothing was held."),
    )
    offices = OfficeImpactSerializer(many=True, help_text=_("The affected offices you may see, by code."))
    slowdowns = SlowdownSerializer(
        many=True,
        help_text=_("Active slowdowns at the affected offices: the projected dates serve at their reduced capacity."),
    )

"""Shapes of releases, the released-case queue and recovery capacity on the wire.

Input is checked for types and presence only: the rules of a recovery period (its order, that it
adds something, that it overlaps no other) live in ``recovery_capacity_set``, whose refusals come
back in ``invalid_params`` with their codes.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.kinds import CaseKind
from offices.api.fields import OfficeCodeField
from offices.models import Capability, Office
from recovery.models import RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice
from recovery.services import MAX_EXTRA_CASES

RELEASE_OFFICE_STATES = [
    ("pending", _("Pending: the office's backlog is not counted yet")),
    ("scheduling", _("Scheduling: cases are being given their dates")),
    ("paused", _("Paused by the office head or a supervisor")),
    ("done", _("Done: every case has its date")),
]
RELEASE_STATES = [
    ("pending", _("Pending: no office counted yet")),
    ("scheduling", _("Scheduling")),
    ("done", _("Done: every office is done")),
]
# The queue and the capability are plain strings in the schema, their values in the description:
# as enums they would collide with other fields of those names (a sponsor's ``kind``, an outage's
# ``capabilities``) among the schema's components. Input is still checked against the choices.
KIND_VALUES = " or ".join(f"`{value}`" for value in CaseKind.values)
CAPABILITY_VALUES = ", ".join(f"`{value}`" for value in Capability.values)


@extend_schema_field({"type": "string"})
class CaseKindField(serializers.ChoiceField):
    """The queue a case is in: one of ``CaseKind``, a plain string in the schema."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CaseKind.choices, **kwargs)


class ReleaseOfficeSerializer(serializers.ModelSerializer):
    """One office's progress: cases dated of those released, its state and its last day."""

    office = serializers.CharField(source="office.code")
    office_name = serializers.CharField(source="office.name")
    state = serializers.ChoiceField(choices=RELEASE_OFFICE_STATES)
    clears_on = serializers.DateField(
        allow_null=True, help_text=_("The last day of the office's plan: when its released backlog is served.")
    )

    class Meta:
        model = ReleaseOffice
        fields = [
            "office",
            "office_name",
            "state",
            "total",
            "scheduled",
            "paused",
            "clears_on",
            "enlisted_at",
            "finished_at",
        ]
        read_only_fields = fields


class ReleaseTotalsSerializer(serializers.Serializer):
    offices = serializers.IntegerField(help_text=_("Offices listed (those in the caller's scope)."))
    total = serializers.IntegerField(help_text=_("Cases released at those offices."))
    scheduled = serializers.IntegerField(help_text=_("Of those, cases given their date."))
    paused = serializers.IntegerField(help_text=_("Offices paused."))
    done = serializers.IntegerField(help_text=_("Offices done."))
    clears_on = serializers.DateField(allow_null=True, help_text=_("The last day of any of those offices' plans."))


class ReleaseSerializer(serializers.ModelSerializer):
    """A release with the rows of the offices in the caller's scope and their totals.

    The view gives the rows (``parts``) it read through the caller's scope, so totals never count
    an office the caller may not see.
    """

    outage = serializers.IntegerField(source="outage_id")
    state = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    offices = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["id", "outage", "state", "created_at", "enlisted_at", "finished_at", "totals", "offices"]
        read_only_fields = fields

    def _parts(self) -> list[ReleaseOffice]:
        return self.context["parts"]

    @staticmethod
    def _release_state(release: Release, parts: list[ReleaseOffice]) -> str:
        if release.finished_at:
            return "done"
        if release.enlisted_at or any(part.enlisted_at for part in parts):
            return "scheduling"
        return "pending"

    @extend_schema_field(serializers.ChoiceField(choices=RELEASE_STATES))
    def get_state(self, release: Release) -> str:
        return self._release_state(release, self._parts())

    @extend_schema_field(ReleaseTotalsSerializer)
    def get_totals(self, release: Release) -> dict[str, Any]:
        parts = self._parts()
        days = [part.clears_on for part in parts if part.clears_on]
        return ReleaseTotalsSerializer(
            {
                "offices": len(parts),
                "total": sum(part.total for part in parts),
                "scheduled": sum(part.scheduled for part in parts),
                "paused": sum(part.state == "paused" for part in parts),
                "done": sum(part.state == "done" for part in parts),
                "clears_on": max(days) if days else None,
            }
        ).data

    @extend_schema_field(ReleaseOfficeSerializer(many=True))
    def get_offices(self, release: Release) -> list[dict[str, Any]]:
        return ReleaseOfficeSerializer(self._parts(), many=True).data


class ReleaseQueueEntrySerializer(serializers.ModelSerializer):
    """A released case still to be worked: its day, its place in its office's queue, its step."""

    office = serializers.CharField(source="office.code")
    kind = serializers.CharField(help_text=format_lazy("{} {}", _("The queue:"), KIND_VALUES))
    reference = serializers.CharField(help_text=_("The case's reference."))
    capability = serializers.CharField(
        help_text=format_lazy("{} {}", _("The capability the case's next step waited for:"), CAPABILITY_VALUES)
    )
    release = serializers.IntegerField(source="release_office.release_id")
    outage = serializers.IntegerField(source="release_office.release.outage_id")

    class Meta:
        model = ReleaseEntry
        fields = [
            "id",
            "office",
            "kind",
            "reference",
            "capability",
            "ready_at",
            "position",
            "expected_on",
            "release",
            "outage",
        ]
        read_only_fields = fields


class RecoveryCapacitySerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code")
    kind = serializers.CharField(help_text=format_lazy("{} {}", _("The queue the capacity is for:"), KIND_VALUES))
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = RecoveryCapacity
        fields = [
            "id",
            "office",
            "kind",
            "starts_on",
            "ends_on",
            "weekday_extra",
            "saturday",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class RecoveryCapacityCreateSerializer(serializers.Serializer):
    """A recovery period. ``offices`` in the context: the offices the caller may name."""

    office = OfficeCodeField(queryset=Office.objects.none(), help_text=_("Office code, e.g. SMG."))
    kind = CaseKindField(help_text=format_lazy("{} {}", _("The queue the capacity is for:"), KIND_VALUES))
    starts_on = serializers.DateField(help_text=_("First day of the period."))
    ends_on = serializers.DateField(help_text=_("Last day of the period."))
    weekday_extra = serializers.IntegerField(
        min_value=0, max_value=MAX_EXTRA_CASES, default=0, help_text=_("Overtime: extra cases on each working day.")
    )
    saturday = serializers.IntegerField(
        min_value=0, max_value=MAX_EXTRA_CASES, default=0, help_text=_("Cases served on each Saturday; 0: closed.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices: QuerySet[Office] | None = self.context.get("offices")
        if offices is not None:
            # An office outside the caller's scope is refused like an unknown code.
            self.fields["office"].queryset = offices

"""Shapes of the backlog on the wire, and of its filters.

The filters accept only what the caller may read: an office outside their scope is refused with
the very words of an unknown code, so the answer tells nothing about offices they do not oversee.
"""

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from offices.api.fields import OfficeCodeField, RegionField
from offices.models import Capability, Office, Outage, Region
from offices.selectors import overseen_offices, overseen_regions
from recovery.backlog import backlog_outages

# The kind and the capability of a row or a case are plain strings in the schema, their values
# listed in the description: as enums they would collide with other fields of those names (a
# sponsor's ``kind``, an outage's ``capabilities``) among the schema's components.
KIND_HELP = _("The kind of case: passport or permit.")


def _capability_help(text: str) -> str:
    return format_lazy("{} {}", text, _("One of: central_records, printing, permit_issuance, express_service."))


class BacklogQuerySerializer(serializers.Serializer):
    """The filters of the backlog and of its list of cases; each must name something in scope."""

    office = OfficeCodeField(
        queryset=Office.objects.none(), required=False, help_text=_("An office code in your scope, e.g. SMG.")
    )
    region = RegionField(
        queryset=Region.objects.none(),
        required=False,
        help_text=_("A province code (33) or name (Jawa Tengah) with an office in your scope."),
    )
    capability = serializers.ChoiceField(
        choices=Capability.choices, required=False, help_text=_("Only the cases waiting for this capability.")
    )
    outage = serializers.PrimaryKeyRelatedField(
        queryset=Outage.objects.none(),
        required=False,
        help_text=_("An outage id: only the cases that outage holds (none once it is resolved)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator describes the fields without a caller
            return
        user = request.user
        self.fields["office"].queryset = overseen_offices(user)
        self.fields["region"].queryset = overseen_regions(user)
        self.fields["outage"].queryset = backlog_outages(user)


class HeldCasesQuerySerializer(BacklogQuerySerializer):
    cursor = serializers.CharField(required=False, help_text=_("From the `next` or `previous` link of a page."))
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=200, default=50, help_text=_("Cases a page, 1-200 (50).")
    )


class BacklogRowSerializer(serializers.Serializer):
    """The cases of one kind held at one office for one capability."""

    office = serializers.CharField(source="office.code", help_text=_("The office's code."))
    office_name = serializers.CharField(source="office.name")
    kind = serializers.CharField(help_text=KIND_HELP)
    capability = serializers.CharField(help_text=_capability_help(_("What the held step needs.")))
    held = serializers.IntegerField(help_text=_("Cases held."))
    oldest_ready_at = serializers.DateTimeField(help_text=_("Since when the longest-waiting of them is ready."))
    outages = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Ids of the active outages holding them, oldest first.")
    )


class HeldCaseSerializer(serializers.Serializer):
    """One held case, from the rows of ``HeldCases.page``."""

    reference = serializers.CharField()
    kind = serializers.CharField(help_text=KIND_HELP)
    office = serializers.CharField(source="office__code", help_text=_("The office's code."))
    status = serializers.CharField(help_text=_("The case's status, as in its own API."))
    waiting_for = serializers.CharField(
        source="awaiting", help_text=_capability_help(_("The capability its next step needs."))
    )
    ready_at = serializers.DateTimeField(help_text=_("Since when it is ready for that step: the fair order."))
    held_by = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Ids of the active outages holding it, oldest first.")
    )


class HeldCasePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text=_("The next page; null on the last."))
    previous = serializers.URLField(allow_null=True, help_text=_("The previous page; null on the first."))
    results = HeldCaseSerializer(many=True)

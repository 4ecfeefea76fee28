"""How the API words the offices' refusals: the outages of ``outage-active`` in their wire shape.

``OutageActive`` keeps the outages that refused a step; the problem document gives them as
``OutageSummarySerializer`` does everywhere else. ``OfficesConfig.ready`` registers the renderer
with the problem handler (``plumbing.api.problems.refusal_renderer_register``), which imports no app.
"""

from typing import Any

from offices.api.outage_serializers import OutageSummarySerializer
from offices.outages import OutageActive
from plumbing.api.problems import refusal_renderer_register


def outage_active_members(refusal: OutageActive) -> dict[str, Any]:
    """``capability`` and ``outages``, each outage as the service status and the held cases show it."""
    return {**refusal.extra, "outages": OutageSummarySerializer(refusal.outages, many=True).data}


def refusal_renderers_register() -> None:
    refusal_renderer_register(OutageActive, outage_active_members)

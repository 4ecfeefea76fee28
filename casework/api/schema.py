"""How case endpoints describe themselves in the OpenAPI schema.

The headers every kind of case uses are declared once here, and the schema classes read what
differs (tags, workflow, the case's shape) from the view, so a new kind of case gets a complete,
valid description by setting attributes rather than repeating decorators.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from plumbing.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from plumbing.api.schema import ProblemAutoSchema

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Makes a retried create return the first response (header `Idempotent-Replayed: true`); "
        "the same key with a different body is refused with 422. Kept at least 24 hours."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_('The `ETag` (`"<version>"`) the client last read; a stale one is refused with 412.'),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_('The application\'s version, `"<version>"`: send it back as `If-Match`.'),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[409],
    description=_("With `outage-active`, when the outage has an expected end: seconds until then."),
)

OUTAGE_ACTIVE = _(
    "`outage-active`: an outage takes down a capability this step needs; the body names it "
    "(`outages`) and `Retry-After` is set when it has an expected end"
)


class CaseSchema(ProblemAutoSchema):
    """Problem responses declared per method, tags from the view, and writes answering with the case.

    ``problem_responses_by_method = {"POST": {409: "…"}}``; a description of None withdraws a
    response the defaults would declare but the view cannot give. A view's ``tags`` name its
    section of the docs. A POST answers with the case as it now is (``case_serializer_class``),
    whatever body it took: 201 from a create, 200 from an action.
    """

    def get_tags(self) -> list[str]:
        tags = getattr(self.view, "tags", None)
        return [str(tag) for tag in tags] if tags else super().get_tags()

    def get_response_serializers(self) -> Any:
        case_serializer = getattr(self.view, "case_serializer_class", None)
        if self.method == "POST" and case_serializer is not None:
            return {getattr(self.view, "post_status", 200): case_serializer}
        return super().get_response_serializers()

    def _problem_responses(self) -> dict[int, str]:
        found = super()._problem_responses()
        for code, description in getattr(self.view, "problem_responses_by_method", {}).get(self.method, {}).items():
            if description is None:
                found.pop(code, None)
            else:
                found[code] = description
        return found


class ActionAutoSchema(CaseSchema):
    """Describes each action's URL from the view's workflow table: sources, target, roles, capability."""

    def get_description(self) -> str:
        action = self.view.workflow[self.view.action_name]
        lines = [
            str(_("Action `%(action)s`.") % {"action": action.slug}),
            str(
                _("From: %(sources)s; to: %(target)s.")
                % {"sources": ", ".join(action.sources), "target": action.target}
            ),
            str(_("Roles: %(roles)s.") % {"roles": ", ".join(sorted(action.roles))}),
        ]
        if action.capability:
            lines.append(str(_("Needs the capability `%(capability)s`.") % {"capability": action.capability}))
        return " ".join(lines)

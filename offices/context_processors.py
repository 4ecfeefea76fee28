"""Template context for the admin: the banner of the outages that concern the signed-in user.

An outage changes what staff can do at the counter, so it is shown on every admin page rather
than only on the outage list. Only authenticated staff on admin pages pay for it: any other
request (the API, the login page) gets an empty banner without a query.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from offices.models import Capability, Outage
from offices.outages import outages_covering_user

_MOMENT = "%Y-%m-%d %H:%M %Z"
_CACHE_ATTRIBUTE = "_imigrasi_outage_banner"


def _banner_row(outage: Outage) -> dict[str, Any]:
    zone = outage.viewer_zone
    return {
        "id": outage.pk,
        "scope": outage.scope_label,
        "capabilities": ", ".join(str(Capability(capability).label) for capability in outage.capabilities),
        "capacity_percent": outage.capacity_percent,
        "since": timezone.localtime(outage.declared_at, zone).strftime(_MOMENT),
        "reason": outage.reason,
        "expected_end": timezone.localtime(outage.expected_end, zone).strftime(_MOMENT)
        if outage.expected_end
        else None,
    }


def outage_banner(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """``outage_banner``: one row per active outage covering an office in the user's scope.

    Read once per request (a page rendering several templates with this context costs one query).
    """
    # The path first: reading ``request.user`` would load the session and the user.
    if not request.path.startswith(reverse("admin:index")):
        return {"outage_banner": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"outage_banner": []}
    rows = getattr(request, _CACHE_ATTRIBUTE, None)
    if rows is None:
        rows = [_banner_row(outage) for outage in outages_covering_user(user)]
        setattr(request, _CACHE_ATTRIBUTE, rows)
    return {"outage_banner": rows}

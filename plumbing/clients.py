"""The address of the client behind a request, as far as the deployment can vouch for it.

Throttling, login lockout and the personal-data log all key on it, so they must agree. Behind
``TRUSTED_PROXY_COUNT`` proxies (the load balancer, nginx) each proxy appends the address it
received the request from to ``X-Forwarded-For``; only those last entries are trustworthy, since a
client can start the header with anything. Without trusted proxies the header is ignored, which is
what stops a caller from escaping a limit by inventing a new address on every try.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: the entry added by the outermost trusted proxy, else the peer's."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer hops than proxies (a proxy left out) reads the first, as DRF's throttles do.
    return hops[-min(proxies, len(hops))]

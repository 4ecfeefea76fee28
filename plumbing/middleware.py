"""The project's own middleware: requests no part of the system can hold, each request as the origin
of its changes, the admin session's idle timeout and the policy headers."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from plumbing.api.problems import problem_response
from plumbing.credentials import SESSION_SEEN_KEY
from plumbing.origin import origin_scope

NUL = "\x00"
# Query parameters that name an office or a region: the field reading one refuses a NUL itself,
# as it refuses any name it does not know (``does_not_exist`` on that field), without a query.
NAMED_PARAMETERS = frozenset({"office", "region"})

# Browser features no page of ours uses, refused to every page and to any frame in it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _holds_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info:
        return True
    for key, values in request.GET.lists():
        if NUL in key or (key not in NAMED_PARAMETERS and any(NUL in value for value in values)):
            return True
    return any(NUL in str(value) for name, value in request.META.items() if name.startswith("HTTP_"))


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a header is a bad request (400).

    PostgreSQL cannot store NUL in text, so a NUL that reached a lookup (a case reference in the
    URL, an admin filter, an idempotency key) failed in the database with a 500 instead of being
    refused. No request of ours carries one. Under ``/api/`` the answer is a problem document
    (``malformed-request``); elsewhere a plain 400. Bodies are left to the forms and serializers,
    which refuse NUL in text fields themselves, and so are the ``office`` and ``region`` filters:
    a NUL there is a name no office has, refused on its field like any unknown code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _holds_nul(request):
            return self.get_response(request)
        detail = _("The request holds a NUL character, which no field accepts.")
        if request.path_info.startswith("/api/"):
            return problem_response(request, status_code=400, code="malformed-request", detail=detail)
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")


def _declared_length(request: HttpRequest) -> int | None:
    """The body's length as the client declared it; ``None`` when the header is not a length."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    if not value.isascii() or not value.isdigit():
        return None
    return int(value)


class RefuseLargeBodyMiddleware:
    """A body longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused (413) before anything reads it.

    Django raises ``RequestDataTooBig`` only when a view reads the body, and DRF turned that into a
    500; the admin answered a bare 400. Every body we accept is a small JSON document or form, so
    the declared ``Content-Length`` decides, once, before a worker spends memory on it: under
    ``/api/`` a problem document (``payload-too-large``), elsewhere a page saying the same. A
    ``Content-Length`` that is not a number is a malformed request (400), which Django would
    otherwise fail on with a 500 when the body is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        is_api = request.path_info.startswith("/api/")
        if length is None:
            detail = _("The Content-Length header is not a number of bytes.")
            if is_api:
                return problem_response(request, status_code=400, code="malformed-request", detail=detail)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        if limit is None or length <= limit:
            return self.get_response(request)
        detail = _("The request body is larger than the %(limit)s bytes any request of this system needs.") % {
            "limit": limit
        }
        if is_api:
            return problem_response(request, status_code=413, code="payload-too-large", detail=detail)
        return render(
            request, "payload_too_large.html", {"detail": detail, "title": _("Request too large")}, status=413
        )


class OriginMiddleware:
    """Each request is the origin of the changes it makes (``plumbing.origin``).

    Placed before pghistory's middleware so that the request's history context is opened here,
    once, and everything the request changes, a task it runs in-process included, names it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin_scope(kind="request", name=f"{request.method} {request.path}", request=request):
            return self.get_response(request)


class SessionIdleMiddleware:
    """Ends an admin session after ``SESSION_COOKIE_AGE`` without a request (the idle timeout).

    Django expires a session that age after it was last saved; this keeps an active session alive
    by saving it again, at most once a ``SESSION_TOUCH_INTERVAL``, instead of on every request
    (``SESSION_SAVE_EVERY_REQUEST`` would add a write to every page). The login stamps the session
    (plumbing.credentials), so a fresh session is not written twice. Requests without a session
    cookie (API tokens) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:
            now = int(time.time())
            seen = session.get(SESSION_SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= settings.SESSION_TOUCH_INTERVAL.total_seconds():
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class PolicyHeadersMiddleware:
    """``Permissions-Policy`` and ``Cache-Control: no-store`` on every response the application renders.

    Nearly every page and API answer holds personal data (names, NIKs, passport numbers, addresses,
    a fresh API token), and a browser, a shared office computer's disk cache or a proxy in between
    must keep none of it. Telling which answers hold none (the health check, the schema) would save
    little and could be got wrong, so the rule is every rendered response. Static files are served
    by WhiteNoise above this middleware and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        patch_cache_control(response, no_store=True)
        return response

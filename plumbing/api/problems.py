"""Errors as ``application/problem+json`` (RFC 9457) with a stable ``code``.

Every failure a client can meet leaves the API in this one shape: ``type``, ``title``, ``status``,
``detail`` and ``code``, plus ``invalid_params`` (``name``, ``code``, ``reason``) for validation
errors. Codes are part of the API contract: clients branch on them, so they never change.

A refusal's members besides (``Refusal.extra``) are plain values and go into the body as they
are. A refusal that holds domain objects (``OutageActive`` keeps the outages themselves) has its
members rendered by a function its app registers here at start-up
(``refusal_renderer_register``, called from the app's ``AppConfig.ready``), which uses the app's
serializers: the domain stays free of the REST framework, and this module imports no app.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import set_rollback

from plumbing.refusals import Refusal

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# The stable code of each DRF exception; subclasses of APIException of our own carry theirs in
# ``default_code``.
_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed-request",
    exceptions.AuthenticationFailed: "authentication-failed",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.PermissionDenied: "permission-denied",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "throttled",
}

_TITLES = {
    status.HTTP_400_BAD_REQUEST: _("The request is not valid."),
    status.HTTP_401_UNAUTHORIZED: _("Authentication is required."),
    status.HTTP_403_FORBIDDEN: _("You may not do this."),
    status.HTTP_404_NOT_FOUND: _("Not found."),
    status.HTTP_405_METHOD_NOT_ALLOWED: _("Method not allowed."),
    status.HTTP_406_NOT_ACCEPTABLE: _("Not acceptable."),
    status.HTTP_409_CONFLICT: _("The request conflicts with the current state."),
    status.HTTP_412_PRECONDITION_FAILED: _("A precondition failed."),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: _("Unsupported media type."),
    status.HTTP_422_UNPROCESSABLE_ENTITY: _("The request cannot be processed."),
    status.HTTP_429_TOO_MANY_REQUESTS: _("Too many requests."),
    status.HTTP_500_INTERNAL_SERVER_ERROR: _("Internal server error."),
    status.HTTP_503_SERVICE_UNAVAILABLE: _("Service unavailable."),
}


# The members of a refusal's problem document, by refusal class: see ``refusal_renderer_register``.
RefusalRenderer = Callable[[Any], dict[str, Any]]
_REFUSAL_RENDERERS: dict[type[Refusal], RefusalRenderer] = {}


def refusal_renderer_register(refusal_class: type[Refusal], renderer: RefusalRenderer) -> None:
    """Render the members of ``refusal_class`` refusals (and its subclasses') with ``renderer``.

    ``renderer(refusal)`` returns every member the body adds to ``type``, ``title``, ``status``,
    ``detail`` and ``code``, in place of ``refusal.extra``. Registering a class again replaces its
    renderer (a reloaded app registers the same one).
    """
    _REFUSAL_RENDERERS[refusal_class] = renderer


def refusal_members(refusal: Refusal) -> dict[str, Any]:
    """What the problem document of ``refusal`` says besides its code and detail.

    The renderer registered for the nearest class of the refusal, or its ``extra`` as it is.
    """
    for cls in type(refusal).__mro__:
        renderer = _REFUSAL_RENDERERS.get(cls)
        if renderer is not None:
            return dict(renderer(refusal))
    return dict(refusal.extra)


class Problem(exceptions.APIException):
    """An error of the API layer itself (a bad cursor, a reused idempotency key) with a stable code.

    Only code under an ``api`` package raises it: services refuse with ``plumbing.refusals.Refusal``,
    which the exception handler answers with the same document, so that the admin and background
    jobs never meet a REST framework exception.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = _("The request is not valid.")

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        *,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, code)
        if status_code is not None:
            self.status_code = status_code
        self.code = code or self.default_code
        self.extra = extra or {}
        self.headers = headers or {}


def problem_type(code: str) -> str:
    """The ``type`` URI of a problem code; the schema documents each code under it."""
    return f"urn:imigrasi:problem:{code}"


def problem_body(*, status_code: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": problem_type(code),
        "title": str(_TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        "code": code,
        **extra,
    }


def flatten_validation_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error structure into ``invalid_params`` rows with dotted names."""
    rows: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            # DRF keys list items by int: item 0 must still be named ("capabilities.0").
            name = "" if key == "non_field_errors" else str(key)
            rows.extend(flatten_validation_errors(value, ".".join(part for part in (prefix, name) if part)))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                rows.extend(flatten_validation_errors(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                rows.extend(flatten_validation_errors(value, prefix))
    else:
        rows.append(
            {
                "name": prefix or "non_field_errors",
                "code": getattr(detail, "code", None) or "invalid",
                "reason": str(detail),
            }
        )
    return rows


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler: every error, expected or not, becomes a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, DjangoValidationError):
        # Services and models refuse bad input with Django's ValidationError; codes are kept.
        exc = exceptions.ValidationError(get_error_detail(exc))

    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(exc, Refusal):
        status_code, code, detail = exc.status_code, exc.code, exc.detail
        extra, headers = refusal_members(exc), dict(exc.headers)
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        if isinstance(exc, Problem):
            code, detail, extra, headers = exc.code, exc.detail, dict(exc.extra), dict(exc.headers)
        elif isinstance(exc, exceptions.ValidationError):
            code = "invalid"
            extra["invalid_params"] = flatten_validation_errors(exc.detail)
            detail = _("Some fields are not valid: see invalid_params.")
        else:
            code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
            detail = exc.detail
            if isinstance(exc, exceptions.ParseError):
                code = "malformed-json" if "JSON" in str(exc.detail) else code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        logger.exception("Unhandled error in %s", context.get("view"))
        status_code, code, detail, extra = 500, "server-error", _("An unexpected error occurred."), {}

    set_rollback()
    body = problem_body(status_code=status_code, code=code, detail=detail, **extra)
    renderer = getattr(context.get("request"), "accepted_renderer", None)
    content_type = PROBLEM_CONTENT_TYPE if renderer is None or renderer.format == "json" else None
    return Response(body, status=status_code, headers=headers, content_type=content_type)


def problem_response(request: HttpRequest, *, status_code: int, code: str, detail: str) -> JsonResponse:
    """A problem document outside DRF: unknown URLs and crashes under ``/api/``."""
    return JsonResponse(
        problem_body(status_code=status_code, code=code, detail=detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )

"""The answer to a login refused after too many failures (django-axes' ``AXES_LOCKOUT_CALLABLE``).

API clients get a problem document with ``Retry-After``, as for any other limit; staff at the
admin's login page get a page in their language saying how long to wait. Neither says whether the
username exists.
"""

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import status

from plumbing.api.problems import problem_response

LOCKED_OUT_CODE = "login-locked-out"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    detail = _("Too many failed logins: try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = problem_response(
            request, status_code=status.HTTP_429_TOO_MANY_REQUESTS, code=LOCKED_OUT_CODE, detail=detail
        )
    else:
        response = render(
            request,
            "admin/locked_out.html",
            {"title": _("Log in"), "detail": detail},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response

"""The backlog over the API: held cases per office and capability, and the held cases themselves.

Both read through ``recovery.backlog`` with the caller's scope. The case list is in fair order
(ready since, then id) over both kinds of case, paged by a cursor that names a place in that order,
so a page never skips or repeats a case while others join or leave the backlog.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from offices.selectors import overseen_scope
from recovery.api.backlog_serializers import (
    BacklogQuerySerializer,
    BacklogRowSerializer,
    HeldCasePageSerializer,
    HeldCaseSerializer,
    HeldCasesQuerySerializer,
)
from recovery.backlog import Key, backlog_visible_to, held_cases_visible_to, row_key

TAGS = ["backlog"]
_INVALID_CURSOR = gettext_lazy("Not a cursor of this list: use the `next` or `previous` link of a page.")


class ReadsBacklog(IsAuthenticated):
    """Office heads, supervisors, national administrators and API clients read the backlog."""

    message = gettext_lazy(
        "Only office heads, regional supervisors, national administrators and API clients read the backlog."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and not overseen_scope(request.user).is_empty


def _filters(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    """The validated query parameters; unknown ones are refused like bad values, by name."""
    query = serializer_class(data=request.query_params, context={"request": request})
    unknown = sorted(set(request.query_params) - set(query.fields) - {"format"})
    if unknown:
        error = exceptions.ErrorDetail(_("Unknown query parameter."), code="unknown-parameter")
        raise exceptions.ValidationError({name: [error] for name in unknown})
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def cursor_encode(key: Key, *, backward: bool) -> str:
    ready_at, case_id, kind = key
    payload = {"r": ready_at.isoformat(), "i": case_id, "k": kind, "b": backward}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[Key, bool]:
    """The place a cursor names and whether it reads backward; a 400 on ``cursor`` if it names none."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        ready_at = datetime.fromisoformat(payload["r"])
        case_id, kind, backward = payload["i"], payload["k"], payload["b"]
        if ready_at.tzinfo is None or type(case_id) is not int or not isinstance(kind, str):
            raise ValueError(cursor)
        return (ready_at, case_id, kind), bool(backward)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        raise exceptions.ValidationError(
            {"cursor": [exceptions.ErrorDetail(_INVALID_CURSOR, code="invalid")]}
        ) from None


class BacklogView(APIView):
    """Held cases per office, kind and capability: how many, since when, and which outages hold them.

    One row per office, kind of case and capability with held cases, by office code. A case is
    held when the capability its next step needs is down at its office (a slowdown holds none);
    where outages overlap it is counted once and the row names each of them.
    """

    permission_classes = [ReadsBacklog]
    problem_responses = {
        400: gettext_lazy(
            "`invalid` (see `invalid_params`): an unknown query parameter, or an office, region, "
            "capability or outage that does not exist or is outside your scope"
        ),
        403: gettext_lazy("`permission-denied`: no role that reads the backlog"),
    }

    @extend_schema(tags=TAGS, parameters=[BacklogQuerySerializer], responses={200: BacklogRowSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = backlog_visible_to(request.user, **_filters(request, BacklogQuerySerializer))
        return Response(BacklogRowSerializer(rows, many=True).data)


class HeldCasesView(APIView):
    """The held cases themselves, both kinds, in fair order: ready since, then id.

    The order in which a release serves them. Takes the filters of the backlog; pages follow
    `next` and `previous`.
    """

    permission_classes = [ReadsBacklog]
    problem_responses = {
        400: gettext_lazy(
            "`invalid` (see `invalid_params`): an unknown query parameter, an office, region, "
            "capability or outage that does not exist or is outside your scope, a bad cursor or page size"
        ),
        403: gettext_lazy("`permission-denied`: no role that reads the backlog"),
    }

    @extend_schema(
        tags=TAGS,
        operation_id="v1_backlog_cases_list",
        parameters=[HeldCasesQuerySerializer],
        responses={200: HeldCasePageSerializer},
    )
    def get(self, request: Request) -> Response:
        filters = _filters(request, HeldCasesQuerySerializer)
        cursor, size = filters.pop("cursor", None), filters.pop("page_size")
        key, backward = cursor_decode(cursor) if cursor else (None, False)
        held = held_cases_visible_to(request.user, **filters)
        if backward:
            rows, more = held.page(size=size, before=key)
            previous_link = self._link(request, row_key(rows[0]), backward=True) if more else None
            # What follows this page starts with its last row's successor; with no rows, the start.
            next_link = self._link(request, row_key(rows[-1]), backward=False) if rows else self._start(request)
        else:
            rows, more = held.page(size=size, after=key)
            next_link = self._link(request, row_key(rows[-1]), backward=False) if more else None
            previous_link = None
            if key is not None:
                previous_link = self._link(request, row_key(rows[0]), backward=True) if rows else self._start(request)
        return Response(
            {"next": next_link, "previous": previous_link, "results": HeldCaseSerializer(rows, many=True).data}
        )

    @staticmethod
    def _link(request: Request, key: Key, *, backward: bool) -> str:
        return replace_query_param(request.build_absolute_uri(), "cursor", cursor_encode(key, backward=backward))

    @staticmethod
    def _start(request: Request) -> str:
        return remove_query_param(request.build_absolute_uri(), "cursor")

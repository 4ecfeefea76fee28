"""``Idempotency-Key`` for creates: a retried request returns the first response."""

import hashlib
import json
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from plumbing.api.problems import Problem
from plumbing.models import IdempotencyKey

HEADER = "Idempotency-Key"


class IdempotencyKeyReused(Problem):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency-key-reused"
    default_detail = _("This Idempotency-Key was used for a different request.")


def _fingerprint(request: Request) -> str:
    payload = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{payload}".encode()).hexdigest()


def idempotent(request: Request, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` once per key: store its response, replay it for retries.

    The key row is written in the handler's transaction, so a failed request leaves no key behind
    and can be retried with the same key; a concurrent retry waits on the row, then replays.
    """
    key = request.headers.get(HEADER)
    if not key:
        return handler()
    if len(key) > 255:
        raise Problem(_("Idempotency-Key is longer than 255 characters."), "invalid-idempotency-key")
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record, created = IdempotencyKey.objects.select_for_update().get_or_create(
            user=request.user, key=key, defaults={"fingerprint": fingerprint}
        )
        if not created:
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})
        response = handler()
        record.status_code = response.status_code
        record.body = response.data
        record.save(update_fields=["status_code", "body"])
    return response

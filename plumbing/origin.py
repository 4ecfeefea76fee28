"""Where a change comes from: the request, task or command running now, and who started it.

A case's history names, for each step, the person who took it *and* the request or job it came
from. The origin is kept in a context variable rather than in pghistory's context because
pghistory merges nested contexts into one row: a task run in-process inside a request, or a
command that changes many cases, would otherwise rewrite what earlier changes say. Each
``origin_scope`` is its own value here, restored when it ends, however deeply they nest.

The outermost scope also opens the pghistory context, so that the row snapshots written by the
database triggers name the origin too; inner scopes leave it alone, so its metadata is written
once and never overwritten.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pghistory

if TYPE_CHECKING:  # imported by the Celery app before Django's models are ready
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


@dataclass(frozen=True, eq=False)
class Origin:
    kind: str  # "request", "task", "command" or "" when nothing declared one
    name: str  # "POST /api/v1/…", the task's name, the command's name
    id: str  # one value per request or job run: every change it made carries it
    user_id: int | None = None
    # A request's user is known only once it is authenticated, for API tokens in the view: it is
    # read from the request when asked for.
    request: HttpRequest | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}" if self.kind else ""

    @property
    def started_by_id(self) -> int | None:
        """The person who started the request or job, if a person did."""
        if self.user_id is not None or self.request is None:
            return self.user_id
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None


UNKNOWN = Origin(kind="", name="", id="")
_current: contextvars.ContextVar[Origin] = contextvars.ContextVar("imigrasi_origin", default=UNKNOWN)


def origin_current() -> Origin:
    """The origin of changes made now: the innermost ``origin_scope``, or ``UNKNOWN``."""
    return _current.get()


@contextmanager
def origin_scope(
    *,
    kind: str,
    name: str,
    started_by: AbstractBaseUser | int | None = None,
    request: HttpRequest | None = None,
) -> Iterator[Origin]:
    """Run the block as one request or job; changes made in it name it as their origin.

    ``started_by`` is the person (or their id) who started a job; a request's is its user.
    """
    user_id: int | None
    if started_by is None or isinstance(started_by, int):
        user_id = started_by
    else:
        user_id = started_by.pk if started_by.is_authenticated else None
    origin = Origin(kind=kind, name=name[:200], id=uuid.uuid4().hex, user_id=user_id, request=request)
    outermost = _current.get() is UNKNOWN
    token = _current.set(origin)
    try:
        if outermost:
            with pghistory.context(origin=origin.label, origin_id=origin.id, user=origin.user_id):
                yield origin
        else:
            yield origin
    finally:
        _current.reset(token)

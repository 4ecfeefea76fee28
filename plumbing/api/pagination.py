"""Cursor pagination: stable pages over tables that change while a client reads them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request

from plumbing.api.problems import Problem


class InvalidCursor(Problem):
    default_code = "invalid-cursor"
    default_detail = _("The cursor is not one this list gave out: start again from the first page.")


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination with a client-chosen ``page_size`` up to 200.

    A view names its order in ``ordering``, ending with a unique, indexed column so that
    cursors never skip or repeat rows.
    """

    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        """The cursor the client sent, refused (400 ``invalid-cursor``) unless it could be ours.

        DRF answers a cursor it cannot decode with 404, and one whose position is no value of the
        ordering column (``p=abc`` for an id) reached the database and failed there.
        """
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise InvalidCursor() from error
        if cursor is not None and cursor.position is not None:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                value = field.to_python(cursor.position)
            except (ValidationError, ValueError, TypeError, OverflowError) as error:
                raise InvalidCursor() from error
            if isinstance(value, int) and not -(2**63) <= value < 2**63:  # beyond a bigint column
                raise InvalidCursor()
        return cursor

"""Cursor pagination: stable pages over tables that change while a client reads them."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request


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

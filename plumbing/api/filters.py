"""Filtering that refuses what it does not understand.

A misspelt filter silently ignored returns the whole list, which a client then takes as the
answer. Here an unknown query parameter is a 400 problem naming it in ``invalid_params``; a
filter value that does not parse already is one (django-filter raises a validation error).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request

# Parameters every list understands besides its filters.
GENERAL_PARAMETERS = frozenset({"cursor", "page_size", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        known = set(GENERAL_PARAMETERS)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            error = exceptions.ErrorDetail(_("Unknown query parameter."), code="unknown-parameter")
            raise exceptions.ValidationError({name: [error] for name in unknown})
        return super().filter_queryset(request, queryset, view)

"""The admin's data scoping: one mixin, so every admin page filters rows the same way."""

from django.db.models import QuerySet
from django.http import HttpRequest

from offices.selectors import user_scope


class ScopedAdminMixin:
    """Limits a ModelAdmin to the rows of the offices the user may read.

    ``scope_office_field`` is the path from the model to its office ("" for ``Office`` itself).
    Rows outside the scope are absent from lists, searches and autocompletes, and their change
    pages answer 404 like any missing object.
    """

    scope_office_field = "office"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.filter(user_scope(request.user).filter_for(self.scope_office_field))

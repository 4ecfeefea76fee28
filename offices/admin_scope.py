"""The admin's data scoping: one mixin, so every admin page filters rows the same way.

The mixin also carries the admin's checks of malformed input (``offices.admin_checks``), which
the admins that are not scoped this way take on their own.
"""

from typing import Any

from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from offices.admin_checks import CheckedInputAdminMixin
from offices.selectors import user_scope


class ScopedAdminMixin(CheckedInputAdminMixin):
    """Limits a ModelAdmin to the rows the user may read, and hides every other row entirely.

    By default the rows are those of the offices in the user's scope, reached from the model
    through ``scope_office_field`` ("" for ``Office`` itself). An admin whose model has its own
    selector (``…_visible_to(user)``) overrides ``scoped_queryset`` to return it, so that the
    admin, the API and the reports answer "which rows" in the same words.

    Rows outside the scope are absent from lists, searches and autocompletes, and their change,
    delete and history pages answer 404 like any missing object: the design wants a record outside
    the user's scope not to exist for them, which the admin's default (a redirect with "perhaps it
    was deleted?") does not quite say.
    """

    scope_office_field = "office"
    not_found_message = _("Not found.")

    def scoped_queryset(self, request: HttpRequest) -> QuerySet:
        """The rows the user may read, before the admin's ordering is applied."""
        queryset = self.model._default_manager.get_queryset()  # type: ignore[attr-defined]
        return queryset.filter(user_scope(request.user).filter_for(self.scope_office_field))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # As ModelAdmin.get_queryset, from the scoped rows rather than the whole table.
        queryset = self.scoped_queryset(request)
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return queryset.order_by(*ordering) if ordering else queryset

    def get_scoped_object_or_404(self, request: HttpRequest, object_id: str) -> Model:
        """The record for an admin's own views (actions, resolving), 404 when out of scope."""
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None:
            raise Http404(self.not_found_message)
        return obj

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        # The admin calls this from its change, delete and history views when ``get_object``,
        # which reads through ``get_queryset``, finds nothing.
        raise Http404(self.not_found_message)


class ReadOnlyAdminMixin:
    """A list of rows that only services write: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

"""The admin's data scoping: one mixin, so every admin page filters rows the same way.

The mixin also carries the admin's checks of malformed input (``CheckedInputAdminMixin``), which
the admins that are not scoped this way take on their own.
"""

from typing import Any

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Field, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from offices.selectors import user_scope


class CheckedChangeList(ChangeList):
    """A changelist whose filters from the query string are checked where the database would read them.

    Django refuses a wrong filter (redirecting to ``?e=1``) when ``filter()`` raises, but some
    lookups only fail when the query is compiled: ``created_at__year=0`` (or ``-1``, ``99999``,
    and ``__iso_year`` or ``__year__gte`` alike) asks ``year_lookup_bounds`` for a datetime that
    does not exist (``ValueError``, or ``OverflowError`` past a C int), and the error came out of
    the paginator's count as a server error. Compiling the query here, when the query string
    filters the list, makes it a wrong filter like any other. (An out-of-range ``__month`` or ``__day`` is only a number compared with an
    extracted one: it finds no rows and needs nothing.)
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        if self.get_filters_params():
            try:
                queryset.query.get_compiler(queryset.db, elide_empty=False).as_sql()
            except (ValueError, OverflowError) as error:
                raise IncorrectLookupParameters(error) from error
        return queryset


def _is_valid_key(field: Field, value: Any) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class _CheckedAutocompleteMixin:
    """Leaves out of the selected options a value that cannot be a key of the related model.

    A form posted with ``user=abc`` is invalid, and its field says so; but on re-rendering it,
    Django's autocomplete widget looks the posted value up (``filter(pk__in=["abc"])``), and the
    ``ValueError`` turned the form's error into a server error.
    """

    field: Any

    def optgroups(self, name: str, value: list[str], attr: Any = None) -> list:
        remote_opts = self.field.remote_field.model._meta
        key = remote_opts.get_field(getattr(self.field.remote_field, "field_name", None) or remote_opts.pk.name)
        return super().optgroups(name, [v for v in value if _is_valid_key(key, v)], attr)  # type: ignore[misc]


class CheckedAutocompleteSelect(_CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CheckedInputAdminMixin:
    """Answers malformed query strings and posts as the admin answers any other wrong input, not with a 500.

    - a changelist filter that only fails once compiled (``?created_at__year=0``) redirects to
      ``?e=1`` (see ``CheckedChangeList``);
    - an autocomplete field posted with a value that is no key shows its field error;
    - an action posted on ids that are not keys (``_selected_action=abc``) changes nothing and
      says so.

    ``ScopedAdminMixin`` includes it; an admin that cannot be scoped that way takes it alone.
    """

    invalid_selection_message = _("The selection holds items that do not exist. No items have been changed.")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CheckedChangeList

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def response_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        # Django filters the queryset with ``pk__in`` on the posted ids, where a non-integer
        # raised a ValueError. A tampered selection is refused whole: acting on part of it
        # would not be what was asked.
        pk = self.opts.pk  # type: ignore[attr-defined]
        if not all(_is_valid_key(pk, value) for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(request, self.invalid_selection_message, messages.WARNING)  # type: ignore[attr-defined]
            return None
        return super().response_action(request, queryset)  # type: ignore[misc]


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

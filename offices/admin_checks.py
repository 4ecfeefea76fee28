"""The admin's answers to malformed input: the same as to any other wrong input, never a 500."""

import logging
from typing import Any

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CheckedChangeList(ChangeList):
    """A changelist whose filters from the query string are checked where the database would read them.

    Django refuses a wrong filter (redirecting to ``?e=1``) when ``filter()`` raises, but some
    lookups only fail when the query is compiled: ``created_at__year=0`` (or ``-1``, ``99999``,
    and ``__iso_year`` or ``__year__gte`` alike) asks ``year_lookup_bounds`` for a datetime that
    does not exist (``ValueError``, or ``OverflowError`` past a C int), and the error came out of
    the paginator's count as a server error. Compiling the query here, when the query string
    filters the list, makes it a wrong filter like any other. (An out-of-range ``__month`` or
    ``__day`` is only a number compared with an extracted one: it finds no rows and needs nothing.)
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        if self.get_filters_params():
            try:
                queryset.query.get_compiler(queryset.db, elide_empty=False).as_sql()
            except (ValueError, OverflowError) as error:
                logger.info("Changelist filters refused: %s", error)
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


# Django's AutocompleteMixin names optgroups' last argument attr, its Select attrs: the stubs keep both.
class CheckedAutocompleteSelect(_CheckedAutocompleteMixin, AutocompleteSelect):  # type: ignore[misc]
    pass


class CheckedAutocompleteSelectMultiple(_CheckedAutocompleteMixin, AutocompleteSelectMultiple):  # type: ignore[misc]
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

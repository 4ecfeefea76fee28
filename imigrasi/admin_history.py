"""pghistory's events admin, answering malformed filters as the admin answers any wrong input.

The events admin reads query parameters of its own: ``obj`` (``app.Model:pk``, the object whose
history is shown), ``model`` and ``event_model``. It trusted them, and a few were server errors:
an object key that is no number (``obj=offices.Office:abc``) or that no row has (the page looks
the object up for its subtitle), an event model that does not exist (``event_model=nosuch``),
and any list with facets (``_facets``), whose counts call its changelist's ``get_queryset``
with an argument it did not take. Its changelist also lacked the project's check of filters
that only fail once compiled (``pgh_created_at__year=0``, see ``CheckedChangeList``).

The project's admin (``PGHISTORY_ADMIN_CLASS``) refuses those lookups as incorrect (302 to
``?e=1``) and counts the facets; a model, or an object of a model, that does not exist is
ignored, as pghistory ignores it.
"""

from typing import Any

from django.apps import apps
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from pghistory import config, core
from pghistory.admin import EventsAdmin as PghistoryEventsAdmin
from pghistory.admin.core import EventModelFilter as PghistoryEventModelFilter

from offices.admin_checks import CheckedChangeList


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _is_event_model(label: str) -> bool:
    model = _model(label)
    return model is not None and model in core.event_models()


def names_a_missing_object(reference: str | None) -> bool:
    """Whether ``obj`` names a model that exists by a key that no row of it has.

    pghistory reads ``obj`` as ``app.Model:pk`` and ignores any other value.
    """
    label, colon, pk = (reference or "").partition(":")
    model = _model(label) if colon else None
    if model is None:
        return False
    try:
        return not model._default_manager.filter(pk=pk).exists()
    except (ValueError, ValidationError):
        return True


class EventsChangeList(CheckedChangeList):
    """pghistory's changelist of events, with the filters checked as on the project's changelists.

    pghistory's own ``get_queryset`` does not take ``exclude_parameters``, which Django passes
    when it counts the facets; its rule (no events until filtered, unless
    ``PGHISTORY_ADMIN_ALL_EVENTS``) is kept.
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        if not config.admin_all_events() and not self.has_active_filters:
            return self.root_queryset.model.no_objects.all()
        return queryset


class EventModelFilter(PghistoryEventModelFilter):
    """Refuses an event model that is not one, which pghistory looked up with ``apps.get_model``."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and not _is_event_model(value):
            raise IncorrectLookupParameters(f"Not an event model: {value!r}")
        return super().queryset(request, queryset)


class EventsAdmin(PghistoryEventsAdmin):
    """pghistory's events admin with the changelist and the event model filter above."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return EventsChangeList

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [
            EventModelFilter if list_filter is PghistoryEventModelFilter else list_filter
            for list_filter in super().get_list_filter(request)
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # pghistory reads the object for the page's subtitle before the changelist checks
        # anything, the permission included; both are checked first here.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if names_a_missing_object(request.GET.get("obj")):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

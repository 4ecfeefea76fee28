"""Where the log is written: one mixin for the API's views, one for the admin's pages.

Each records, once per request and after the response is built, the people the response showed
(or the key a refused read looked for). Views name what they read: the API mixin notes the
objects ``get_object`` and ``paginate_queryset`` return, the admin mixin reads the change page's
object and the list's page. Records name their people with ``data_subjects()``.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from privacy.models import Door
from privacy.services import office_of, people_of, personal_data_access_record, search_mask

# A refused read: out of scope (404, never a 403 that confirms the record exists) or not allowed.
REFUSED_STATUSES = frozenset({403, 404})


class PersonalDataAPIMixin:
    """A DRF view that returns personal data: each request that read some writes one log row.

    Recorded: a 2xx answer that read a record or a page (with the page's filters, masked), an
    action's answer (it carries the case), and a read refused with 403 or 404 (with the key looked
    up). Other refusals (400, 409, 412) show nobody. A view whose answer names people without
    records (a report's rows) calls ``personal_data_named``; one that may name nobody at all says
    so with ``personal_data_door = ""``.
    """

    personal_data_door: str = Door.API
    _people: dict[str, None] | None = None
    _office_ids: set[int | None] | None = None

    def personal_data_named(self, people: Iterable[str], *, office_ids: Iterable[int | None] = ()) -> None:
        """Note people the response shows, and the offices of their records; several calls add up."""
        if self._people is None:
            self._people, self._office_ids = {}, set()
        self._people.update(dict.fromkeys(identifier for identifier in people if identifier))
        self._office_ids.update(office_ids)  # type: ignore[union-attr]

    def personal_data_read(self, records: Iterable[Any]) -> None:
        """Note records the response shows (each names its people with ``data_subjects()``)."""
        records = list(records)
        self.personal_data_named(people_of(records), office_ids=[getattr(r, "office_id", None) for r in records])

    def get_object(self) -> Any:
        record = super().get_object()  # type: ignore[misc]
        self.personal_data_read([record])
        return record

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        self.personal_data_read(page if page is not None else queryset)
        return page

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if not self.personal_data_door:
            return response
        if response.status_code in REFUSED_STATUSES and self._sought_personal_data(request):
            personal_data_access_record(
                request=request,
                door=self.personal_data_door,
                status_code=response.status_code,
                # The key in the URL (a case reference, a permit number) names no person: kept whole.
                search={**search_mask(request.query_params), **self.kwargs},  # type: ignore[attr-defined]
                refused=True,
            )
        elif 200 <= response.status_code < 300 and self._people is not None:
            offices = self._office_ids or set()
            personal_data_access_record(
                request=request,
                door=self.personal_data_door,
                status_code=response.status_code,
                people=list(self._people),
                search=search_mask(request.query_params),
                office_id=next(iter(offices)) if len(offices) == 1 else None,
            )
        return response

    def _sought_personal_data(self, request: Request) -> bool:
        """Whether a refused request was a read: a GET, or a POST on a record it could not find.

        A refused intake (no record sought) and a refused action on a record the caller may read
        (it was found, and the refusal shows nothing of it) are no refused reads.
        """
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or (bool(self.kwargs) and self._people is None)  # type: ignore[attr-defined]


class PersonalDataAdminMixin:
    """A ModelAdmin whose list and change page show personal data: each view writes one log row.

    The list's page is read from its ``ChangeList`` (already evaluated, so no query is added), the
    change page's record from its context. A change page out of the user's scope (404) or a
    list or page the user may not view (403) is recorded as refused.
    """

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        except PermissionDenied:
            _record_refused(request, status_code=403, search=search_mask(request.GET))
            raise
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            records = list(changelist.result_list)
            personal_data_access_record(
                request=request,
                door=Door.ADMIN,
                status_code=response.status_code,
                people=people_of(records),
                search=search_mask(request.GET),
                office_id=office_of(records),
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except Http404:
            _record_refused(request, status_code=404, search={"id": object_id})
            raise
        except PermissionDenied:
            _record_refused(request, status_code=403, search={"id": object_id})
            raise
        record = getattr(response, "context_data", {}).get("original")
        if record is not None:
            personal_data_access_record(
                request=request,
                door=Door.ADMIN,
                status_code=response.status_code,
                people=people_of([record]),
                office_id=office_of([record]),
            )
        return response


def _record_refused(request: HttpRequest, *, status_code: int, search: dict[str, str]) -> None:
    """A refused admin read, with what it sought: the list's filters (masked) or the record's id."""
    personal_data_access_record(request=request, door=Door.ADMIN, status_code=status_code, search=search, refused=True)

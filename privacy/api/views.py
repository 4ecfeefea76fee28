"""The access log over the API, for national administrators: who read whose data.

``GET /api/v1/personal-data-accesses/?person=<NIK or passport number>`` answers a data-subject
request ("who has seen my data"); the other filters narrow by reader, office, door and period.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from privacy.api.filters import PersonalDataAccessFilter
from privacy.api.serializers import PersonalDataAccessSerializer
from privacy.models import Door, PersonalDataAccess
from privacy.selectors import access_log_readable_by, identifier_normalized
from privacy.services import personal_data_access_record, search_mask


class ReadsAccessLog(IsAuthenticated):
    message = _("Only national administrators read the personal-data access log.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and access_log_readable_by(request.user)


class PersonalDataAccessListView(generics.ListAPIView):
    """Recorded reads of personal data, newest first; with `person`, those that showed that person.

    Each entry says who read, when, from which address, through which door (admin, api, export,
    report), at which office, and whether the read was shown or refused. The other people a read
    showed are never listed. Asking for a person is itself recorded as a read of their data.
    """

    serializer_class = PersonalDataAccessSerializer
    filterset_class = PersonalDataAccessFilter
    permission_classes = [ReadsAccessLog]
    ordering = "-id"
    problem_responses = {403: _("`permission-denied`: only national administrators read the access log")}

    def get_queryset(self) -> QuerySet[PersonalDataAccess]:
        return PersonalDataAccess.objects.select_related("office")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        person = identifier_normalized(request.query_params.get("person", ""))
        if person:
            personal_data_access_record(
                request=request,
                door=Door.API,
                status_code=response.status_code,
                people=[person],
                search=search_mask(request.query_params),
            )
        return response

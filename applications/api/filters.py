"""Filters of the passport application list.

They narrow ``applications_visible_to(user)``, never widen it: a filter on an office outside the
caller's scope simply finds nothing.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationType, Channel, PassportApplication, Service
from applications.workflow import Status


class ApplicationFilter(django_filters.FilterSet):
    office = django_filters.CharFilter(method="filter_office", help_text=_("Office code, e.g. SMG."))
    status = django_filters.ChoiceFilter(choices=Status.choices)
    application_type = django_filters.ChoiceFilter(choices=ApplicationType.choices)
    service = django_filters.ChoiceFilter(choices=Service.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    created_after = django_filters.DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text=_("Submitted at or after: an ISO 8601 date or date-time.")
    )
    created_before = django_filters.DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text=_("Submitted before: an ISO 8601 date or date-time.")
    )
    q = django_filters.CharFilter(
        method="filter_q", help_text=_("A reference (or its start), an applicant's exact NIK, or part of a name.")
    )

    class Meta:
        model = PassportApplication
        fields: list[str] = []

    def filter_office(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(office__code=value.strip().upper())

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__startswith=value.upper()) | Q(applicant__nik=value) | Q(applicant__full_name__icontains=value)
        )

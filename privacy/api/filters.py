"""Filters of the access log: by person, user, office, door, outcome and period."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from privacy.models import Door, Outcome, PersonalDataAccess
from privacy.selectors import IDENTIFIER_MAX_CHARS, identifier_normalized


class PersonalDataAccessFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        method="filter_person", help_text=_("A NIK or passport number: the reads that showed this person.")
    )
    user = django_filters.CharFilter(field_name="username", help_text=_("The username of the reader."))
    office = django_filters.CharFilter(method="filter_office", help_text=_("Office code, e.g. SMG."))
    door = django_filters.ChoiceFilter(choices=Door.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    after = django_filters.DateTimeFilter(
        field_name="at", lookup_expr="gte", help_text=_("Read at or after: an ISO 8601 date or date-time.")
    )
    before = django_filters.DateTimeFilter(
        field_name="at", lookup_expr="lt", help_text=_("Read before: an ISO 8601 date or date-time.")
    )

    class Meta:
        model = PersonalDataAccess
        fields: list[str] = []

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        person = identifier_normalized(value)
        if len(person) > IDENTIFIER_MAX_CHARS:
            return queryset.none()
        return queryset.filter(people__contains=[person])

    def filter_office(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(office__code=value.strip().upper()[:10])

"""Filters of stay permit applications, issued permits and stay exceptions.

They narrow what the selectors return for the caller, never widen it: a filter on an office
outside the caller's scope simply finds nothing.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from permits.models import ApplicationKind, PermitStatus, PermitType, StayPermit, StayPermitApplication
from permits.selectors import StayState
from permits.workflow import Status


def _code(value: str) -> str:
    return "".join(value.split()).upper()


class OfficeFilterMixin(django_filters.FilterSet):
    office = django_filters.CharFilter(method="filter_office", help_text=_("Office code, e.g. SMG."))

    def filter_office(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(office__code=_code(value))


class PermitApplicationFilter(OfficeFilterMixin):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    permit_type = django_filters.ChoiceFilter(choices=PermitType.choices)
    application_kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices)
    nationality = django_filters.CharFilter(
        method="filter_nationality", help_text=_("The foreigner's nationality, ISO alpha-3 (GBR).")
    )
    sponsor = django_filters.CharFilter(method="filter_sponsor", help_text=_("The sponsor's NIB or NIK."))
    created_after = django_filters.DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text=_("Submitted at or after: an ISO 8601 date or date-time.")
    )
    created_before = django_filters.DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text=_("Submitted before: an ISO 8601 date or date-time.")
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text=_("A reference (or its start), a foreigner's exact passport number, or part of a name."),
    )

    class Meta:
        model = StayPermitApplication
        fields: list[str] = []

    def filter_nationality(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(foreigner__nationality=_code(value))

    def filter_sponsor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = _code(value)
        return queryset.filter(Q(sponsor__nib=value) | Q(sponsor__nik=value)) if value else queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__startswith=value.upper())
            | Q(foreigner__passport_number=_code(value))
            | Q(foreigner__full_name__icontains=value)
        )


class StayPermitFilter(OfficeFilterMixin):
    type = django_filters.ChoiceFilter(field_name="permit_type", choices=PermitType.choices)
    nationality = django_filters.CharFilter(
        method="filter_nationality", help_text=_("The holder's nationality, ISO alpha-3 (GBR).")
    )
    status = django_filters.ChoiceFilter(choices=PermitStatus.choices)
    expires_before = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="lt", help_text=_("Last day before this date.")
    )
    expires_after = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="gte", help_text=_("Last day on or after this date.")
    )

    class Meta:
        model = StayPermit
        fields: list[str] = []

    def filter_nationality(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(holder__nationality=_code(value))


class StayExceptionFilter(OfficeFilterMixin):
    state = django_filters.ChoiceFilter(
        choices=[(StayState.PROTECTED, _("Protected")), (StayState.OVERSTAYING, _("Overstaying"))],
        method="filter_state",
        help_text=_("protected: a pending application filed in time; overstaying: none."),
    )

    class Meta:
        model = StayPermit
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Declared so the value is checked and documented; the view passes it to the selector."""
        return queryset

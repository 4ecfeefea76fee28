import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from offices.models import Office, OfficeClass


class OfficeFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", help_text=_("Province code (33) or name (Jawa Tengah)."))
    office_class = django_filters.ChoiceFilter(field_name="office_class", choices=OfficeClass.choices)
    tpi = django_filters.BooleanFilter()
    active = django_filters.BooleanFilter(field_name="is_active")
    q = django_filters.CharFilter(method="filter_q", help_text=_("Part of the name or city."))

    class Meta:
        model = Office
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(region__code=value) | Q(region__name__iexact=value))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value))

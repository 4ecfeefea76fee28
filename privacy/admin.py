"""The access log in the admin: national administrators read it, and export one person's entries.

The list filters by period, door, outcome and office; the search box takes a NIK or passport
number (the reads that showed that person) or a username (the reads that user made). With a
person searched, the page offers the CSV of that person's entries for a data-subject request.
Nobody adds, changes or deletes rows here; the database would refuse it anyway.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offices.admin_checks import CheckedInputAdminMixin
from privacy.exports import accesses_csv_response
from privacy.models import Door, PersonalDataAccess
from privacy.selectors import (
    IDENTIFIER_MAX_CHARS,
    access_log_readable_by,
    accesses_of_person,
    identifier_normalized,
)
from privacy.services import personal_data_access_record


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(CheckedInputAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "address", "door", "outcome", "status_code", "office", "path", "people_count"]
    list_filter = [("at", admin.DateFieldListFilter), "door", "outcome", "office", "user"]
    search_fields = ["=username"]
    search_help_text = gettext_lazy("A NIK or passport number (the reads that showed this person) or a username.")
    list_select_related = ["office"]
    show_full_result_count = False
    ordering = ["-at", "-id"]
    change_list_template = "admin/privacy/personaldataaccess/change_list.html"

    # Read-only, and only for national administrators ----------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_log_readable_by(request.user)

    def has_view_permission(self, request: HttpRequest, obj: PersonalDataAccess | None = None) -> bool:
        return access_log_readable_by(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PersonalDataAccess | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PersonalDataAccess | None = None) -> bool:
        return False

    # The list ------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("people"))
    def people_count(self, access: PersonalDataAccess) -> int:
        return len(access.people)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[PersonalDataAccess], search_term: str
    ) -> tuple[QuerySet[PersonalDataAccess], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        person = identifier_normalized(term)
        condition = Q(username=term)
        if len(person) <= IDENTIFIER_MAX_CHARS:
            condition |= Q(people__contains=[person])
        return queryset.filter(condition), False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        term = request.GET.get("q", "").strip()
        context = {**(extra_context or {}), "person": term}
        response = super().changelist_view(request, context)
        if any(character.isdigit() for character in term) and getattr(response, "context_data", None) is not None:
            # Looking up who saw a person is itself a read of that person's data. Every NIK and
            # passport number holds a digit; a search for a username names no person.
            personal_data_access_record(
                request=request, door=Door.ADMIN, status_code=response.status_code, people=[identifier_normalized(term)]
            )
        return response

    # One person's entries as CSV ---------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The CSV of every read that showed the person of ``?person=`` (a NIK or passport number).

        The file is named by the identifier's last four characters only: a download's name is
        kept by browsers and proxies.
        """
        if not self.has_view_permission(request):
            personal_data_access_record(request=request, door=Door.EXPORT, status_code=403, refused=True)
            raise PermissionDenied
        person = identifier_normalized(request.GET.get("person", ""))
        if not person:
            self.message_user(request, _("Name the person: a NIK or passport number."), level="warning")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        response = accesses_csv_response(
            accesses=accesses_of_person(person).iterator(), filename=f"personal-data-accesses_{person[-4:]}.csv"
        )
        personal_data_access_record(
            request=request, door=Door.EXPORT, status_code=response.status_code, people=[person]
        )
        return response

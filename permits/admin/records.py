"""Admin of what stay permit applications produce: issued permits, foreigners with where they
stand today, sponsors, and the list of holders in protected stay or overstaying.

Every list reads its rows from the ``permits.selectors`` the API uses, and stays fast at millions
of rows: no full count, a capped-count paginator, related rows joined, no ``date_hierarchy``.
Nothing here writes, except a superuser correcting a foreigner or a sponsor.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.admin import CappedCountPaginator, ScopedOfficeFilter, rupiah
from offices.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from offices.models import Outage
from offices.outages import outages_active
from permits.models import Foreigner, Sponsor, StayException, StayPermit, StayPermitApplication
from permits.selectors import (
    Stay,
    StayState,
    foreigner_stay,
    foreigners_visible_to,
    sponsors_visible_to,
    stay_exceptions_visible_to,
    stay_of_exception,
    stay_permits_visible_to,
)
from privacy.recording import PersonalDataAdminMixin

# The states of a holder whose last permit has ended.
STATE_LABELS = {StayState.PROTECTED: _("Protected stay"), StayState.OVERSTAYING: _("Overstaying")}


def _outages_text(outages: list[Outage]) -> str:
    return ", ".join(f"#{outage.pk} ({outage.scope_label}): {outage.reason}" for outage in outages)


def stay_summary(stay: Stay) -> SafeString:
    """Where a foreigner stands, in the sentences staff read out at the counter."""
    if stay.state == StayState.COVERED:
        return format_html(
            "{}",
            _("Covered by permit %(number)s (%(type)s) until %(until)s.")
            % {
                "number": stay.permit.number,
                "type": stay.permit.get_permit_type_display(),
                "until": stay.permit.valid_until,
            },
        )
    if stay.state == StayState.PROTECTED:
        application = stay.application
        return format_html(
            "{}<br>{}",
            _(
                "Protected stay since %(since)s: permit %(number)s ended on %(ended)s, and application "
                "%(reference)s (%(status)s), filed on %(filed)s, is pending."
            )
            % {
                "since": stay.since,
                "number": stay.permit.number,
                "ended": stay.permit.valid_until,
                "reference": application.reference,
                "status": application.get_status_display(),
                "filed": application.filed_on,
            },
            _("Held by outage %(outages)s.") % {"outages": _outages_text(stay.held_by)}
            if stay.held_by
            else _("Not held by an outage: the application is in ordinary processing."),
        )
    if stay.state == StayState.OVERSTAYING:
        return format_html(
            "{}",
            _(
                "Overstaying since %(since)s: permit %(number)s ended on %(ended)s. "
                "%(days)s days of overstay, fine %(fine)s."
            )
            % {
                "since": stay.since,
                "number": stay.permit.number,
                "ended": stay.permit.valid_until,
                "days": stay.overstay_days,
                "fine": rupiah(stay.fine_idr),
            },
        )
    return format_html("{}", _("No stay permit recorded for this foreigner."))


def nationality_codes_named(term: str) -> list[str]:
    """Alpha-3 codes of the countries whose name, in the user's language, contains ``term``.

    Staff search by the name they hear ("Australia") as well as by the code on the passport.
    """
    term = term.strip().casefold()
    if len(term) < 4:
        return []
    return [countries.alpha3(code) for code, name in countries if term in str(name).casefold()]


# Stay permit applications --------------------------------------------------------------------------


class ReadOnlyAdmin(PersonalDataAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A scoped list of people's records written only by services: nobody adds, changes or deletes here."""

    show_full_result_count = False
    paginator = CappedCountPaginator


@admin.register(StayPermit)
class StayPermitAdmin(ReadOnlyAdmin):
    """Permits as issued, from ``stay_permits_visible_to``; created only by the "issue" step."""

    list_display = [
        "number",
        "permit_type",
        "holder_name",
        "nationality",
        "passport_number",
        "sponsor_name",
        "office",
        "valid_from",
        "valid_until",
        "status",
    ]
    list_filter = ["permit_type", "status", ("office", ScopedOfficeFilter)]
    search_fields = [
        "=number",
        "=holder__passport_number",
        "holder__full_name",
        "=holder__nationality",
        "sponsor__name",
        "=sponsor__nib",
    ]
    list_select_related = ["office", "holder", "sponsor"]
    not_found_message = _("No such permit.")

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[StayPermit]:
        return stay_permits_visible_to(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[StayPermit], search_term: str
    ) -> tuple[QuerySet[StayPermit], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        codes = nationality_codes_named(search_term)
        if codes:
            found = found | queryset.filter(holder__nationality__in=codes)
        return found, may_have_duplicates

    @admin.display(description=_("holder"), ordering="holder__full_name")
    def holder_name(self, obj: StayPermit) -> str:
        return obj.holder.full_name

    @admin.display(description=_("nationality"), ordering="holder__nationality")
    def nationality(self, obj: StayPermit) -> str:
        return obj.holder.nationality

    @admin.display(description=_("passport number"), ordering="holder__passport_number")
    def passport_number(self, obj: StayPermit) -> str:
        return obj.holder.passport_number

    @admin.display(description=_("sponsor"), ordering="sponsor__name")
    def sponsor_name(self, obj: StayPermit) -> str:
        return obj.sponsor.name


# Foreigners and sponsors ---------------------------------------------------------------------------


@admin.register(Foreigner)
class ForeignerAdmin(PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Foreigners with a case or a permit in the user's scope; edited only by superusers.

    Office staff correct a foreigner's record by taking in an application, which goes through the
    service's rules (a new passport moves the record, it does not make a new person). The page
    says where the foreigner stands today, which is what staff are asked at the counter.
    """

    list_display = ["full_name", "nationality", "passport_number", "passport_expiry", "birth_date", "sex"]
    search_fields = ["=passport_number", "=previous_passport_number", "full_name"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    not_found_message = _("No such foreigner.")
    readonly_fields = ["stay_today"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    "nationality",
                    "passport_number",
                    "passport_expiry",
                    "previous_passport_number",
                    "birth_date",
                    "sex",
                    "address",
                    "phone",
                    "email",
                ]
            },
        ),
        (_("Stay today"), {"fields": ["stay_today"]}),
    ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Foreigner]:
        return foreigners_visible_to(request.user)

    def get_fieldsets(self, request: HttpRequest, obj: Foreigner | None = None) -> list:
        # A new record has no stay to show.
        return self.fieldsets if obj is not None else self.fieldsets[:1]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Foreigner | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Foreigner | None = None) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("where the foreigner stands today"))
    def stay_today(self, obj: Foreigner) -> SafeString:
        return stay_summary(foreigner_stay(obj))


@admin.register(Sponsor)
class SponsorAdmin(PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Sponsors of the applications and permits in the user's scope; edited only by superusers."""

    list_display = ["name", "kind", "nib", "nik", "phone", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "=nib", "=nik"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    not_found_message = _("No such sponsor.")

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Sponsor]:
        return sponsors_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Sponsor | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Sponsor | None = None) -> bool:
        return request.user.is_superuser


# Protected stays and overstays ---------------------------------------------------------------------


class StayStateFilter(admin.SimpleListFilter):
    """Protected or overstaying, by the selector's ``protecting_id``: the timely pending application.

    Filtering the rows the admin already has (rather than asking the selector again with
    ``state=``) keeps search, the other filters and the facet counts working on one queryset.
    """

    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(STATE_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in STATE_LABELS:
            return queryset
        return queryset.filter(protecting_id__isnull=self.value() == StayState.OVERSTAYING)


@admin.register(StayException)
class StayExceptionAdmin(ReadOnlyAdmin):
    """Holders whose last permit has ended: protected by a timely application, or overstaying.

    Rows come from ``stay_exceptions_visible_to``, which also decides the state, so the list, the
    API and the reports agree on who overstays. Each row's stay (since when, held by which outage,
    the fine) is worked out for the page's rows only, with the applications and the active
    outages read once per page.
    """

    list_display = [
        "state",
        "holder_name",
        "nationality",
        "number",
        "office",
        "expired_on",
        "since",
        "application_reference",
        "held_by",
        "overstay_days",
        "fine",
    ]
    list_filter = [StayStateFilter]
    search_fields = ["=number", "=holder__passport_number", "holder__full_name"]
    # The sponsor too: a person sponsor is named in the personal-data access log.
    list_select_related = ["office", "holder", "sponsor"]
    ordering = ["valid_until", "pk"]
    not_found_message = _("No such protected stay or overstay.")
    fields = [
        "number",
        "permit_type",
        "holder",
        "sponsor",
        "office",
        "valid_from",
        "valid_until",
        "status",
        "state",
        "since",
        "application_reference",
        "held_by",
        "overstay_days",
        "fine",
    ]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[StayPermit]:
        return stay_exceptions_visible_to(request.user)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        changelist.result_list = self._with_stays(list(changelist.result_list))
        return changelist

    def _with_stays(self, permits: list[StayPermit]) -> list[StayPermit]:
        protecting = [permit.protecting_id for permit in permits if permit.protecting_id is not None]
        applications, active = {}, []
        if protecting:
            applications = StayPermitApplication.objects.select_related("office").in_bulk(protecting)
            active = outages_active()
        for permit in permits:
            permit.stay = stay_of_exception(permit, applications=applications, active_outages=active)
        return permits

    def _stay(self, obj: StayPermit) -> Stay:
        if not hasattr(obj, "stay"):
            obj.stay = stay_of_exception(obj)
        return obj.stay

    @admin.display(description=_("state"))
    def state(self, obj: StayPermit) -> str:
        return STATE_LABELS[self._stay(obj).state]

    @admin.display(description=_("holder"), ordering="holder__full_name")
    def holder_name(self, obj: StayPermit) -> str:
        return obj.holder.full_name

    @admin.display(description=_("nationality"), ordering="holder__nationality")
    def nationality(self, obj: StayPermit) -> str:
        return obj.holder.nationality

    @admin.display(description=_("expired on"), ordering="valid_until")
    def expired_on(self, obj: StayPermit) -> Any:
        return obj.valid_until

    @admin.display(description=_("since"))
    def since(self, obj: StayPermit) -> Any:
        return self._stay(obj).since

    @admin.display(description=_("application"))
    def application_reference(self, obj: StayPermit) -> str:
        application = self._stay(obj).application
        return application.reference if application else "—"

    @admin.display(description=_("held by"))
    def held_by(self, obj: StayPermit) -> str:
        return _outages_text(self._stay(obj).held_by) or "—"

    @admin.display(description=_("overstay days"))
    def overstay_days(self, obj: StayPermit) -> int:
        return self._stay(obj).overstay_days

    @admin.display(description=_("fine"))
    def fine(self, obj: StayPermit) -> str:
        return rupiah(self._stay(obj).fine_idr)

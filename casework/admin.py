"""Admin pieces every kind of case shares: the case admin, a paginator that never counts a whole
table, an office filter, and the notification outbox (read-only, scoped by office).

``CaseAdmin`` is a thin view over a kind's services. A case is created only by its submit service
(through a ``CaseIntakeForm``) and changed only by its act service: the change page is read-only,
and each action the user's roles allow from the current status is a button that leads to a small
form for the action's inputs. Every refusal of a service (an outage, a wrong status, a missing
role, a stale page, bad input) comes back as an admin message or a form error, never as a server
error. Passports and stay permits configure it with their workflow, services and fields.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from casework.admin_forms import ActionForm, CaseIntakeForm, form_errors_from, outage_refusal
from casework.history import case_timeline
from casework.models import Attribution, Case, Notification, version_parse
from casework.selectors import case_held_by
from casework.workflow import Workflow
from offices.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from offices.outages import OutageActive
from offices.roles import Role
from offices.selectors import offices_visible_to, offices_with_role, user_scope
from plumbing.refusals import Refusal

# Labels of the actions every kind of case has, and of the timeline's system entries; a kind adds
# its own steps through ``CaseAdmin.action_labels``.
ACTION_LABELS: dict[str, str] = {
    "submit": _("Submit"),
    "return_documents": _("Return documents"),
    "resubmit": _("Resubmit"),
    "verify": _("Verify"),
    "record_payment": _("Record payment"),
    "capture_biometrics": _("Capture biometrics"),
    "interview": _("Interview"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "cancel": _("Cancel application"),
    "expire": _("Expire"),
    "update": _("Update"),
    "create": _("Created"),
    "release_dated": _("Dated by the release"),
    "release_withdrawn": _("Date withdrawn: held again by an outage"),
    "unknown": _("Unknown step"),
}
# What the timeline's "who" says where no person is named: a step carried over without a
# trustworthy actor says so, rather than leaving the cell blank as if nobody had acted.
TIMELINE_NOBODY: dict[str, str] = {Attribution.UNKNOWN: _("Attribution unknown")}


class CappedCountPaginator(Paginator):
    """Counts at most ``count_cap`` rows, so a list page costs the same at any table size.

    The admin numbers its pages from ``COUNT(*)`` of the filtered list; at millions of cases that
    count reads every matching row on every page view. Counting ``LIMIT count_cap`` rows instead
    (``SELECT COUNT(*) FROM (… LIMIT n)``) bounds the work whatever the table holds, and stays
    exact for the lists people actually page through: one office's queue, a status, a search. An
    estimate from the planner (``pg_class.reltuples`` or ``EXPLAIN``) was not chosen: it is only
    good for an unfiltered table, and admin lists are always filtered by the user's scope.

    Past the cap, the count reads as ``count_cap`` and later pages are not offered; filters and
    search narrow the list instead. Use with ``show_full_result_count = False``, which drops the
    admin's second, unfiltered count.
    """

    count_cap = 10_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Unordered, so the database stops at the cap instead of sorting every match first.
            return self.object_list.order_by()[: self.count_cap].count()
        return min(len(self.object_list), self.count_cap)


def rupiah(amount: int) -> str:
    """An amount as Indonesians write it: Rp950.000."""
    return f"Rp{amount:,}".replace(",", ".")


class ScopedOfficeFilter(admin.RelatedFieldListFilter):
    """Offers only the offices the user may read, not all 145."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        offices = offices_visible_to(request.user).select_related(None).only("code", "name")
        return [(office.pk, str(office)) for office in offices]


class CaseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The admin of one kind of case: intake, the read-only case page, and its workflow actions.

    A subclass names its ``workflow``, its act service (``act_service``, called as
    ``act_service(application=…, action=…, actor=…, note=…, expected_version=…, **inputs)``), its
    intake form (a ``CaseIntakeForm`` calling the submit service), the fieldsets of the add and
    change pages, and the labels and input fields of the actions only it has. Rows come from the
    kind's selector through ``scoped_queryset``.

    Lists stay fast at millions of rows: no full count (``show_full_result_count = False`` and a
    capped-count paginator); subclasses join related rows with ``list_select_related`` and filter
    dates with a list filter rather than ``date_hierarchy``, whose year/month links aggregate the
    whole list.
    """

    workflow: Workflow
    act_service: Callable[..., Case]
    intake_form: type[CaseIntakeForm]
    # Who may take a case in through the admin: API clients submit through the API only.
    intake_roles: frozenset[str] = frozenset({Role.FRONT_DESK})
    action_labels: Mapping[str, str] = {}
    add_fieldsets: list = []
    change_fieldsets: list = []

    show_full_result_count = False
    paginator = CappedCountPaginator
    change_form_template = "admin/casework/case_change_form.html"
    action_form_template = "admin/casework/case_action_form.html"

    # Rows and permissions ----------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Intake is for front desks: the add page offers only their offices.
        return super().has_add_permission(request) and not user_scope(request.user, roles=self.intake_roles).is_empty

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        # Cases change only through their workflow actions; the change page is read-only for all.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    # Actions on several cases ------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Callable[..., Any], str, str]]:
        """Each workflow step that needs no input, for the user who holds its role somewhere.

        An adjudicator approving the cases a released backlog brought back, or a front desk
        verifying a morning's intake, selects them in the list; each case still goes through the
        transition service on its own, with its own checks and its own step in the history.
        """
        actions = super().get_actions(request)
        for step in self.workflow:
            if step.roles and not step.inputs and not user_scope(request.user, roles=step.roles).is_empty:
                name = f"act_{step.name}"
                description = _("%(action)s: the selected cases") % {"action": self.labels[step.name]}
                actions[name] = (self._bulk_action(step.name), name, description)
        return actions

    def _bulk_action(self, action: str) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], None]:
        def take(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
            done, refused = 0, []
            for case in queryset.select_related("office").order_by("pk"):
                try:
                    self.act_service(application=case, action=action, actor=request.user)
                except OutageActive as refusal:
                    refused.append(f"{case.reference} ({outage_refusal(refusal, office=case.office)})")
                except ValidationError as error:
                    refused.append(f"{case.reference} ({'; '.join(error.messages)})")
                except Refusal as refusal:
                    refused.append(f"{case.reference} ({refusal.detail})")
                else:
                    done += 1
            label = self.labels[action]
            if done:
                messages.success(request, _("%(action)s: done for %(count)d cases.") % {"action": label, "count": done})
            if refused:
                messages.warning(
                    request, _("%(action)s: refused for %(cases)s.") % {"action": label, "cases": "; ".join(refused)}
                )

        return take

    # Forms -------------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Case | None = None) -> list:
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        return [] if obj is None else flatten_fieldsets(self.change_fieldsets)

    def get_form(
        self, request: HttpRequest, obj: Case | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = self.intake_form
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name == "office":
            kwargs["queryset"] = offices_with_role(request.user, roles=self.intake_roles)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Case, form: forms.ModelForm, change: bool) -> None:
        """Nothing to save: the intake form submitted the case through the service."""

    # The case page and its actions ---------------------------------------------------------------

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every action's label: the shared ones and this kind's own."""
        return {**ACTION_LABELS, **self.action_labels}

    @cached_property
    def status_labels(self) -> dict[str, str]:
        return dict(self.model._meta.get_field("status").flatchoices)

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _change_url(self, case: Case) -> str:
        return reverse(f"admin:{self._url_name('change')}", args=[case.pk], current_app=self.admin_site.name)

    def case_page_context(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        """What the case page shows besides its fields: action buttons, what holds it, the timeline.

        Times are the office's local times, as its staff and applicants read them.
        """
        zone = case.office.zone
        return {
            "case_actions": [
                {
                    "name": name,
                    "label": self.labels[name],
                    "url": reverse(
                        f"admin:{self._url_name('act')}",
                        args=[case.pk, self.workflow[name].slug],
                        current_app=self.admin_site.name,
                    )
                    + f"?version={case.version}",
                }
                for name in self.workflow.available(case=case, user=request.user)
            ],
            "held_by": case_held_by(case),
            "timeline": [
                {
                    "at": timezone.localtime(entry.at, zone),
                    "action": self.labels.get(entry.action, entry.action),
                    "from_status": self.status_labels.get(entry.from_status, entry.from_status)
                    if entry.from_status
                    else "",
                    "to_status": self.status_labels.get(entry.to_status, entry.to_status),
                    "actor": entry.actor or TIMELINE_NOBODY.get(entry.attribution, ""),
                    "office": entry.office,
                    "origin": entry.origin,
                    "note": entry.note,
                }
                for entry in case_timeline(case)
            ],
        }

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        case = self.get_scoped_object_or_404(request, object_id)
        context = {**self.case_page_context(request, case), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name=self._url_name("act"),
            ),
            *super().get_urls(),
        ]

    def action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """A small form for one action's inputs; posting it takes the action through the service."""
        case = self.get_scoped_object_or_404(request, object_id)
        step = self.workflow.by_slug(action)
        if step is None or not step.roles:
            raise Http404(_("No such action."))
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        change_url = self._change_url(case)
        label = self.labels[step.name]
        if request.method == "POST":
            form = ActionForm(request.POST, case=case, step=step)
            if form.is_valid():
                try:
                    self.act_service(
                        application=case,
                        action=step.name,
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        expected_version=form.cleaned_data["expected_version"],
                        **form.inputs(),
                    )
                except ValidationError as error:
                    form_errors_from(form, error)
                except OutageActive as refusal:
                    messages.error(request, outage_refusal(refusal, office=case.office))
                    return HttpResponseRedirect(change_url)
                except Refusal as refusal:
                    messages.error(request, str(refusal.detail))
                    return HttpResponseRedirect(change_url)
                else:
                    messages.success(
                        request, _("%(action)s: done for %(reference)s.") % {"action": label, "reference": case}
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = ActionForm(
                initial={"expected_version": version_parse(request.GET.get("version", "")) or case.version},
                case=case,
                step=step,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": case,
            "title": f"{label}: {case}",
            "form": form,
            "step": step,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.action_form_template, context)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The outbox, for answering "was the applicant told?"; written only by the case services."""

    list_display = ["case_reference", "office", "event", "channel", "recipient", "status", "attempts", "created_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["=case_reference", "=recipient"]
    list_select_related = ["office"]
    show_full_result_count = False
    paginator = CappedCountPaginator

"""Forms every kind of case shares in the admin: intake through a service, and one workflow action.

Both hand their data to a service and put its refusals back on the form, so neither ever holds a
change the service has not accepted. A kind of case says only what differs: which service takes
its intake in, and which inputs its own actions have.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.inputs import StepInput
from casework.models import Case
from casework.workflow import Action
from offices.models import Office
from offices.outages import OutageActive
from plumbing.limits import NOTE_MAX_LENGTH
from plumbing.refusals import Refusal


def form_errors_from(
    form: forms.BaseForm, error: ValidationError, *, prefixes: Mapping[str, str] | None = None
) -> None:
    """Put a service's ``ValidationError`` on the fields it names.

    A service names the fields of nested records as the API client sent them (``applicant.nik``);
    ``prefixes`` maps each record's prefix to the form's (``{"applicant.": ""}`` puts
    ``applicant.nik`` on ``nik``, ``{"sponsor.": "sponsor_"}`` puts ``sponsor.nib`` on
    ``sponsor_nib``). An error for no field of the form goes to the top of the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name
        for prefix, replacement in (prefixes or {}).items():
            if name.startswith(prefix):
                field = replacement + name.removeprefix(prefix)
                break
        form.add_error(field if field in form.fields else None, errors)


def outage_refusal(refusal: OutageActive, *, office: Office) -> str:
    """Which outage holds the step, since when, why and until when, in the office's local time."""
    outage = refusal.outages[0]
    moment = "%Y-%m-%d %H:%M %Z"
    return _(
        "Refused because of outage #%(id)s (%(scope)s), declared %(since)s: %(reason)s. Expected end: %(end)s."
    ) % {
        "id": outage.pk,
        "scope": outage.scope_label,
        "since": timezone.localtime(outage.declared_at, office.zone).strftime(moment),
        "reason": outage.reason,
        "end": timezone.localtime(outage.expected_end, office.zone).strftime(moment)
        if outage.expected_end
        else _("not announced"),
    }


class CaseIntakeForm(forms.ModelForm):
    """A new case taken in through its kind's submit service (``submit``), never saved by the form.

    Field types come from the models; the rules across fields and records live in the service,
    whose errors are put back on the fields they name (``error_prefixes``). An outage refusing the
    intake (express service, say) is shown on ``outage_field``.
    """

    actor: Any = None
    error_prefixes: Mapping[str, str] = {}
    outage_field: str | None = None

    def submit(self, data: dict[str, Any]) -> Case:
        """Call the kind's submit service with the cleaned data; returns the case it created."""
        raise NotImplementedError

    def _post_clean(self) -> None:
        # Replaces the model validation of a ModelForm: the service validates and creates in one
        # transaction, so the form never holds a case the service has not accepted.
        if self._errors:
            return
        try:
            self.instance = self.submit(self.cleaned_data)
        except ValidationError as error:
            form_errors_from(self, error, prefixes=self.error_prefixes)
        except OutageActive as refusal:
            self.add_error(self.outage_field, outage_refusal(refusal, office=self.cleaned_data["office"]))
        except Refusal as refusal:
            self.add_error(None, str(refusal.detail))


def input_form_field(step_input: StepInput, *, case: Case) -> forms.Field:
    """The admin form's field of one step input (``casework.inputs``), proposing its value for ``case``."""
    options: dict[str, Any] = {"label": step_input.label, "help_text": step_input.help_text}
    if step_input.initial is not None:
        options["initial"] = step_input.initial(case)
    if step_input.type is int:
        return forms.IntegerField(min_value=step_input.min_value, **options)
    if step_input.paragraph:
        options["widget"] = widgets.AdminTextareaWidget(attrs={"rows": 3})
    return forms.CharField(max_length=step_input.max_length, **options)


class ActionForm(forms.Form):
    """The inputs of one workflow action, its optional note, and the version the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=widgets.AdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, step: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        for step_input in step.inputs:
            self.fields[step_input.name] = input_form_field(step_input, case=case)
        self.order_fields([*step.input_names, "note", "expected_version"])

    def inputs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.step.input_names}

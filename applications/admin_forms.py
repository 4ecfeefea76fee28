"""The forms of the passport application admin: intake and the inputs of a workflow action.

Both hand their data to a service (``application_submit``, ``application_act``) and put its
refusals back on the form, so neither ever holds a change the service has not accepted.
"""

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Applicant, PassportApplication
from applications.services import APPLICANT_FIELDS, application_submit
from casework.workflow import Action
from imigrasi.api.problems import Problem
from offices.models import Office
from offices.outages import OutageActive


def form_errors_from(form: forms.BaseForm, error: ValidationError, *, prefix: str = "") -> None:
    """Put a service's ``ValidationError`` on the fields it names (``applicant.nik`` → ``nik``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name.removeprefix(prefix) if prefix else name
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


class IntakeForm(forms.ModelForm):
    """A new application with its applicant, taken in through ``application_submit``.

    Field types come from the models; the rules across fields and records (the NIK against the
    birth date, walk-in priority, validity by age, the express guard) live in the service, whose
    errors are put back on the fields they name.
    """

    actor: Any = None

    nik = Applicant._meta.get_field("nik").formfield()
    full_name = Applicant._meta.get_field("full_name").formfield()
    birth_place = Applicant._meta.get_field("birth_place").formfield()
    birth_date = Applicant._meta.get_field("birth_date").formfield(widget=widgets.AdminDateWidget)
    sex = Applicant._meta.get_field("sex").formfield()
    address = Applicant._meta.get_field("address").formfield(widget=widgets.AdminTextareaWidget(attrs={"rows": 3}))
    phone = Applicant._meta.get_field("phone").formfield()
    email = Applicant._meta.get_field("email").formfield()
    note = forms.CharField(label=_("note"), required=False, widget=widgets.AdminTextareaWidget(attrs={"rows": 2}))

    class Meta:
        model = PassportApplication
        fields = [
            "office",
            "application_type",
            "previous_passport_number",
            "passport_kind",
            "validity_years",
            "service",
            "channel",
            "priority",
        ]

    def _post_clean(self) -> None:
        # Replaces the model validation of a ModelForm: the service validates and creates in one
        # transaction, so the form never holds an application the service has not accepted.
        if self._errors:
            return
        data = self.cleaned_data
        try:
            self.instance = application_submit(
                actor=self.actor,
                office=data["office"],
                applicant={name: data[name] for name in APPLICANT_FIELDS},
                application_type=data["application_type"],
                previous_passport_number=data["previous_passport_number"],
                passport_kind=data["passport_kind"],
                validity_years=data["validity_years"],
                service=data["service"],
                channel=data["channel"],
                priority=data["priority"],
                note=data["note"],
            )
        except ValidationError as error:
            form_errors_from(self, error, prefix="applicant.")
        except OutageActive as refusal:
            self.add_error("service", outage_refusal(refusal, office=data["office"]))
        except Problem as refusal:
            self.add_error(None, str(refusal.detail))


_INPUT_FIELDS = {
    "billing_code": lambda application: forms.CharField(
        label=_("billing code"), max_length=15, help_text=_("The 15-digit billing code (kode billing).")
    ),
    "amount_idr": lambda application: forms.IntegerField(
        label=_("amount paid (Rp)"), min_value=0, initial=application.fee_idr
    ),
    "photo_ref": lambda application: forms.CharField(label=_("photo reference"), max_length=200),
    "fingerprints_ref": lambda application: forms.CharField(label=_("fingerprints reference"), max_length=200),
    "reason": lambda application: forms.CharField(
        label=_("reason"), widget=widgets.AdminTextareaWidget(attrs={"rows": 3})
    ),
    "passport_number": lambda application: forms.CharField(label=_("passport number"), max_length=9),
}


class ActionForm(forms.Form):
    """The inputs of one workflow action, its optional note, and the version the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("note"), required=False, widget=widgets.AdminTextareaWidget(attrs={"rows": 2}))

    def __init__(self, *args: Any, application: PassportApplication, step: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        for name in step.inputs:
            self.fields[name] = _INPUT_FIELDS[name](application)
        self.order_fields([*step.inputs, "note", "expected_version"])

    def inputs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.step.inputs}

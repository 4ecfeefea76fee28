"""The forms of the passport application admin: intake, and the inputs only passport steps have.

Intake hands its data to ``application_submit`` and puts its refusals back on the form
(``casework.admin_forms.CaseIntakeForm``); the action forms are casework's, with the passport
number of the print step added.
"""

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.utils.translation import gettext_lazy as _

from applications.models import Applicant, PassportApplication
from applications.services import APPLICANT_FIELDS, application_submit
from casework.admin_forms import CaseIntakeForm
from plumbing.limits import NOTE_MAX_LENGTH


class IntakeForm(CaseIntakeForm):
    """A new application with its applicant, taken in through ``application_submit``.

    The rules across fields and records (the NIK against the birth date, walk-in priority,
    validity by age, the express guard) live in the service; an express outage is shown on the
    service field, where the choice that it refused was made.
    """

    error_prefixes = {"applicant.": ""}
    outage_field = "service"

    nik = Applicant._meta.get_field("nik").formfield()
    full_name = Applicant._meta.get_field("full_name").formfield()
    birth_place = Applicant._meta.get_field("birth_place").formfield()
    birth_date = Applicant._meta.get_field("birth_date").formfield(widget=widgets.AdminDateWidget)
    sex = Applicant._meta.get_field("sex").formfield()
    address = Applicant._meta.get_field("address").formfield(widget=widgets.AdminTextareaWidget(attrs={"rows": 3}))
    phone = Applicant._meta.get_field("phone").formfield()
    email = Applicant._meta.get_field("email").formfield()
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=widgets.AdminTextareaWidget(attrs={"rows": 2}),
    )

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

    def submit(self, data: dict[str, Any]) -> PassportApplication:
        return application_submit(
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

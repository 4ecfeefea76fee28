"""The intake form of the stay permit admin: foreigner, sponsor and application in one page.

It hands its data to ``permit_application_submit`` and puts the service's refusals back on the
fields they name (``casework.admin_forms.CaseIntakeForm``). The foreigner's fields keep their
own names; the sponsor's carry a ``sponsor_`` prefix, since both records have a name, an address,
a phone and an email.
"""

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.utils.translation import gettext_lazy as _

from casework.admin_forms import CaseIntakeForm
from permits.models import Foreigner, Sponsor, StayPermitApplication
from permits.services import FOREIGNER_FIELDS, SPONSOR_FIELDS, permit_application_submit
from plumbing.limits import NOTE_MAX_LENGTH

_TEXTAREA = {"widget": widgets.AdminTextareaWidget(attrs={"rows": 3})}
_DATE = {"widget": widgets.AdminDateWidget}


def _foreigner_field(name: str, **kwargs: Any) -> forms.Field:
    return Foreigner._meta.get_field(name).formfield(**kwargs)


def _sponsor_field(name: str, **kwargs: Any) -> forms.Field:
    return Sponsor._meta.get_field(name).formfield(**kwargs)


class PermitIntakeForm(CaseIntakeForm):
    """A new stay permit application with its foreigner and sponsor, through the submit service.

    The rules across fields and records (the term by permit type, the passport's expiry, a timely
    extension, who may convert, one open application per foreigner) live in the service. An
    extension or conversion names the current permit by its number, as printed on the card.
    """

    error_prefixes = {"foreigner.": "", "sponsor.": "sponsor_"}

    full_name = _foreigner_field("full_name")
    nationality = _foreigner_field("nationality")
    passport_number = _foreigner_field("passport_number")
    passport_expiry = _foreigner_field("passport_expiry", **_DATE)
    previous_passport_number = _foreigner_field("previous_passport_number")
    birth_date = _foreigner_field("birth_date", **_DATE)
    sex = _foreigner_field("sex")
    address = _foreigner_field("address", **_TEXTAREA)
    phone = _foreigner_field("phone")
    email = _foreigner_field("email")

    sponsor_kind = _sponsor_field("kind")
    sponsor_nib = _sponsor_field("nib", help_text=_("A company's 13-digit business number (NIB)."))
    sponsor_nik = _sponsor_field("nik", help_text=_("A citizen sponsor's 16-digit NIK."))
    sponsor_name = _sponsor_field("name")
    sponsor_address = _sponsor_field("address", **_TEXTAREA)
    sponsor_phone = _sponsor_field("phone")
    sponsor_email = _sponsor_field("email")

    current_permit = forms.CharField(
        label=_("current permit number"),
        required=False,
        max_length=32,
        help_text=_("For an extension or a conversion: the number of the permit held now."),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=widgets.AdminTextareaWidget(attrs={"rows": 2}),
    )

    class Meta:
        model = StayPermitApplication
        fields = [
            "office",
            "permit_type",
            "application_kind",
            "purpose",
            "ground",
            "married_since",
            "requested_from",
            "requested_until",
        ]

    def submit(self, data: dict[str, Any]) -> StayPermitApplication:
        return permit_application_submit(
            actor=self.actor,
            office=data["office"],
            foreigner={name: data[name] for name in FOREIGNER_FIELDS},
            sponsor={name: data[f"sponsor_{name}"] for name in SPONSOR_FIELDS},
            permit_type=data["permit_type"],
            application_kind=data["application_kind"],
            purpose=data["purpose"],
            requested_from=data["requested_from"],
            requested_until=data["requested_until"],
            current_permit=data["current_permit"],
            ground=data["ground"],
            married_since=data["married_since"],
            note=data["note"],
        )

"""The inputs of workflow steps, each declared once.

A step's inputs used to be declared twice, as the API serializer's fields and as the admin form's,
and the two disagreed (a passport number of at most 32 characters in one, 9 in the other). Each
input is now one ``StepInput``, named in its workflow's table (``Action.inputs``); the API's input
serializers and the admin's action form are made from it. Lengths are bounds on what is sane to
store: the service checks each value's format and reports it with its own code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from plumbing.limits import NOTE_MAX_LENGTH

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class StepInput:
    name: str
    label: "str | _StrPromise"
    # The value's type: text or a whole number.
    type: type = str
    max_length: int | None = None
    min_value: int | None = None
    help_text: "str | _StrPromise" = ""
    # A paragraph rather than a word or a code: a text area in the admin.
    paragraph: bool = False
    # The value the admin form proposes for a case, such as the fee for the amount paid.
    initial: Callable[[Any], Any] | None = None


BILLING_CODE = StepInput(
    "billing_code", _("billing code"), max_length=32, help_text=_("The 15-digit SIMPONI billing code.")
)
AMOUNT_IDR = StepInput(
    "amount_idr",
    _("amount paid (Rp)"),
    type=int,
    min_value=0,
    help_text=_("Must equal the application's fee."),
    initial=lambda case: case.fee_idr,
)
PHOTO_REF = StepInput(
    "photo_ref", _("photo reference"), max_length=200, help_text=_("Reference in the biometric store, never an image.")
)
FINGERPRINTS_REF = StepInput("fingerprints_ref", _("fingerprints reference"), max_length=200)
REASON = StepInput("reason", _("reason"), max_length=NOTE_MAX_LENGTH, paragraph=True)

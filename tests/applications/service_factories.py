"""Factories of applicants and passport applications, and the payloads of intake, for every test.

``PassportApplicationFactory`` writes an application straight into a given status with the fields
that status implies (timestamps, payment, passport number), so a test of one action does not have
to walk every step before it; the workflow itself is walked by the services and the API in other
tests. ``applicant_data`` is the ``applicant`` argument of ``application_submit``; ``create_body``
and ``applicant_body`` are the API's create request.
"""

import itertools
from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from applications.fees import passport_fee
from applications.models import (
    Applicant,
    ApplicationType,
    Channel,
    PassportApplication,
    PassportKind,
    Service,
    Sex,
)
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.references import reference_next

_sequence = itertools.count(1)
_passport_numbers = itertools.count(1)


def nik_for(*, birth_date: date, sex: str, province: str = "33", sequence: int | None = None) -> str:
    """A NIK that agrees with ``birth_date`` and ``sex``: province, regency, district, date, sequence."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    number = sequence if sequence is not None else next(_sequence) % 9999 + 1
    return f"{province}7401{day:02d}{birth_date:%m%y}{number:04d}"


def passport_number_next() -> str:
    """A passport number no other test application has: two letters and seven digits."""
    return f"XT{next(_passport_numbers):07d}"


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    full_name = factory.Sequence(lambda n: f"Warga Negara {n}")
    birth_place = "Semarang"
    birth_date = date(1990, 5, 17)
    sex = Sex.MALE
    nik = factory.LazyAttribute(lambda applicant: nik_for(birth_date=applicant.birth_date, sex=applicant.sex))
    address = "Jl. Pemuda No. 1, Semarang"
    phone = "+6281234567890"
    email = factory.Sequence(lambda n: f"warga{n}@example.id")


def applicant_data(**overrides: object) -> dict:
    """The ``applicant`` argument of ``application_submit``: a valid citizen unless overridden."""
    birth_date = overrides.get("birth_date", date(1990, 5, 17))
    sex = overrides.get("sex", Sex.MALE)
    data = {
        "nik": nik_for(birth_date=birth_date, sex=sex),
        "full_name": "Budi Santoso",
        "birth_place": "Semarang",
        "birth_date": birth_date,
        "sex": sex,
        "address": "Jl. Pemuda No. 1, Semarang",
        "phone": "0812-3456-7890",
        "email": "budi@example.id",
    }
    data.update(overrides)
    return data


# The fields each status implies, in the order the workflow reaches them.
_STEPS: list[tuple[str, dict]] = [
    (Status.VERIFIED, {"verified_at": True}),
    (Status.PAID, {"paid_at": True, "billing_code": "820240620000001"}),
    (Status.BIOMETRICS_CAPTURED, {"biometrics_captured_at": True, "photo_ref": "bio://photo/1"}),
    (Status.INTERVIEWED, {"interviewed_at": True}),
    (Status.APPROVED, {"approved_at": True}),
    (Status.PRINTED, {"printed_at": True}),
    (Status.ISSUED, {"issued_at": True}),
]


def _fields_for(status: str, fee: int) -> dict:
    now = timezone.now()
    fields: dict = {}
    if status == Status.INCOMPLETE:
        return {"documents_returned_at": now}
    if status == Status.REJECTED:
        return {"verified_at": now, "rejected_at": now, "rejection_reason": "Dokumen palsu"}
    if status == Status.CANCELLED:
        return {"cancelled_at": now, "cancellation_reason": "Permintaan pemohon"}
    for step, values in _STEPS:
        for name, value in values.items():
            fields[name] = now if value is True else value
        if step == Status.PAID:
            fields["amount_paid_idr"] = fee
        if step == Status.BIOMETRICS_CAPTURED:
            fields["fingerprints_ref"] = "bio://fingerprints/1"
        if step == Status.PRINTED:
            fields["passport_number"] = passport_number_next()
            fields["passport_issue_date"] = now.date()
            fields["passport_expiry_date"] = now.date() + timedelta(days=5 * 365)
        if step == status:
            return fields
    return {}


class PassportApplicationFactory(factory.django.DjangoModelFactory):
    """An application at ``office`` (required), already in ``status`` with what that status implies."""

    class Meta:
        model = PassportApplication

    applicant = factory.SubFactory(ApplicantFactory)
    application_type = ApplicationType.NEW
    passport_kind = PassportKind.ELECTRONIC
    validity_years = 5
    service = Service.REGULAR
    channel = Channel.APPOINTMENT
    priority = ""
    status = Status.SUBMITTED
    reference = factory.LazyAttribute(lambda application: reference_next(office=application.office))
    fee_idr = factory.LazyAttribute(
        lambda application: passport_fee(
            passport_kind=application.passport_kind,
            validity_years=application.validity_years,
            service=application.service,
            application_type=application.application_type,
        )
    )

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> PassportApplication:
        fields = _fields_for(str(kwargs["status"]), int(kwargs["fee_idr"]))
        for name, value in fields.items():
            kwargs.setdefault(name, value)
        # What the transition service records on reaching the status: the step it waits for.
        awaiting = PASSPORT_WORKFLOW.awaiting(model_class(status=kwargs["status"]))
        kwargs.setdefault("awaiting", awaiting)
        kwargs.setdefault("ready_at", timezone.now() if awaiting else None)
        return super()._create(model_class, *args, **kwargs)


def action_inputs(action: str, application: PassportApplication) -> dict:
    """Valid inputs of ``action`` for ``application``: what a careful clerk would enter."""
    if action == "record_payment":
        return {"billing_code": "820240620000001", "amount_idr": application.fee_idr}
    if action == "capture_biometrics":
        return {"photo_ref": "bio://photo/abc", "fingerprints_ref": "bio://fingerprints/abc"}
    if action in {"reject", "cancel"}:
        return {"reason": "Pemohon tidak memenuhi syarat"}
    if action == "print":
        return {"passport_number": passport_number_next()}
    return {}


def applicant_body(**overrides: Any) -> dict[str, Any]:
    """The ``applicant`` object of a create request: a man born 17 May 1990, valid NIK."""
    body = {
        "nik": "3374011705900001",
        "full_name": "Budi Santoso",
        "birth_place": "Semarang",
        "birth_date": "1990-05-17",
        "sex": "M",
        "address": "Jl. Pandanaran No. 10, Semarang",
        "phone": "081234567890",
        "email": "budi@example.com",
    }
    return {**body, **overrides}


def create_body(office: str = "SMG", applicant: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid create request: a new 10-year electronic passport by appointment."""
    body = {
        "office": office,
        "applicant": applicant or applicant_body(),
        "application_type": "new",
        "previous_passport_number": "",
        "passport_kind": "electronic",
        "validity_years": 10,
        "service": "regular",
        "channel": "appointment",
        "priority": "",
        "note": "",
    }
    return {**body, **overrides}

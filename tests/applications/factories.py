"""Factories of applicants and passport applications, and request bodies for the API.

Applications made here skip the intake service (to put a case straight into any status); tests of
intake itself go through the API or ``application_submit``.
"""

from datetime import date
from typing import Any

import factory

from applications.fees import passport_fee
from applications.models import Applicant, ApplicationType, Channel, PassportApplication, PassportKind, Service
from applications.workflow import Status
from tests.factories import OfficeFactory


def nik_for(*, birth_date: date, sex: str, sequence: int = 1, area: str = "337401") -> str:
    """A valid NIK for a birth date and sex (Semarang's area code by default)."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{area}{day:02d}{birth_date:%m%y}{sequence:04d}"


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant
        django_get_or_create = ["nik"]

    birth_date = date(1990, 5, 17)
    sex = "M"
    nik = factory.LazyAttributeSequence(
        lambda applicant, n: nik_for(birth_date=applicant.birth_date, sex=applicant.sex, sequence=n % 9999 + 1)
    )
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    birth_place = "Semarang"
    address = "Jl. Pemuda No. 1, Semarang"
    phone = "+6281234567890"
    email = factory.LazyAttribute(lambda applicant: f"{applicant.nik}@example.com")


class PassportApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassportApplication

    office = factory.SubFactory(OfficeFactory)
    applicant = factory.SubFactory(ApplicantFactory)
    reference = factory.LazyAttributeSequence(lambda application, n: f"{application.office.code}-240101-{n + 1:04d}")
    status = Status.SUBMITTED
    application_type = ApplicationType.NEW
    passport_kind = PassportKind.ELECTRONIC
    validity_years = 10
    service = Service.REGULAR
    channel = Channel.APPOINTMENT
    priority = ""
    fee_idr = factory.LazyAttribute(
        lambda application: passport_fee(
            passport_kind=application.passport_kind,
            validity_years=application.validity_years,
            service=application.service,
            application_type=application.application_type,
        )
    )


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

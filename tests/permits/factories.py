"""Factories of foreigners, sponsors, permits and applications, and the intake payloads.

``intake(...)`` gives the keyword arguments of ``permit_application_submit`` (and, as JSON, the
API's create body); ``permit_recorded(...)`` a permit as if issued earlier.
"""

from datetime import date, timedelta
from typing import Any

import factory
from dateutil.relativedelta import relativedelta

from casework.services import case_readiness_set
from permits.models import (
    Foreigner,
    PermitStatus,
    PermitType,
    Sponsor,
    SponsorKind,
    StayPermit,
    StayPermitApplication,
)
from permits.workflow import PERMIT_WORKFLOW

# A passport that outlives any permit: ten and a half years ahead, within what a passport can hold
# (casework.validators.passport_expiry_validate).
FAR_FUTURE = date.today() + relativedelta(years=10, months=6)


class ForeignerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foreigner

    full_name = factory.Sequence(lambda n: f"Foreigner {n}")
    nationality = "AUS"
    passport_number = factory.Sequence(lambda n: f"PA{n:07d}")
    passport_expiry = FAR_FUTURE
    birth_date = date(1985, 3, 14)
    sex = "M"
    address = "Jl. Pemuda 1, Semarang"
    phone = "+61412345678"
    email = factory.Sequence(lambda n: f"wna{n}@example.com")


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    kind = SponsorKind.COMPANY
    nib = factory.Sequence(lambda n: f"{9120000000000 + n:013d}")
    name = factory.Sequence(lambda n: f"PT Penjamin {n}")
    address = "Jl. Pandanaran 2, Semarang"
    phone = "+62247654321"
    email = factory.Sequence(lambda n: f"hr{n}@penjamin.co.id")


class StayPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayPermit

    number = factory.Sequence(lambda n: f"OLD-ITAS-{n:06d}")
    permit_type = PermitType.ITAS
    holder = factory.SubFactory(ForeignerFactory)
    sponsor = factory.SubFactory(SponsorFactory)
    office = None  # give one: the permit's office decides its scope
    valid_from = factory.LazyAttribute(lambda permit: permit.valid_until - timedelta(days=364))
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=20))
    status = PermitStatus.ACTIVE


def foreigner_data(**overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "John Smith",
        "nationality": "GBR",
        "passport_number": "123456789",
        "passport_expiry": FAR_FUTURE,
        "birth_date": date(1980, 5, 17),
        "sex": "M",
        "address": "Jl. Pemuda 10, Semarang",
        "phone": "+447911123456",
        "email": "john@example.com",
        **overrides,
    }


def sponsor_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "company",
        "nib": "9120001234567",
        "name": "PT Maju Bersama",
        "address": "Jl. Pandanaran 5, Semarang",
        "phone": "0247654321",
        "email": "hrd@majubersama.co.id",
        **overrides,
    }


def intake(*, office, **overrides: Any) -> dict[str, Any]:
    """A new ITAS for work, for six months from today: the arguments of ``permit_application_submit``."""
    start = overrides.pop("requested_from", office.local_today())
    return {
        "office": office,
        "foreigner": foreigner_data(**overrides.pop("foreigner", {})),
        "sponsor": sponsor_data(**overrides.pop("sponsor", {})),
        "permit_type": "ITAS",
        "application_kind": "new",
        "purpose": "work",
        "requested_from": start,
        "requested_until": overrides.pop("requested_until", start + timedelta(days=182)),
        **overrides,
    }


def extension_of(permit: StayPermit, *, office, days: int = 182, **overrides: Any) -> dict[str, Any]:
    """An extension of ``permit`` starting the day after it ends, for its holder."""
    holder = permit.holder
    start = permit.valid_until + timedelta(days=1)
    return intake(
        office=office,
        foreigner={
            "full_name": holder.full_name,
            "nationality": holder.nationality,
            "passport_number": holder.passport_number,
            "passport_expiry": holder.passport_expiry,
            "birth_date": holder.birth_date,
            "sex": holder.sex,
            "address": holder.address,
            "phone": holder.phone,
            "email": holder.email,
        },
        permit_type=permit.permit_type,
        application_kind="extension",
        current_permit=permit.number,
        requested_from=start,
        requested_until=start + timedelta(days=days - 1),
        **overrides,
    )


def moved_to(application: StayPermitApplication, status: str) -> StayPermitApplication:
    """``application`` put straight into ``status``, with what the transition service records there.

    For tests whose subject is a later step: the steps before are tested on their own.
    """
    moved = StayPermitApplication(
        status=status, permit_type=application.permit_type, application_kind=application.application_kind
    )
    case_readiness_set(case=moved, workflow=PERMIT_WORKFLOW)
    StayPermitApplication.objects.filter(pk=application.pk).update(
        status=status, awaiting=moved.awaiting, ready_at=moved.ready_at
    )
    application.refresh_from_db()
    return application

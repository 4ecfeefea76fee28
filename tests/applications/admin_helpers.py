"""Building applications for admin tests: valid applicants and cases taken to a given status."""

from datetime import date
from typing import Any

from applications.models import PassportApplication
from applications.services import application_act, application_submit
from offices.models import Office
from offices.roles import Role
from tests.applications.service_factories import nik_for

BIRTH_DATE = date(1990, 5, 17)
BILLING_CODE = "820240620000001"


def applicant_data(*, sequence: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "nik": nik_for(birth_date=BIRTH_DATE, sex="M", sequence=sequence),
        "full_name": f"Budi Santoso {sequence}",
        "birth_place": "Semarang",
        "birth_date": BIRTH_DATE,
        "sex": "M",
        "address": "Jl. Pemuda 1, Semarang",
        "phone": "081234567890",
        "email": "",
        **overrides,
    }


def intake_post_data(*, office: Office, sequence: int = 1, **overrides: Any) -> dict[str, Any]:
    """What the admin add page posts for a new, regular, 10-year electronic passport."""
    applicant = applicant_data(sequence=sequence)
    return {
        "office": office.pk,
        **{name: value for name, value in applicant.items() if name != "birth_date"},
        "birth_date": applicant["birth_date"].isoformat(),
        "application_type": "new",
        "previous_passport_number": "",
        "passport_kind": "electronic",
        "validity_years": "10",
        "service": "regular",
        "channel": "appointment",
        "priority": "",
        "note": "",
        **overrides,
    }


def application_submitted(*, office: Office, actor: Any, sequence: int = 1) -> PassportApplication:
    return application_submit(
        actor=actor,
        office=office,
        applicant=applicant_data(sequence=sequence),
        application_type="new",
        passport_kind="electronic",
        validity_years=10,
        channel="appointment",
    )


# Each step up to the interview, with the role that takes it and its inputs.
STEPS_TO_INTERVIEW = [
    ("verify", Role.FRONT_DESK, {}),
    ("record_payment", Role.FRONT_DESK, {"billing_code": BILLING_CODE, "amount_idr": None}),
    ("capture_biometrics", Role.BIOMETRIC_OPERATOR, {"photo_ref": "bio://photo/1", "fingerprints_ref": "bio://fp/1"}),
    ("interview", Role.INTERVIEWER, {}),
]


def application_interviewed(*, office: Office, member: Any, sequence: int = 1) -> PassportApplication:
    """An application at ``office`` taken through intake, payment, biometrics and the interview."""
    staff = {role: member(role, office=office) for role in {role for _action, role, _inputs in STEPS_TO_INTERVIEW}}
    application = application_submitted(office=office, actor=staff[Role.FRONT_DESK], sequence=sequence)
    for action, role, inputs in STEPS_TO_INTERVIEW:
        values = {name: application.fee_idr if value is None else value for name, value in inputs.items()}
        application = application_act(application=application, action=action, actor=staff[role], **values)
    return application

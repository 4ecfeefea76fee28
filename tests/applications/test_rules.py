"""The rules of a passport application at intake: NIK, phone, applicant reuse, fee, validity, channel."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from applications.fees import LEGAL_BASIS, passport_fee
from applications.models import Applicant, ApplicationType, Channel, PassportApplication, PassportKind, Service, Sex
from applications.services import application_submit
from casework.errors import ActionForbidden
from casework.validators import nik_validate_against, nik_validate_format, phone_normalize
from offices.roles import Role
from tests.applications.service_factories import applicant_data

pytestmark = pytest.mark.django_db


def _submit(office, actor, *, applicant: dict | None = None, **fields) -> PassportApplication:
    values = {
        "application_type": ApplicationType.NEW,
        "passport_kind": PassportKind.ELECTRONIC,
        "validity_years": 5,
        "channel": Channel.APPOINTMENT,
    }
    values.update(fields)
    return application_submit(actor=actor, office=office, applicant=applicant or applicant_data(), **values)


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


@pytest.fixture
def smg(offices):
    return offices["SMG"]


@pytest.fixture
def clerk(member, smg):
    return member(Role.FRONT_DESK, office=smg)


# NIK ------------------------------------------------------------------------------------------

BORN = date(1990, 5, 17)


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("337401170590001", "nik-format"),  # 15 digits
        ("33740117059000123", "nik-format"),  # 17 digits
        ("33740117059o0012", "nik-format"),  # a letter
        ("3374 01170590001", "nik-format"),
        ("2074011705900012", "nik-province"),  # no province 20
        ("9974011705900012", "nik-province"),
        ("1074011705900012", "nik-province"),
        ("3374011705900000", "nik-sequence"),
    ],
)
def test_nik_refused_with_its_code(smg, clerk, nik, code):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, applicant=applicant_data(nik=nik, birth_date=BORN, sex=Sex.MALE))
    assert _codes(refusal.value) == {"applicant.nik": [code]}
    assert not Applicant.objects.exists()


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3374011705900012", BORN, Sex.FEMALE),  # a woman's day is 57
        ("3374015705900012", BORN, Sex.MALE),  # a man's day is 17
        ("3374011805900012", BORN, Sex.MALE),  # another day
        ("3374011706900012", BORN, Sex.MALE),  # another month
        ("3374011705910012", BORN, Sex.MALE),  # another year
    ],
)
def test_nik_date_must_match_birth_date_and_sex(smg, clerk, nik, birth_date, sex):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, applicant=applicant_data(nik=nik, birth_date=birth_date, sex=sex))
    assert _codes(refusal.value) == {"applicant.nik": ["nik-birth-date-mismatch"]}


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3374011705900012", BORN, Sex.MALE),
        ("3374015705900012", BORN, Sex.FEMALE),  # 17 + 40
        ("3174017112010001", date(2001, 12, 31), Sex.FEMALE),  # 31 + 40
        ("9471010101000001", date(2000, 1, 1), Sex.MALE),  # Papua Tengah, province 94
        ("1101012902240001", date(2024, 2, 29), Sex.MALE),
    ],
)
def test_valid_nik_is_accepted(smg, clerk, nik, birth_date, sex):
    application = _submit(smg, clerk, applicant=applicant_data(nik=nik, birth_date=birth_date, sex=sex))
    assert application.applicant.nik == nik


def test_nik_validators_on_their_own():
    nik_validate_format("3374015705900012")
    nik_validate_against("3374015705900012", birth_date=BORN, sex=Sex.FEMALE)
    with pytest.raises(ValidationError) as refusal:
        nik_validate_format("3374019905900012")
    assert refusal.value.code == "nik-date"


# Phone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 34567890"])
def test_phone_is_stored_in_e164(smg, clerk, phone):
    application = _submit(smg, clerk, applicant=applicant_data(phone=phone))
    assert Applicant.objects.get(pk=application.applicant_id).phone == "+6281234567890"


@pytest.mark.parametrize("phone", ["12", "not a phone", "+1 202 555 0143", "0812"])
def test_phone_must_be_indonesian(smg, clerk, phone):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, applicant=applicant_data(phone=phone))
    assert _codes(refusal.value) == {"applicant.phone": ["phone-invalid"]}


def test_landline_in_e164():
    assert phone_normalize("024 3541234") == "+62243541234"


# One applicant per NIK ------------------------------------------------------------------------


def test_second_application_reuses_the_applicant(smg, clerk):
    data = applicant_data(full_name="Budi", email="budi@example.id")
    first = _submit(smg, clerk, applicant=data)
    second = _submit(
        smg,
        clerk,
        applicant={**data, "full_name": "Budi Santoso", "email": "budi.baru@example.id", "phone": "081298765432"},
    )
    assert first.applicant_id == second.applicant_id
    assert Applicant.objects.count() == 1
    applicant = Applicant.objects.get()
    assert (applicant.full_name, applicant.email, applicant.phone) == (
        "Budi Santoso",
        "budi.baru@example.id",
        "+6281298765432",
    )


def test_reused_applicant_must_still_agree_with_the_nik(smg, clerk):
    data = applicant_data()
    _submit(smg, clerk, applicant=data)
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, applicant={**data, "sex": Sex.FEMALE})
    assert _codes(refusal.value) == {"applicant.nik": ["nik-birth-date-mismatch"]}
    assert Applicant.objects.get().sex == Sex.MALE


# Fees -----------------------------------------------------------------------------------------

BASE = {
    (PassportKind.NON_ELECTRONIC, 5): 350_000,
    (PassportKind.NON_ELECTRONIC, 10): 650_000,
    (PassportKind.ELECTRONIC, 5): 650_000,
    (PassportKind.ELECTRONIC, 10): 950_000,
}
SURCHARGE = {
    ApplicationType.NEW: 0,
    ApplicationType.RENEWAL: 0,
    ApplicationType.REPLACEMENT_LOST: 1_000_000,
    ApplicationType.REPLACEMENT_DAMAGED: 500_000,
}
EXPRESS = {Service.REGULAR: 0, Service.EXPRESS: 1_000_000}


@pytest.mark.parametrize(("kind", "validity"), list(BASE))
@pytest.mark.parametrize("application_type", list(SURCHARGE))
@pytest.mark.parametrize("service", list(EXPRESS))
def test_fee_table(kind, validity, application_type, service):
    expected = BASE[(kind, validity)] + SURCHARGE[application_type] + EXPRESS[service]
    fee = passport_fee(passport_kind=kind, validity_years=validity, service=service, application_type=application_type)
    assert fee == expected


def test_fee_table_names_its_legal_basis():
    assert LEGAL_BASIS == "PP 45/2024"


@pytest.mark.parametrize(
    ("fields", "fee"),
    [
        ({}, 650_000),
        ({"passport_kind": PassportKind.NON_ELECTRONIC}, 350_000),
        ({"validity_years": 10, "service": Service.EXPRESS}, 1_950_000),
        ({"application_type": ApplicationType.REPLACEMENT_LOST, "previous_passport_number": "B1234567"}, 1_650_000),
        (
            {
                "application_type": ApplicationType.REPLACEMENT_DAMAGED,
                "previous_passport_number": "b1234567",
                "passport_kind": PassportKind.NON_ELECTRONIC,
                "validity_years": 10,
                "service": Service.EXPRESS,
            },
            2_150_000,
        ),
    ],
)
def test_submitted_application_carries_its_fee(smg, clerk, fields, fee):
    application = _submit(smg, clerk, **fields)
    assert PassportApplication.objects.get(pk=application.pk).fee_idr == fee


# Validity, channel, previous passport ---------------------------------------------------------


def test_ten_years_refused_under_17(smg, clerk):
    seventeenth_birthday_tomorrow = smg.local_today() - relativedelta(years=17) + timedelta(days=1)
    data = applicant_data(birth_date=seventeenth_birthday_tomorrow)
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, applicant=data, validity_years=10)
    assert _codes(refusal.value) == {"validity_years": ["validity-age"]}
    assert _submit(smg, clerk, applicant=data, validity_years=5).validity_years == 5


def test_ten_years_from_the_17th_birthday(smg, clerk):
    data = applicant_data(birth_date=smg.local_today() - relativedelta(years=17))
    assert _submit(smg, clerk, applicant=data, validity_years=10).fee_idr == 950_000


def test_walk_in_needs_priority(smg, clerk):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, channel=Channel.WALK_IN)
    assert _codes(refusal.value) == {"priority": ["walk-in-needs-priority"]}
    assert _submit(smg, clerk, channel=Channel.WALK_IN, priority="elderly").priority == "elderly"


def test_priority_only_for_walk_in(smg, clerk):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, channel=Channel.APPOINTMENT, priority="pregnant")
    assert _codes(refusal.value) == {"priority": ["priority-needs-walk-in"]}


@pytest.mark.parametrize(
    "application_type",
    [ApplicationType.RENEWAL, ApplicationType.REPLACEMENT_LOST, ApplicationType.REPLACEMENT_DAMAGED],
)
def test_previous_passport_required_unless_new(smg, clerk, application_type):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, application_type=application_type, previous_passport_number="  ")
    assert _codes(refusal.value) == {"previous_passport_number": ["previous-passport-required"]}
    application = _submit(smg, clerk, application_type=application_type, previous_passport_number="b 1234567")
    assert application.previous_passport_number == "B1234567"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("validity_years", 7),
        ("passport_kind", "paper"),
        ("service", "vip"),
        ("channel", "fax"),
        ("application_type", "x"),
    ],
)
def test_unknown_choice_is_a_field_error(smg, clerk, field, value):
    with pytest.raises(ValidationError) as refusal:
        _submit(smg, clerk, **{field: value})
    assert field in refusal.value.error_dict
    assert not PassportApplication.objects.exists()


def test_intake_needs_front_desk_or_api_client_at_the_office(offices, member):
    smg = offices["SMG"]
    for actor in (member(Role.ADJUDICATOR, office=smg), member(Role.FRONT_DESK, office=offices["SBY"])):
        with pytest.raises(ActionForbidden):
            _submit(smg, actor)
    assert not Applicant.objects.exists()
    assert _submit(smg, member(Role.API_CLIENT, office=smg)).status == "submitted"

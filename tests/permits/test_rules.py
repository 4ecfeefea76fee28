"""The rules of a stay permit application at intake, each at its limit and just past it.

Dates are counted from the office's own date, as the service counts them: a rule accepted on its
last allowed day and refused the day after is tested on exactly those two days.
"""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import translation

from casework.errors import ActionForbidden
from offices.roles import Role
from permits.fees import OVERSTAY_FINE_PER_DAY, TARIFFS, permit_fee
from permits.models import (
    ApplicationKind,
    ConversionGround,
    Foreigner,
    PermitStatus,
    PermitType,
    StayPermit,
    StayPermitApplication,
)
from permits.rules import itas_held_since
from permits.services import permit_application_submit
from permits.workflow import Status
from tests.permits.factories import ForeignerFactory, StayPermitFactory, extension_of, intake

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def clerk(member, smg):
    return member(Role.FRONT_DESK, office=smg)


@pytest.fixture
def today(smg) -> date:
    return smg.local_today()


def _submit(clerk, payload: dict) -> StayPermitApplication:
    return permit_application_submit(actor=clerk, **payload)


def _refusal(clerk, payload: dict) -> dict[str, list[str]]:
    """The codes of the refusal, by field; nothing is stored."""
    before = StayPermitApplication.objects.count()
    with pytest.raises(ValidationError) as refusal:
        permit_application_submit(actor=clerk, **payload)
    assert StayPermitApplication.objects.count() == before
    return {field: [item.code for item in items] for field, items in refusal.value.error_dict.items()}


def _messages(clerk, payload: dict, field: str) -> list[str]:
    """The messages of the refusal on ``field``, in English."""
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        permit_application_submit(actor=clerk, **payload)
    return [message for item in refusal.value.error_dict[field] for message in item.messages]


def _permit(office, *, permit_type=PermitType.ITAS, until: date, days: int = 365, **fields) -> StayPermit:
    """A permit recorded earlier, running ``days`` days (both ends included) up to ``until``."""
    return StayPermitFactory(
        office=office, permit_type=permit_type, valid_from=until - timedelta(days=days - 1), valid_until=until, **fields
    )


# A new application ------------------------------------------------------------------------------


def test_a_new_itas_is_taken_in(smg, clerk, today):
    six_months = today + relativedelta(months=6) - DAY
    application = _submit(clerk, intake(office=smg, requested_until=six_months))
    stored = StayPermitApplication.objects.select_related("foreigner", "sponsor").get(pk=application.pk)
    assert stored.status == Status.SUBMITTED
    assert stored.reference == f"SMG-WNA-{today:%y%m%d}-0001"
    assert (stored.permit_type, stored.application_kind, stored.filed_on) == ("ITAS", "new", today)
    assert (stored.requested_from, stored.requested_until) == (today, six_months)
    assert stored.fee_idr == 1_600_000
    assert stored.foreigner.passport_number == "123456789"
    assert stored.sponsor.nib == "9120001234567"
    assert stored.current_permit is None


def test_intake_needs_an_intake_role_at_the_office(smg, sby, member):
    for actor in (member(Role.ADJUDICATOR, office=smg), member(Role.FRONT_DESK, office=sby)):
        with pytest.raises(ActionForbidden) as refusal:
            _submit(actor, intake(office=smg))
        assert (refusal.value.status_code, refusal.value.code) == (403, "permission-denied")
    assert not StayPermitApplication.objects.exists()


def test_an_api_client_takes_in_applications(smg, member):
    application = _submit(member(Role.API_CLIENT, office=smg), intake(office=smg))
    assert application.status == Status.SUBMITTED


def test_itk_runs_30_days_both_ends_included(smg, clerk, today):
    itk = {"permit_type": "ITK", "purpose": "visit"}
    accepted = _submit(clerk, intake(office=smg, requested_until=today + timedelta(days=29), **itk))
    assert accepted.fee_idr == 500_000
    assert _refusal(clerk, intake(office=smg, requested_until=today + timedelta(days=30), **itk)) == {
        "requested_until": ["itk-too-long"]
    }


def test_itas_runs_at_most_two_years(smg, clerk, today):
    last = today + relativedelta(years=2) - DAY
    accepted = _submit(clerk, intake(office=smg, requested_until=last))
    assert accepted.fee_idr == 3_750_000
    refused = intake(office=smg, requested_until=last + DAY, foreigner={"passport_number": "B2"})
    assert _refusal(clerk, refused) == {"requested_until": ["itas-too-long"]}


def test_a_non_investor_cannot_have_five_years(smg, clerk, today):
    payload = intake(office=smg, purpose="work", requested_until=today + relativedelta(years=5) - DAY)
    assert _refusal(clerk, payload) == {"requested_until": ["itas-too-long"]}


@pytest.mark.parametrize(("years", "fee"), [(2, 3_750_000), (5, 7_500_000), (10, 12_500_000)])
def test_an_investor_itas_runs_exactly_2_5_or_10_years(smg, clerk, today, years, fee):
    payload = intake(office=smg, purpose="investment", requested_until=today + relativedelta(years=years) - DAY)
    application = _submit(clerk, payload)
    assert application.fee_idr == fee


@pytest.mark.parametrize(
    "until",
    [
        pytest.param(lambda start: start + relativedelta(years=5), id="5-years-and-a-day"),
        pytest.param(lambda start: start + relativedelta(years=5) - 2 * DAY, id="5-years-less-a-day"),
        pytest.param(lambda start: start + relativedelta(years=3) - DAY, id="3-years"),
        pytest.param(lambda start: start + relativedelta(years=10), id="10-years-and-a-day"),
        pytest.param(lambda start: start + relativedelta(years=10) - 2 * DAY, id="10-years-less-a-day"),
    ],
)
def test_an_investor_itas_beyond_two_years_has_no_other_term(smg, clerk, today, until):
    payload = intake(office=smg, purpose="investment", requested_until=until(today))
    assert _refusal(clerk, payload) == {"requested_until": ["itas-investor-term"]}


def test_an_itap_is_only_obtained_by_conversion(smg, clerk, today):
    payload = intake(
        office=smg, permit_type="ITAP", purpose="family", requested_until=today + relativedelta(years=5) - DAY
    )
    assert _refusal(clerk, payload) == {"application_kind": ["itap-by-conversion-only"]}


def test_a_new_application_names_no_current_permit(smg, clerk, today):
    permit = _permit(smg, until=today + timedelta(days=40))
    payload = {**extension_of(permit, office=smg), "application_kind": "new"}
    assert _refusal(clerk, payload) == {"current_permit": ["current-permit-not-allowed"]}


def test_the_permit_ends_on_or_after_it_starts(smg, clerk, today):
    payload = intake(office=smg, requested_from=today, requested_until=today - DAY)
    assert _refusal(clerk, payload) == {"requested_until": ["validity-order"]}


def test_no_permit_ends_after_the_passport(smg, clerk, today):
    end = today + timedelta(days=182)
    accepted = _submit(clerk, intake(office=smg, requested_until=end, foreigner={"passport_expiry": end}))
    assert accepted.requested_until == accepted.foreigner.passport_expiry == end

    payload = intake(office=smg, requested_until=end, foreigner={"passport_number": "B2", "passport_expiry": end - DAY})
    assert _refusal(clerk, payload) == {"requested_until": ["passport-expires-first"]}
    assert (end - DAY).isoformat() in _messages(clerk, payload, "requested_until")[0]


def test_one_open_application_per_foreigner(smg, clerk, today):
    first = _submit(clerk, intake(office=smg))
    assert _refusal(clerk, intake(office=smg)) == {"foreigner": ["open-application-exists"]}

    # Another passport of the same nationality is another person.
    _submit(clerk, intake(office=smg, foreigner={"passport_number": "OTHER1"}))
    # Once the first is closed, the foreigner may apply again.
    StayPermitApplication.objects.filter(pk=first.pk).update(status=Status.CANCELLED)
    again = _submit(clerk, intake(office=smg))
    assert again.foreigner_id == first.foreigner_id


def test_a_new_passport_keeps_the_same_foreigner(smg, clerk):
    first = _submit(clerk, intake(office=smg))
    StayPermitApplication.objects.filter(pk=first.pk).update(status=Status.CANCELLED)
    renewed = _submit(
        clerk, intake(office=smg, foreigner={"passport_number": "C9876543", "previous_passport_number": "123456789"})
    )
    assert renewed.foreigner_id == first.foreigner_id
    assert Foreigner.objects.get().passport_number == "C9876543"


# Extensions -------------------------------------------------------------------------------------


def test_an_extension_starts_the_day_after_the_current_permit(smg, clerk, today):
    permit = _permit(smg, until=today + timedelta(days=10))
    application = _submit(clerk, extension_of(permit, office=smg))
    assert application.current_permit_id == permit.pk
    assert application.requested_from == permit.valid_until + DAY
    assert application.foreigner_id == permit.holder_id


@pytest.mark.parametrize("shift", [-1, 1, 2])
def test_an_extension_starting_another_day_is_refused(smg, clerk, today, shift):
    permit = _permit(smg, until=today + timedelta(days=10))
    payload = extension_of(permit, office=smg)
    payload["requested_from"] += timedelta(days=shift)
    assert _refusal(clerk, payload) == {"requested_from": ["extension-start"]}


def test_an_extension_filed_on_the_permits_last_day_is_on_time(smg, clerk, today):
    permit = _permit(smg, until=today)
    application = _submit(clerk, extension_of(permit, office=smg))
    assert application.filed_on == permit.valid_until


def test_an_extension_filed_after_expiry_is_late_with_the_overstay_and_fine(smg, clerk, today):
    permit = _permit(smg, until=today - timedelta(days=3), status=PermitStatus.EXPIRED)
    payload = extension_of(permit, office=smg)
    assert _refusal(clerk, payload) == {"current_permit": ["extension-late"]}
    (message,) = _messages(clerk, payload, "current_permit")
    assert permit.valid_until.isoformat() in message
    assert "3 days of overstay" in message
    assert f"Rp{3 * OVERSTAY_FINE_PER_DAY:,}" == "Rp3,000,000"
    assert "Rp3,000,000" in message


def test_an_extension_filed_one_day_late_counts_one_day(smg, clerk, today):
    permit = _permit(smg, until=today - DAY)
    (message,) = _messages(clerk, extension_of(permit, office=smg), "current_permit")
    assert "1 day of overstay" in message
    assert "Rp1,000,000" in message


def test_an_extension_keeps_the_type(smg, clerk, today):
    permit = _permit(smg, permit_type=PermitType.ITK, until=today + timedelta(days=5), days=30)
    payload = {**extension_of(permit, office=smg), "permit_type": "ITAS"}
    assert _refusal(clerk, payload) == {"permit_type": ["extension-type-mismatch"]}


def test_an_itk_is_extended_by_at_most_30_days(smg, clerk, today):
    permit = _permit(smg, permit_type=PermitType.ITK, until=today + timedelta(days=5), days=30)
    assert _refusal(clerk, extension_of(permit, office=smg, days=31, purpose="visit")) == {
        "requested_until": ["itk-too-long"]
    }
    application = _submit(clerk, extension_of(permit, office=smg, days=30, purpose="visit"))
    assert application.requested_until == permit.valid_until + timedelta(days=30)
    assert application.fee_idr == 500_000


def test_an_itk_is_extended_once(smg, clerk, today):
    first = _permit(
        smg, permit_type=PermitType.ITK, until=today - timedelta(days=20), days=30, status=PermitStatus.SUPERSEDED
    )
    extended = _permit(
        smg, permit_type=PermitType.ITK, until=today + timedelta(days=10), days=30, holder=first.holder, previous=first
    )
    assert _refusal(clerk, extension_of(extended, office=smg, days=30, purpose="visit")) == {
        "current_permit": ["itk-extended-once"]
    }


def test_an_itap_extension_is_filed_at_least_60_days_ahead(smg, clerk, today):
    years = relativedelta(years=5)
    on_time = _permit(smg, permit_type=PermitType.ITAP, until=today + timedelta(days=60), days=5 * 365)
    payload = extension_of(on_time, office=smg, purpose="family")
    payload["requested_until"] = payload["requested_from"] + years - DAY
    application = _submit(clerk, payload)
    assert application.fee_idr == 5_000_000

    late = _permit(smg, permit_type=PermitType.ITAP, until=today + timedelta(days=59), days=5 * 365)
    payload = extension_of(late, office=smg, purpose="family")
    payload["requested_until"] = payload["requested_from"] + years - DAY
    assert _refusal(clerk, payload) == {"current_permit": ["itap-extension-too-late"]}
    (message,) = _messages(clerk, payload, "current_permit")
    assert (late.valid_until - timedelta(days=60)).isoformat() in message


def test_an_itap_runs_at_most_five_years(smg, clerk, today):
    permit = _permit(smg, permit_type=PermitType.ITAP, until=today + timedelta(days=100), days=5 * 365)
    payload = extension_of(permit, office=smg, purpose="family")
    payload["requested_until"] = payload["requested_from"] + relativedelta(years=5)
    assert _refusal(clerk, payload) == {"requested_until": ["itap-too-long"]}


def test_an_extension_past_the_passport_is_refused(smg, clerk, today):
    holder = ForeignerFactory(passport_expiry=today + timedelta(days=100))
    permit = _permit(smg, until=today + timedelta(days=10), holder=holder)
    accepted = extension_of(permit, office=smg, days=90)
    assert accepted["requested_until"] == holder.passport_expiry
    assert _refusal(clerk, extension_of(permit, office=smg, days=91)) == {"requested_until": ["passport-expires-first"]}
    assert _submit(clerk, accepted).requested_until == holder.passport_expiry


def test_the_current_permit_is_required_unless_new(smg, clerk, today):
    payload = intake(office=smg, application_kind="extension")
    assert _refusal(clerk, payload) == {"current_permit": ["current-permit-required"]}


def test_an_unknown_current_permit_is_refused(smg, clerk):
    payload = intake(office=smg, application_kind="extension", current_permit="SMG-ITAS-000000-9999")
    assert _refusal(clerk, payload) == {"current_permit": ["does_not_exist"]}


def test_someone_elses_permit_cannot_be_extended(smg, clerk, today):
    permit = _permit(smg, until=today + timedelta(days=10))
    payload = extension_of(permit, office=smg)
    payload["foreigner"]["passport_number"] = "SOMEONE2"
    # Refused like an unknown number: the refusal says nothing of another person's permit.
    assert _refusal(clerk, payload) == {"current_permit": ["does_not_exist"]}


def test_an_unknown_current_permit_is_reported_with_the_other_errors(smg, clerk, today):
    payload = intake(
        office=smg,
        application_kind="extension",
        current_permit="SMG-ITAS-000000-9999",
        requested_until=today + timedelta(days=800),
    )
    assert _refusal(clerk, payload) == {
        "current_permit": ["does_not_exist"],
        "requested_until": ["itas-too-long"],
    }


@pytest.mark.parametrize("status", [PermitStatus.SUPERSEDED, PermitStatus.CANCELLED])
def test_only_the_latest_permit_is_extended(smg, clerk, today, status):
    permit = _permit(smg, until=today + timedelta(days=10), status=status)
    assert _refusal(clerk, extension_of(permit, office=smg)) == {"current_permit": ["current-permit-not-current"]}


# Conversions ------------------------------------------------------------------------------------


def _conversion(permit: StayPermit, *, office, to: str, start: date, years: int = 1, **overrides) -> dict:
    payload = extension_of(permit, office=office, **overrides)
    payload.update(
        application_kind=ApplicationKind.CONVERSION,
        permit_type=to,
        requested_from=start,
        requested_until=start + relativedelta(years=years) - DAY,
    )
    return payload


def test_an_itk_converts_to_an_itas(smg, clerk, today):
    itk = _permit(smg, permit_type=PermitType.ITK, until=today + timedelta(days=10), days=30)
    application = _submit(clerk, _conversion(itk, office=smg, to="ITAS", start=today))
    assert (application.permit_type, application.application_kind) == ("ITAS", "conversion")
    assert application.interview_required


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (PermitType.ITK, PermitType.ITAP),
        (PermitType.ITAS, PermitType.ITK),
        (PermitType.ITAS, PermitType.ITAS),
        (PermitType.ITAP, PermitType.ITAS),
        (PermitType.ITK, PermitType.ITK),
    ],
)
def test_only_itk_to_itas_and_itas_to_itap_convert(smg, clerk, today, current, to):
    permit = _permit(smg, permit_type=current, until=today + timedelta(days=20), days=30)
    payload = _conversion(permit, office=smg, to=to, start=today, ground="marriage", married_since=date(2000, 1, 1))
    payload["requested_until"] = today + timedelta(days=20)
    assert _refusal(clerk, payload) == {"permit_type": ["conversion-not-allowed"]}


def test_a_conversion_is_filed_while_the_permit_runs(smg, clerk, today):
    itk = _permit(smg, permit_type=PermitType.ITK, until=today - DAY, days=30)
    assert _refusal(clerk, _conversion(itk, office=smg, to="ITAS", start=today)) == {
        "current_permit": ["conversion-late"]
    }


def _itas_chain(office, *, since: date, until: date, holder=None, gap_days: int = 0) -> StayPermit:
    """Three ITAS permits, each extending the one before, from ``since`` to ``until``."""
    first_end = since + relativedelta(years=1) - DAY
    first = StayPermitFactory(
        office=office,
        holder=holder or ForeignerFactory(),
        valid_from=since,
        valid_until=first_end,
        status=PermitStatus.SUPERSEDED,
    )
    second_start = first_end + DAY + timedelta(days=gap_days)
    second = StayPermitFactory(
        office=office,
        holder=first.holder,
        valid_from=second_start,
        valid_until=second_start + relativedelta(years=1) - DAY,
        previous=first,
        status=PermitStatus.SUPERSEDED,
    )
    return StayPermitFactory(
        office=office,
        holder=first.holder,
        valid_from=second.valid_until + DAY,
        valid_until=until,
        previous=second,
    )


def test_three_years_on_itas_qualify_for_an_itap(smg, clerk, today):
    current = _itas_chain(smg, since=today - relativedelta(years=3), until=today + timedelta(days=200))
    assert itas_held_since(current) == today - relativedelta(years=3)
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5, ground=ConversionGround.ITAS_YEARS)
    application = _submit(clerk, payload)
    assert (application.permit_type, application.ground) == ("ITAP", "itas_years")
    assert application.requested_until == today + relativedelta(years=5) - DAY
    assert application.needs_national_approval


def test_a_day_short_of_three_years_on_itas_is_refused(smg, clerk, today):
    since = today - relativedelta(years=3) + DAY
    current = _itas_chain(smg, since=since, until=today + timedelta(days=200))
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5, ground=ConversionGround.ITAS_YEARS)
    assert _refusal(clerk, payload) == {"ground": ["itas-years-short"]}
    assert since.isoformat() in _messages(clerk, payload, "ground")[0]


def test_a_gap_between_itas_permits_restarts_the_count(smg, clerk, today):
    current = _itas_chain(smg, since=today - relativedelta(years=4), until=today + timedelta(days=200), gap_days=1)
    assert itas_held_since(current) == current.previous.valid_from
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5, ground=ConversionGround.ITAS_YEARS)
    assert _refusal(clerk, payload) == {"ground": ["itas-years-short"]}


def test_years_on_itk_do_not_count_towards_an_itap(smg, clerk, today):
    itk = StayPermitFactory(
        office=smg,
        permit_type=PermitType.ITK,
        valid_from=today - relativedelta(years=3),
        valid_until=today - relativedelta(years=3) + timedelta(days=29),
        status=PermitStatus.SUPERSEDED,
    )
    itas = StayPermitFactory(
        office=smg, holder=itk.holder, valid_from=itk.valid_until + DAY, valid_until=today + DAY, previous=itk
    )
    assert itas_held_since(itas) == itas.valid_from
    payload = _conversion(itas, office=smg, to="ITAP", start=today, years=5, ground=ConversionGround.ITAS_YEARS)
    assert _refusal(clerk, payload) == {"ground": ["itas-years-short"]}


def test_two_years_of_marriage_qualify_for_an_itap(smg, clerk, today):
    current = _permit(smg, until=today + timedelta(days=100))
    married = today - relativedelta(years=2)
    payload = _conversion(
        current, office=smg, to="ITAP", start=today, years=5, ground="marriage", married_since=married, purpose="family"
    )
    application = _submit(clerk, payload)
    assert (application.ground, application.married_since) == ("marriage", married)


def test_a_day_short_of_two_years_of_marriage_is_refused(smg, clerk, today):
    current = _permit(smg, until=today + timedelta(days=100))
    payload = _conversion(
        current,
        office=smg,
        to="ITAP",
        start=today,
        years=5,
        ground="marriage",
        married_since=today - relativedelta(years=2) + DAY,
    )
    assert _refusal(clerk, payload) == {"married_since": ["marriage-years-short"]}


def test_marriage_needs_its_date(smg, clerk, today):
    current = _permit(smg, until=today + timedelta(days=100))
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5, ground="marriage")
    assert _refusal(clerk, payload) == {"married_since": ["required"]}


def test_an_itap_conversion_needs_a_ground(smg, clerk, today):
    current = _itas_chain(smg, since=today - relativedelta(years=5), until=today + timedelta(days=200))
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5)
    assert _refusal(clerk, payload) == {"ground": ["required"]}


def test_an_itap_conversion_runs_at_most_five_years(smg, clerk, today):
    current = _itas_chain(smg, since=today - relativedelta(years=3), until=today + timedelta(days=200))
    payload = _conversion(current, office=smg, to="ITAP", start=today, years=5, ground=ConversionGround.ITAS_YEARS)
    payload["requested_until"] += DAY
    assert _refusal(clerk, payload) == {"requested_until": ["itap-too-long"]}


# Fees -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("permit_type", "term", "fee"),
    [
        ("ITK", relativedelta(days=30), 500_000),
        ("ITK", relativedelta(days=31), 1_000_000),
        ("ITK", relativedelta(days=60), 1_000_000),
        ("ITK", relativedelta(days=61), None),
        ("ITAS", relativedelta(days=1), 1_600_000),
        ("ITAS", relativedelta(months=6), 1_600_000),
        ("ITAS", relativedelta(months=6, days=1), 2_500_000),
        ("ITAS", relativedelta(years=1), 2_500_000),
        ("ITAS", relativedelta(years=1, days=1), 3_750_000),
        ("ITAS", relativedelta(years=2), 3_750_000),
        ("ITAS", relativedelta(years=2, days=1), 7_500_000),
        ("ITAS", relativedelta(years=5), 7_500_000),
        ("ITAS", relativedelta(years=5, days=1), 12_500_000),
        ("ITAS", relativedelta(years=10), 12_500_000),
        ("ITAS", relativedelta(years=10, days=1), None),
        ("ITAP", relativedelta(years=5), 5_000_000),
        ("ITAP", relativedelta(years=5, days=1), None),
    ],
)
def test_fee_by_term(permit_type, term, fee):
    start = date(2026, 3, 1)
    assert permit_fee(permit_type=permit_type, valid_from=start, valid_until=start + term - DAY) == fee


def test_every_permit_type_has_tariffs_shortest_first():
    assert set(TARIFFS) == {choice.value for choice in PermitType}
    start = date(2026, 1, 1)
    for tariffs in TARIFFS.values():
        ends = [start + term for term, _ in tariffs]
        fees = [fee for _, fee in tariffs]
        assert ends == sorted(ends)
        assert fees == sorted(fees)
        assert all(fee > 0 for fee in fees)


def test_a_new_permit_starts_today_at_the_earliest(smg, clerk, today):
    assert _refusal(clerk, intake(office=smg, requested_from=today - DAY)) == {"requested_from": ["start-in-past"]}
    application = permit_application_submit(actor=clerk, **intake(office=smg, requested_from=today))
    assert application.requested_from == today

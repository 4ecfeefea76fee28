"""Where a holder stands after their permit ends: protected by a timely application, or overstaying.

Time passes by moving the recorded dates back (permit validity, filing and closing days) with
queryset updates: the selectors read the office's date from the database clock, which a frozen
Python clock would not move.
"""

from datetime import date, timedelta

import pytest
from django.db.models import F

from offices.models import Capability, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve, outages_active
from offices.roles import Role
from permits.fees import OVERSTAY_FINE_PER_DAY
from permits.models import PermitStatus, PermitType, StayPermit, StayPermitApplication
from permits.selectors import StayState, foreigner_stay, stay_exceptions_visible_to, stay_of_exception
from permits.services import permit_application_act, permit_application_submit, permits_expire
from permits.workflow import Status
from tests.permits.factories import ForeignerFactory, StayPermitFactory, extension_of

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
STAFF = {
    "verify": Role.FRONT_DESK,
    "record_payment": Role.FRONT_DESK,
    "capture_biometrics": Role.BIOMETRIC_OPERATOR,
    "approve": Role.ADJUDICATOR,
    "reject": Role.ADJUDICATOR,
    "cancel": Role.FRONT_DESK,
    "issue": Role.PRINT_OPERATOR,
}
INPUTS = {
    "record_payment": lambda application: {"billing_code": "820261128000001", "amount_idr": application.fee_idr},
    "capture_biometrics": lambda application: {"photo_ref": "bio://p", "fingerprints_ref": "bio://f"},
    "reject": lambda application: {"reason": "Penjamin tidak memenuhi syarat"},
    "cancel": lambda application: {"reason": "Permintaan pemohon"},
}


@pytest.fixture
def today(smg) -> date:
    return smg.local_today()


@pytest.fixture
def staff(member, smg):
    """One user per role at Semarang, made on first use."""
    users: dict[str, object] = {}

    def get(role: str):
        if role not in users:
            users[role] = member(role, office=smg)
        return users[role]

    return get


def _act(application, action: str, staff) -> StayPermitApplication:
    inputs = INPUTS.get(action, lambda _: {})(application)
    return permit_application_act(application=application, action=action, actor=staff(STAFF[action]), **inputs)


def _file_extension(permit: StayPermit, office, staff, *, through=("verify", "record_payment", "capture_biometrics")):
    application = permit_application_submit(actor=staff(Role.FRONT_DESK), **extension_of(permit, office=office))
    for action in through:
        application = _act(application, action, staff)
    return application


def _days_pass(days: int, *, permits=(), applications=()) -> None:
    """Move the recorded dates ``days`` days into the past, as if that much time had gone by."""
    shift = timedelta(days=days)
    StayPermit.objects.filter(pk__in=[permit.pk for permit in permits]).update(
        valid_from=F("valid_from") - shift, valid_until=F("valid_until") - shift
    )
    StayPermitApplication.objects.filter(pk__in=[application.pk for application in applications]).update(
        filed_on=F("filed_on") - shift,
        closed_on=F("closed_on") - shift,
        requested_from=F("requested_from") - shift,
        requested_until=F("requested_until") - shift,
    )


def _permit(office, *, until: date, **fields) -> StayPermit:
    return StayPermitFactory(office=office, valid_from=until - timedelta(days=181), valid_until=until, **fields)


# The outage story -------------------------------------------------------------------------------


def test_a_timely_extension_held_by_an_outage_protects_the_holder_until_issued(smg, staff, national_admin, today):
    old = _permit(smg, until=today + timedelta(days=3))
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Pusat data SIMKIM padam",
    )
    application = _file_extension(old, smg, staff)
    assert (application.status, application.filed_on) == (Status.BIOMETRICS_CAPTURED, today)
    with pytest.raises(OutageActive) as refusal:
        _act(application, "approve", staff)
    assert (refusal.value.status_code, refusal.value.code) == (409, "outage-active")

    # Ten days later the old permit has ended a week ago; the application still waits.
    _days_pass(10, permits=[old], applications=[application])
    old.refresh_from_db()
    application.refresh_from_db()
    assert old.valid_until == today - timedelta(days=7)
    assert application.requested_from == old.valid_until + DAY
    assert permits_expire() == 1
    old.refresh_from_db()
    assert old.status == PermitStatus.EXPIRED

    stay = foreigner_stay(old.holder)
    assert stay.state == StayState.PROTECTED
    assert (stay.permit, stay.application, stay.since) == (old, application, old.valid_until + DAY)
    assert stay.held_by == [outage]
    assert (stay.overstay_days, stay.fine_idr, stay.day) == (0, 0, today)
    adjudicator = staff(Role.ADJUDICATOR)
    assert list(stay_exceptions_visible_to(adjudicator, state=StayState.PROTECTED)) == [old]
    assert list(stay_exceptions_visible_to(adjudicator, state=StayState.OVERSTAYING)) == []

    with pytest.raises(OutageActive):
        _act(application, "approve", staff)

    outage_resolve(actor=national_admin, outage=outage, note="Pusat data pulih")
    assert foreigner_stay(old.holder).held_by == []
    application = _act(application, "approve", staff)
    application = _act(application, "issue", staff)

    new = StayPermit.objects.get(application=application)
    old.refresh_from_db()
    assert old.status == PermitStatus.SUPERSEDED
    assert (new.previous, new.valid_from, new.status) == (old, old.valid_until + DAY, PermitStatus.ACTIVE)
    assert new.valid_from == today - timedelta(days=6)
    stay = foreigner_stay(old.holder)
    assert (stay.state, stay.permit, stay.since) == (StayState.COVERED, new, new.valid_from)
    assert (stay.overstay_days, stay.fine_idr) == (0, 0)
    assert list(stay_exceptions_visible_to(adjudicator)) == []


def test_a_pending_timely_application_protects_whatever_holds_it(smg, staff, today):
    old = _permit(smg, until=today + timedelta(days=2))
    application = _file_extension(old, smg, staff, through=("verify",))
    _days_pass(12, permits=[old], applications=[application])

    stay = foreigner_stay(old.holder)
    assert (stay.state, stay.application.pk, stay.held_by, stay.overstay_days) == (
        StayState.PROTECTED,
        application.pk,
        [],
        0,
    )
    assert stay.since == today - timedelta(days=9)


def test_an_application_filed_on_the_last_day_protects(smg, staff, today):
    old = _permit(smg, until=today)
    application = _file_extension(old, smg, staff, through=())
    assert application.filed_on == old.valid_until
    _days_pass(5, permits=[old], applications=[application])
    assert foreigner_stay(old.holder).state == StayState.PROTECTED


def test_an_application_filed_after_the_end_does_not_protect(smg, staff, today):
    old = _permit(smg, until=today)
    application = _file_extension(old, smg, staff, through=())
    # As if it had been taken in the day after the permit ended.
    StayPermitApplication.objects.filter(pk=application.pk).update(filed_on=today + DAY)
    _days_pass(5, permits=[old], applications=[application])

    stay = foreigner_stay(old.holder)
    assert (stay.state, stay.application, stay.overstay_days) == (StayState.OVERSTAYING, None, 5)


# Overstay ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [1, 5, 31])
def test_overstay_counts_each_day_after_the_permit_ends(smg, today, days):
    permit = _permit(smg, until=today - timedelta(days=days), status=PermitStatus.EXPIRED)
    stay = foreigner_stay(permit.holder)
    assert stay.state == StayState.OVERSTAYING
    assert (stay.permit, stay.since, stay.day) == (permit, permit.valid_until + DAY, today)
    assert (stay.overstay_days, stay.fine_idr) == (days, days * OVERSTAY_FINE_PER_DAY)


def test_the_last_day_of_a_permit_is_covered(smg, today):
    permit = _permit(smg, until=today)
    stay = foreigner_stay(permit.holder)
    assert (stay.state, stay.permit, stay.overstay_days) == (StayState.COVERED, permit, 0)


def test_a_foreigner_without_permits_is_unknown(smg):
    assert foreigner_stay(ForeignerFactory()).state == StayState.UNKNOWN


def test_a_cancelled_permit_does_not_cover(smg, today):
    earlier = _permit(smg, until=today - timedelta(days=4), status=PermitStatus.EXPIRED)
    _permit(smg, until=today + timedelta(days=100), holder=earlier.holder, status=PermitStatus.CANCELLED)
    stay = foreigner_stay(earlier.holder)
    assert (stay.state, stay.permit, stay.overstay_days) == (StayState.OVERSTAYING, earlier, 4)


@pytest.mark.parametrize("closing", ["reject", "cancel"])
def test_after_a_timely_application_closes_overstay_counts_from_the_closing_day(smg, staff, today, closing):
    old = _permit(smg, until=today + timedelta(days=2))
    application = _file_extension(old, smg, staff)
    _days_pass(12, permits=[old], applications=[application])
    assert foreigner_stay(old.holder).state == StayState.PROTECTED

    closed = _act(application, closing, staff)
    assert closed.closed_on == today
    stay = foreigner_stay(old.holder)
    # Closed today: the holder is no longer protected, and overstays from tomorrow.
    assert (stay.state, stay.since, stay.overstay_days, stay.fine_idr) == (StayState.OVERSTAYING, today + DAY, 0, 0)

    # Four days after the closing day, four days of overstay, not the fourteen since the permit ended.
    _days_pass(4, permits=[old], applications=[closed])
    stay = foreigner_stay(old.holder)
    assert stay.state == StayState.OVERSTAYING
    assert stay.since == today - timedelta(days=3)
    assert (stay.overstay_days, stay.fine_idr) == (4, 4 * OVERSTAY_FINE_PER_DAY)


def test_overstay_counts_from_the_last_timely_application_to_close(smg, staff, today):
    old = _permit(smg, until=today + timedelta(days=5))
    first = _act(_file_extension(old, smg, staff, through=()), "cancel", staff)
    second = _act(_file_extension(old, smg, staff), "reject", staff)
    _days_pass(15, permits=[old], applications=[first, second])
    # The second was decided twelve days after it was filed (and the first closed).
    StayPermitApplication.objects.filter(pk=second.pk).update(closed_on=today - timedelta(days=3))

    stay = foreigner_stay(old.holder)
    assert old.holder.applications.filter(closed_on=today - timedelta(days=15)).get() == first
    assert (stay.state, stay.since) == (StayState.OVERSTAYING, today - timedelta(days=2))
    assert (stay.overstay_days, stay.fine_idr) == (3, 3 * OVERSTAY_FINE_PER_DAY)


# Who sees which exceptions ----------------------------------------------------------------------


def test_stay_exceptions_are_scoped_to_the_users_offices(smg, sby, member, staff, national_admin, today):
    overstaying = _permit(smg, until=today - timedelta(days=9), status=PermitStatus.EXPIRED)
    protected = _permit(smg, until=today + DAY)
    pending = _file_extension(protected, smg, staff, through=())
    _days_pass(4, permits=[protected], applications=[pending])
    protected.refresh_from_db()
    elsewhere = _permit(sby, until=today - timedelta(days=20), status=PermitStatus.EXPIRED)
    # Not exceptions: a permit still running, one superseded by its successor, one cancelled.
    _permit(smg, until=today)
    _permit(smg, until=today - timedelta(days=3), status=PermitStatus.SUPERSEDED)
    _permit(smg, until=today - timedelta(days=3), status=PermitStatus.CANCELLED)

    at_smg = member(Role.ADJUDICATOR, office=smg)
    assert list(stay_exceptions_visible_to(at_smg)) == [overstaying, protected]
    assert list(stay_exceptions_visible_to(at_smg, state=StayState.PROTECTED)) == [protected]
    assert list(stay_exceptions_visible_to(at_smg, state=StayState.OVERSTAYING)) == [overstaying]
    assert list(stay_exceptions_visible_to(member(Role.FRONT_DESK, office=sby))) == [elsewhere]
    assert list(stay_exceptions_visible_to(member(Role.REGIONAL_SUPERVISOR, region=sby.region))) == [elsewhere]
    assert list(stay_exceptions_visible_to(national_admin)) == [elsewhere, overstaying, protected]

    rows = {row.pk: row for row in stay_exceptions_visible_to(at_smg)}
    stays = {
        pk: stay_of_exception(row, applications={pending.pk: pending}, active_outages=outages_active())
        for pk, row in rows.items()
    }
    assert (stays[protected.pk].state, stays[protected.pk].application) == (StayState.PROTECTED, pending)
    assert (stays[overstaying.pk].state, stays[overstaying.pk].overstay_days) == (StayState.OVERSTAYING, 9)
    assert stays[overstaying.pk].fine_idr == 9 * OVERSTAY_FINE_PER_DAY


def test_an_itk_holder_is_listed_like_any_other(smg, member, today):
    itk = StayPermitFactory(
        office=smg,
        permit_type=PermitType.ITK,
        valid_from=today - timedelta(days=31),
        valid_until=today - timedelta(days=2),
    )
    assert list(stay_exceptions_visible_to(member(Role.ADJUDICATOR, office=smg))) == [itk]
    assert foreigner_stay(itk.holder).overstay_days == 2


# A permit issued to begin later -----------------------------------------------------------------


def test_the_gap_before_a_conversion_that_begins_later_is_not_covered(smg, today):
    itk = StayPermitFactory(
        office=smg,
        permit_type=PermitType.ITK,
        valid_from=today - timedelta(days=32),
        valid_until=today - timedelta(days=3),
        status=PermitStatus.SUPERSEDED,
    )
    conversion = StayPermitApplication.objects.create(
        office=smg,
        reference="SMG-WNA-000000-0001",
        fee_idr=2_500_000,
        foreigner=itk.holder,
        sponsor=itk.sponsor,
        status=Status.ISSUED,
        permit_type=PermitType.ITAS,
        application_kind="conversion",
        purpose="work",
        current_permit=itk,
        requested_from=today + timedelta(days=5),
        requested_until=today + timedelta(days=369),
        filed_on=today - timedelta(days=20),
        closed_on=today - timedelta(days=10),
    )
    itas = StayPermitFactory(
        office=smg,
        holder=itk.holder,
        application=conversion,
        previous=itk,
        valid_from=conversion.requested_from,
        valid_until=conversion.requested_until,
    )
    assert not itk.covers(today)
    assert not itas.covers(today)

    stay = foreigner_stay(itk.holder)
    assert (stay.state, stay.permit, stay.since) == (StayState.OVERSTAYING, itk, itk.valid_until + DAY)
    assert (stay.overstay_days, stay.fine_idr) == (3, 3 * OVERSTAY_FINE_PER_DAY)

    # From the day the ITAS begins, it covers the holder.
    _days_pass(5, permits=[itk, itas])
    stay = foreigner_stay(itk.holder)
    assert (stay.state, stay.permit) == (StayState.COVERED, itas)


def test_a_permit_that_has_not_begun_is_all_there_is(smg, today):
    later = _permit(smg, until=today + timedelta(days=200))
    StayPermit.objects.filter(pk=later.pk).update(valid_from=today + DAY)
    stay = foreigner_stay(later.holder)
    assert (stay.state, stay.permit, stay.overstay_days) == (StayState.UNKNOWN, later, 0)


def test_a_superseded_permit_covers_until_its_end_and_a_cancelled_one_never(smg, today):
    superseded = _permit(smg, until=today, status=PermitStatus.SUPERSEDED)
    cancelled = _permit(smg, until=today, status=PermitStatus.CANCELLED)
    expired = _permit(smg, until=today - DAY, status=PermitStatus.EXPIRED)
    assert superseded.covers(today)
    assert not superseded.covers(today + DAY)
    assert not cancelled.covers(today)
    assert expired.covers(today - DAY)
    assert not expired.covers(today)


def test_an_expired_permit_followed_by_an_unlinked_later_permit_is_not_listed(smg, sby, national_admin, today):
    """A new permit taken without naming the old one (here at another office) still covers the holder."""
    old = StayPermitFactory(
        office=smg,
        permit_type=PermitType.ITK,
        valid_from=today - timedelta(days=129),
        valid_until=today - timedelta(days=100),
        status=PermitStatus.EXPIRED,
    )
    StayPermitFactory(office=sby, holder=old.holder, valid_from=today - timedelta(days=30))

    assert list(stay_exceptions_visible_to(national_admin)) == []
    assert foreigner_stay(old.holder).state == StayState.COVERED

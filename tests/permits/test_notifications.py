"""What holders and sponsors are told: each notifying action, expiry reminders, and nightly expiry."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta

from casework.models import Notification, NotificationStatus
from casework.references import reference_next
from offices.roles import Role
from permits.models import ApplicationKind, PermitStatus, PermitType, StayPermit, StayPermitApplication
from permits.services import permit_application_act, permits_expire, permits_remind_expiring
from permits.workflow import PERMIT_WORKFLOW, Status
from tests.permits.factories import ForeignerFactory, SponsorFactory, StayPermitFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
INPUTS = {
    "record_payment": lambda application: {"billing_code": "820261128000001", "amount_idr": application.fee_idr},
    "capture_biometrics": lambda application: {"photo_ref": "bio://p", "fingerprints_ref": "bio://f"},
    "reject": lambda application: {"reason": "Surat sponsor palsu"},
    "cancel": lambda application: {"reason": "Pemohon meninggalkan Indonesia"},
}
NOTIFYING = {action.name: action.notify for action in PERMIT_WORKFLOW if action.notify}
SILENT = [action.name for action in PERMIT_WORKFLOW if not action.notify]


def _member_at(member, role: str, office):
    return member(role) if role == Role.NATIONAL_ADMIN else member(role, office=office)


def application_at(office, status: str, **fields) -> StayPermitApplication:
    """An application of a new six-month ITAS for work, recorded in ``status``."""
    today = office.local_today()
    application = StayPermitApplication(
        office=office,
        reference=reference_next(office=office, series="WNA"),
        foreigner=fields.pop("foreigner", None) or ForeignerFactory(),
        sponsor=fields.pop("sponsor", None) or SponsorFactory(),
        permit_type=PermitType.ITAS,
        application_kind=ApplicationKind.NEW,
        purpose="work",
        requested_from=today,
        requested_until=today + relativedelta(months=6) - DAY,
        filed_on=today,
        status=status,
        **fields,
    )
    application.fee_idr = application.compute_fee()
    application.save()
    return application


def _act(application, action: str, member, office) -> StayPermitApplication:
    step = PERMIT_WORKFLOW[action]
    actor = _member_at(member, sorted(step.roles)[0], office)
    inputs = INPUTS.get(action, lambda _: {})(application)
    return permit_application_act(application=application, action=action, actor=actor, **inputs)


def test_the_notifying_actions_are_those_of_the_table():
    assert NOTIFYING == {
        "return_documents": "documents_returned",
        "approve": "approved",
        "reject": "rejected",
        "issue": "issued",
        "cancel": "cancelled",
    }


@pytest.mark.parametrize("action", sorted(NOTIFYING))
def test_a_notifying_action_tells_the_holder_and_the_sponsor_once_each(smg, member, action):
    application = application_at(smg, PERMIT_WORKFLOW[action].sources[0])
    done = _act(application, action, member, smg)

    rows = {row.dedupe_key: row for row in Notification.objects.all()}
    key = f"{done.reference}:v{done.version}"
    assert set(rows) == {f"{key}:holder", f"{key}:sponsor"}
    holder, sponsor = rows[f"{key}:holder"], rows[f"{key}:sponsor"]
    assert (holder.recipient, sponsor.recipient) == (application.foreigner.email, application.sponsor.email)
    for row in (holder, sponsor):
        assert (row.event, row.case_reference, row.office_id) == (NOTIFYING[action], done.reference, smg.pk)
        assert row.status == NotificationStatus.PENDING
        assert done.reference in row.subject
        assert done.reference in row.body
        assert application.foreigner.full_name in row.body
    assert holder.body == sponsor.body


def test_a_rejection_tells_the_reason_and_an_issue_the_last_day(smg, member):
    rejected = _act(application_at(smg, Status.INTERVIEWED), "reject", member, smg)
    bodies = list(Notification.objects.filter(case_reference=rejected.reference).values_list("body", flat=True))
    assert len(bodies) == 2
    assert all("Surat sponsor palsu" in body for body in bodies)

    issued = _act(application_at(smg, Status.APPROVED), "issue", member, smg)
    bodies = list(Notification.objects.filter(case_reference=issued.reference).values_list("body", flat=True))
    assert len(bodies) == 2
    assert all(issued.requested_until.isoformat() in body for body in bodies)
    assert StayPermit.objects.get(application=issued).valid_until == issued.requested_until


@pytest.mark.parametrize("action", SILENT)
def test_other_actions_tell_no_one(smg, member, action):
    _act(application_at(smg, PERMIT_WORKFLOW[action].sources[0]), action, member, smg)
    assert not Notification.objects.exists()


def test_a_sponsor_without_an_address_gets_an_undeliverable_notification(smg, member):
    application = application_at(smg, Status.APPROVED, sponsor=SponsorFactory(email=""))
    done = _act(application, "issue", member, smg)
    rows = {row.dedupe_key.rsplit(":", 1)[1]: row for row in Notification.objects.all()}
    assert rows["holder"].status == NotificationStatus.PENDING
    assert (rows["sponsor"].recipient, rows["sponsor"].status) == ("", NotificationStatus.UNDELIVERABLE)
    assert rows["sponsor"].case_reference == done.reference


def test_each_version_tells_its_own_news(smg, member):
    application = application_at(smg, Status.SUBMITTED)
    returned = _act(application, "return_documents", member, smg)
    resubmitted = _act(returned, "resubmit", member, smg)
    returned_again = _act(resubmitted, "return_documents", member, smg)
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == sorted(
        f"{application.reference}:v{version}:{part}"
        for version in (returned.version, returned_again.version)
        for part in ("holder", "sponsor")
    )


# Expiry reminders -------------------------------------------------------------------------------


def _permit(office, permit_type: str, until: date, **fields) -> StayPermit:
    days = {"ITK": 30, "ITAS": 365, "ITAP": 5 * 365}[permit_type]
    return StayPermitFactory(
        office=office,
        permit_type=permit_type,
        valid_from=until - timedelta(days=days - 1),
        valid_until=until,
        **fields,
    )


@pytest.mark.parametrize(("permit_type", "notice"), [("ITAP", 60), ("ITAS", 30), ("ITK", 30)])
def test_a_reminder_goes_once_when_the_notice_period_begins(smg, permit_type, notice):
    today = smg.local_today()
    due = _permit(smg, permit_type, today + timedelta(days=notice))
    last_day = _permit(smg, permit_type, today)
    not_yet = _permit(smg, permit_type, today + timedelta(days=notice + 1))
    ended = _permit(smg, permit_type, today - DAY)
    extended = _permit(smg, permit_type, today + timedelta(days=5), status=PermitStatus.SUPERSEDED)

    assert permits_remind_expiring() == 2

    reminded = {row.dedupe_key: row for row in Notification.objects.all()}
    assert set(reminded) == {
        f"{permit.number}:reminder:{part}" for permit in (due, last_day) for part in ("holder", "sponsor")
    }
    row = reminded[f"{due.number}:reminder:holder"]
    assert (row.event, row.case_reference, row.recipient) == ("expiry_reminder", due.number, due.holder.email)
    assert due.valid_until.isoformat() in row.body
    assert reminded[f"{due.number}:reminder:sponsor"].recipient == due.sponsor.email
    for permit in (due, last_day):
        permit.refresh_from_db()
        assert permit.reminder_sent_at is not None
    for permit in (not_yet, ended, extended):
        permit.refresh_from_db()
        assert permit.reminder_sent_at is None

    assert permits_remind_expiring() == 0
    assert Notification.objects.count() == 4


def test_a_reminder_is_sent_on_the_first_day_of_notice_in_the_offices_time_zone(offices):
    smg, ambon = offices["SMG"], offices["AMQ"]
    # 23:30 in Semarang (WIB), already 01:30 the next day in Ambon (WIT).
    now = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    at_smg = _permit(smg, "ITAS", date(2026, 12, 28))
    at_ambon = _permit(ambon, "ITAS", date(2026, 12, 28))
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert permits_remind_expiring() == 1
    at_smg.refresh_from_db()
    at_ambon.refresh_from_db()
    assert (at_smg.reminder_sent_at, at_ambon.reminder_sent_at) == (None, now)


# Nightly expiry ---------------------------------------------------------------------------------


def test_permits_past_their_last_day_expire(smg):
    today = smg.local_today()
    past = [_permit(smg, "ITAS", today - DAY), _permit(smg, "ITK", today - timedelta(days=40))]
    running = _permit(smg, "ITAS", today)
    superseded = _permit(smg, "ITAS", today - timedelta(days=3), status=PermitStatus.SUPERSEDED)
    cancelled = _permit(smg, "ITAS", today - timedelta(days=3), status=PermitStatus.CANCELLED)

    assert permits_expire() == 2

    statuses = dict(StayPermit.objects.values_list("pk", "status"))
    assert {statuses[permit.pk] for permit in past} == {PermitStatus.EXPIRED}
    assert statuses[running.pk] == PermitStatus.ACTIVE
    assert statuses[superseded.pk] == PermitStatus.SUPERSEDED
    assert statuses[cancelled.pk] == PermitStatus.CANCELLED
    assert permits_expire() == 0
    assert not Notification.objects.exists()


def test_expiry_follows_each_offices_day(offices):
    smg, ambon = offices["SMG"], offices["AMQ"]
    now = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 27 Nov in Semarang, 28 Nov in Ambon
    at_smg = _permit(smg, "ITAS", date(2026, 11, 27))
    at_ambon = _permit(ambon, "ITAS", date(2026, 11, 27))
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert permits_expire() == 1
    at_smg.refresh_from_db()
    at_ambon.refresh_from_db()
    assert (at_smg.status, at_ambon.status) == (PermitStatus.ACTIVE, PermitStatus.EXPIRED)


def test_no_reminder_for_a_permit_already_being_extended_or_that_cannot_be(smg):
    today = smg.local_today()
    being_extended = _permit(smg, "ITAS", today + timedelta(days=10))
    StayPermitApplication.objects.create(
        office=smg,
        reference=reference_next(office=smg, series="WNA"),
        foreigner=being_extended.holder,
        sponsor=being_extended.sponsor,
        permit_type=PermitType.ITAS,
        application_kind=ApplicationKind.EXTENSION,
        purpose="work",
        current_permit=being_extended,
        requested_from=being_extended.valid_until + DAY,
        requested_until=being_extended.valid_until + timedelta(days=90),
        filed_on=today,
        fee_idr=1_600_000,
    )
    first_itk = _permit(smg, "ITK", today + timedelta(days=40), status=PermitStatus.SUPERSEDED)
    itk_extension = _permit(smg, "ITK", today + timedelta(days=10), previous=first_itk, holder=first_itk.holder)
    reminded = _permit(smg, "ITAS", today + timedelta(days=10))

    assert permits_remind_expiring() == 1

    assert {row.case_reference for row in Notification.objects.all()} == {reminded.number}
    for permit in (being_extended, itk_extension):
        permit.refresh_from_db()
        assert permit.reminder_sent_at is None


def test_an_itap_reminder_names_the_last_day_to_file(smg):
    today = smg.local_today()
    permit = _permit(smg, "ITAP", today + timedelta(days=60))

    assert permits_remind_expiring() == 1

    body = Notification.objects.get(dedupe_key=f"{permit.number}:reminder:holder").body
    assert f"paling lambat {today.isoformat()}" in body

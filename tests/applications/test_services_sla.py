"""SLA: printed within 4 working days after the interview, in the office's local dates."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from applications.models import PassportApplication
from applications.services import application_act
from applications.workflow import Status
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory

pytestmark = pytest.mark.django_db


def _interview_at(office, member, moment: datetime) -> PassportApplication:
    application = PassportApplicationFactory(office=office, status=Status.BIOMETRICS_CAPTURED)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        application_act(application=application, action="interview", actor=member(Role.INTERVIEWER, office=office))
    return PassportApplication.objects.select_related("office").get(pk=application.pk)


def test_due_four_working_days_after_a_friday_interview_skipping_christmas(offices, member):
    smg = offices["SMG"]
    friday_afternoon = datetime(2025, 12, 19, 15, 0, tzinfo=smg.zone)
    application = _interview_at(smg, member, friday_afternoon)
    assert application.interviewed_at == friday_afternoon
    # Mon 22, Tue 23, Wed 24, (Thu 25 Christmas), Fri 26.
    assert application.sla_due_date == date(2025, 12, 26)


def test_due_date_counts_from_the_office_local_date(offices, member):
    """07:00 on Friday in Ambon (WIT) is still Thursday in UTC: the office's Friday counts."""
    ambon = offices["AMQ"]
    assert ambon.timezone == "Asia/Jayapura"
    moment = datetime(2025, 12, 19, 7, 0, tzinfo=ambon.zone)
    assert moment.astimezone(UTC).date() == date(2025, 12, 18)
    application = _interview_at(ambon, member, moment)
    assert application.sla_due_date == date(2025, 12, 26)


def test_breached_flag(offices):
    smg = offices["SMG"]
    today = smg.local_today()
    make = PassportApplicationFactory

    assert make(office=smg, status=Status.PAID).sla_breached is None

    open_late = make(office=smg, status=Status.APPROVED, sla_due_date=today - timedelta(days=1))
    open_in_time = make(office=smg, status=Status.INTERVIEWED, sla_due_date=today)
    assert (open_late.sla_breached, open_in_time.sla_breached) == (True, False)

    due = date(2025, 12, 26)
    on_time = datetime(2025, 12, 26, 23, 30, tzinfo=smg.zone)  # late evening, still the 26th locally
    printed_in_time = make(office=smg, status=Status.ISSUED, sla_due_date=due, printed_at=on_time)
    printed_late = make(office=smg, status=Status.PRINTED, sla_due_date=due, printed_at=on_time + timedelta(hours=1))
    assert (printed_in_time.sla_breached, printed_late.sla_breached) == (False, True)

    stopped = make(office=smg, status=Status.REJECTED, sla_due_date=today - timedelta(days=10))
    assert stopped.sla_breached is False


def test_interview_today_is_not_breached(offices, member):
    smg = offices["SMG"]
    application = _interview_at(smg, member, timezone.now())
    assert application.sla_due_date > smg.local_today()
    assert application.sla_breached is False

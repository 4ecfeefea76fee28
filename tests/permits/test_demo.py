"""Demo stay permits: what the demo promises exists, in the states it promises, once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count

from casework.history import case_timeline
from casework.models import Notification
from casework.validators import nik_validate_format
from offices.demo import demo_seed as users_seed
from permits.demo import APPLICATIONS, PATHS, RECORDED
from permits.demo import demo_seed as permits_seed
from permits.models import (
    Foreigner,
    PermitStatus,
    Sponsor,
    SponsorKind,
    StayPermit,
    StayPermitApplication,
    nationality_choices,
)
from permits.selectors import StayState, foreigner_stay, stay_exceptions, stay_of_exception
from permits.workflow import OPEN

pytestmark = pytest.mark.django_db

STATUSES = {
    "submitted": 2,
    "incomplete": 2,
    "verified": 2,
    "paid": 2,
    "biometrics_captured": 2,
    "interviewed": 2,
    "approved": 2,
    "issued": 3,
    "rejected": 2,
    "cancelled": 1,
}


@pytest.fixture
def seeded(offices) -> str:
    users_seed(password="demo-pass-123")
    return permits_seed(password="demo-pass-123")


def _snapshot() -> dict[str, object]:
    """Everything the demo writes, by content rather than by count alone."""
    return {
        "foreigners": set(Foreigner.objects.values_list("pk", "nationality", "passport_number")),
        "sponsors": set(Sponsor.objects.values_list("pk", "nib", "nik")),
        "permits": set(StayPermit.objects.values_list("pk", "number", "status", "valid_until", "reminder_sent_at")),
        "applications": set(StayPermitApplication.objects.values_list("pk", "reference", "status", "version")),
        "notifications": Notification.objects.count(),
        "events": sum(application.events.count() for application in StayPermitApplication.objects.all()),
    }


def test_foreigners_of_many_nationalities_and_sponsors_of_both_kinds(seeded):
    assert Foreigner.objects.count() == 23
    codes = {code for code, _name in nationality_choices()}
    nationalities = set(Foreigner.objects.values_list("nationality", flat=True))
    assert nationalities <= codes
    assert len(nationalities) >= 15
    companies = Sponsor.objects.filter(kind=SponsorKind.COMPANY)
    assert companies.count() == 6
    assert all(len(nib) == 13 and nib.isdigit() for nib in companies.values_list("nib", flat=True))
    persons = Sponsor.objects.filter(kind=SponsorKind.PERSON)
    assert persons.count() == 2
    for nik in persons.values_list("nik", flat=True):
        nik_validate_format(nik)


def test_twenty_applications_at_semarang_and_surabaya_across_every_status(seeded):
    assert "11 recorded, 20 applications" in seeded
    by_office = dict(StayPermitApplication.objects.values_list("office__code").annotate(n=Count("pk")))
    assert by_office == {"SMG": 10, "SBY": 10}
    assert Counter(StayPermitApplication.objects.values_list("status", flat=True)) == STATUSES
    assert {demo.status for demo in APPLICATIONS} == set(PATHS)
    kinds = Counter(StayPermitApplication.objects.values_list("application_kind", flat=True))
    assert kinds == {"new": 13, "extension": 5, "conversion": 2}
    # The two-year ITAS was approved by headquarters; the ITAP conversion waits for it after its interview.
    assert StayPermitApplication.objects.filter(national_approval=True).count() == 1
    assert StayPermitApplication.objects.get(foreigner__full_name="Daniel Mueller").status == "interviewed"


def test_each_application_went_through_the_services(seeded):
    for application in StayPermitApplication.objects.select_related("office"):
        timeline = case_timeline(application)
        assert timeline[0].action == "submit"
        assert timeline[-1].to_status == application.status
        assert all(entry.actor != "system" for entry in timeline), application.reference
        assert application.reference.startswith(f"{application.office.code}-WNA-")
    events = Counter(Notification.objects.values_list("event", flat=True))
    # Holder and sponsor each: 2 returned, 5 approved (3 of them then issued), 2 rejected, 1 cancelled;
    # and the reminders of the 6 permits ending within their notice.
    assert events == {
        "documents_returned": 4,
        "approved": 10,
        "issued": 6,
        "rejected": 4,
        "cancelled": 2,
        "expiry_reminder": 4,
    }


def test_permits_recorded_and_issued_at_both_offices(seeded):
    assert StayPermit.objects.count() == len(RECORDED) + STATUSES["issued"] == 14
    by_office = dict(StayPermit.objects.values_list("office__code").annotate(n=Count("pk")))
    assert by_office == {"SMG": 6, "SBY": 8}
    assert Counter(StayPermit.objects.values_list("status", flat=True)) == {
        PermitStatus.ACTIVE: 10,
        PermitStatus.EXPIRED: 2,
        PermitStatus.SUPERSEDED: 2,
    }
    issued = StayPermit.objects.filter(application__isnull=False)
    assert issued.count() == 3
    extended = issued.get(holder__full_name="Hiroshi Sato")
    assert extended.previous.status == PermitStatus.SUPERSEDED
    assert extended.valid_from == extended.previous.valid_until + timedelta(days=1)


def test_permits_ending_soon_are_reminded(seeded, smg):
    today = smg.local_today()
    active = StayPermit.objects.filter(status=PermitStatus.ACTIVE)
    within_30 = active.filter(valid_until__lte=today + timedelta(days=30), permit_type__in=["ITAS", "ITK"])
    itap_within_60 = active.filter(valid_until__lte=today + timedelta(days=60), permit_type="ITAP")
    assert (within_30.count(), itap_within_60.count()) == (5, 1)
    # Holders who have already filed, and ITKs that are already extensions, are not told to file.
    due = (
        (within_30 | itap_within_60)
        .exclude(applications__status__in=OPEN)
        .exclude(permit_type="ITK", previous__isnull=False)
    )
    reminded = set(StayPermit.objects.filter(reminder_sent_at__isnull=False))
    assert len(reminded) == 2
    assert reminded == set(due)


def test_one_holder_overstays_and_one_is_protected_by_a_timely_extension(seeded):
    states = {
        permit.holder.full_name: stay_of_exception(permit)
        for permit in stay_exceptions(StayPermit.objects.select_related("holder", "office"))
    }
    assert {name: stay.state for name, stay in states.items()} == {
        "Michael Brown": StayState.OVERSTAYING,
        "Ahmad bin Ismail": StayState.PROTECTED,
    }
    assert states["Michael Brown"].overstay_days == 12
    extension = states["Ahmad bin Ismail"].application
    assert extension.application_kind == "extension"
    assert extension.filed_on < extension.current_permit.valid_until < extension.office.local_today()
    assert extension.requested_from == extension.current_permit.valid_until + timedelta(days=1)
    assert foreigner_stay(extension.foreigner).state == StayState.PROTECTED
    assert foreigner_stay(Foreigner.objects.get(full_name="Kenji Tanaka")).state == StayState.COVERED


def test_seeding_again_adds_nothing(seeded):
    before = _snapshot()

    assert permits_seed(password="demo-pass-123") == "Demo stay permits: already there."

    assert _snapshot() == before

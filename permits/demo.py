"""Demo stay permits at Semarang and Surabaya: foreigners, sponsors, permits and applications.

Permits issued before the system existed are recorded as they stand today (some ending within
the reminder notice, one ended with nobody applying: an overstay). Applications are taken through
the workflow by the demo users with the real services, so references, fees, history and
notifications are what the system itself would have produced; three end in issued permits. Every
date counts from the office's local date on the day of seeding, so the picture looks the same
whenever the demo is loaded.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction

from offices.models import Office
from permits.models import PermitStatus, StayPermit, StayPermitApplication
from permits.services import (
    foreigner_upsert,
    permit_application_act,
    permit_application_submit,
    permits_remind_expiring,
    sponsor_upsert,
)

OFFICES = ("SBY", "SMG")
NATIONAL_APPROVER = "pusat.admin"
# (full name, nationality, passport number, birth date, sex)
FOREIGNERS: dict[str, tuple[str, str, str, date, str]] = {
    "kenji": ("Kenji Tanaka", "JPN", "TR4417520", date(1984, 2, 9), "M"),
    "pieter": ("Pieter de Vries", "NLD", "NX83KD1P2", date(1962, 7, 30), "M"),
    "michael": ("Michael Brown", "USA", "567213904", date(1979, 11, 2), "M"),
    "minjun": ("Lee Min-jun", "KOR", "M52839104", date(1996, 4, 21), "M"),
    "daniel": ("Daniel Mueller", "DEU", "C4RT7Y2K9", date(1981, 1, 15), "M"),
    "emma": ("Emma Wilson", "AUS", "PA8830127", date(1990, 9, 5), "F"),
    "lucas": ("Lucas Silva", "BRA", "FZ384712", date(1993, 6, 18), "M"),
    "an": ("Nguyen Van An", "VNM", "C7713024", date(2001, 3, 3), "M"),
    "maria": ("Maria Santos", "PHL", "P4402917B", date(1988, 12, 12), "F"),
    "anders": ("Anders Johansson", "SWE", "91537708", date(1975, 5, 27), "M"),
    "ivan": ("Ivan Petrov", "RUS", "753918264", date(1985, 8, 8), "M"),
    "lina": ("Li Na", "CHN", "EJ4028153", date(1999, 10, 1), "F"),
    "oliver": ("Oliver Smith", "GBR", "533018472", date(1958, 3, 22), "M"),
    "junwang": ("Wang Jun", "CHN", "EK7723915", date(1977, 6, 6), "M"),
    "ahmad": ("Ahmad bin Ismail", "MYS", "A39920187", date(1983, 4, 14), "M"),
    "sophie": ("Sophie Martin", "FRA", "19AV52731", date(1995, 7, 19), "F"),
    "rajesh": ("Rajesh Kumar", "IND", "Z4481735", date(1987, 1, 25), "M"),
    "jihoon": ("Park Ji-hoon", "KOR", "M71046352", date(1991, 11, 30), "M"),
    "aiko": ("Aiko Yamamoto", "JPN", "TZ1188406", date(1992, 2, 14), "F"),
    "james": ("James Anderson", "USA", "548801236", date(1970, 9, 9), "M"),
    "hiroshi": ("Hiroshi Sato", "JPN", "TK6305281", date(1980, 12, 24), "M"),
    "omar": ("Omar Haddad", "JOR", "R820446", date(1986, 5, 5), "M"),
    "katarzyna": ("Katarzyna Nowak", "POL", "EA5127790", date(1994, 8, 17), "F"),
}
# Companies by their 13-digit NIB; citizens (a foreigner's spouse) by a NIK whose date part is
# their birth date, with 40 added to the day for women.
SPONSORS: dict[str, dict[str, str]] = {
    "tekstil": {"kind": "company", "nib": "9120301577201", "name": "PT Semarang Tekstil Nusantara"},
    "wisata": {"kind": "company", "nib": "9120301577202", "name": "PT Borobudur Wisata Internasional"},
    "sekolah": {"kind": "company", "nib": "9120301577203", "name": "PT Sekolah Internasional Semarang"},
    "galangan": {"kind": "company", "nib": "8120502266101", "name": "PT Surabaya Galangan Kapal"},
    "investama": {"kind": "company", "nib": "8120502266102", "name": "PT Jawa Timur Investama"},
    "bahari": {"kind": "company", "nib": "8120502266103", "name": "PT Surabaya Wisata Bahari"},
    "dewi": {"kind": "person", "nik": "3374015708880003", "name": "Dewi Lestari"},
    "bagus": {"kind": "person", "nik": "3578010302850002", "name": "Bagus Prakoso"},
}
SPONSOR_OFFICE = {"tekstil": "SMG", "wisata": "SMG", "sekolah": "SMG", "dewi": "SMG"}


@dataclass(frozen=True)
class RecordedPermit:
    """A permit issued before the system, from ``start`` to ``end`` days after the office's today."""

    key: str
    office: str
    holder: str
    sponsor: str
    permit_type: str
    start: int
    end: int
    status: str = PermitStatus.ACTIVE
    previous: str = ""


RECORDED = [
    RecordedPermit("kenji", "SMG", "kenji", "tekstil", "ITAS", -345, 20),
    RecordedPermit("pieter", "SMG", "pieter", "tekstil", "ITAP", -1775, 50),
    RecordedPermit("michael", "SMG", "michael", "tekstil", "ITAS", -377, -12, PermitStatus.EXPIRED),  # overstaying
    RecordedPermit("minjun", "SMG", "minjun", "wisata", "ITK", -10, 19),
    RecordedPermit("daniel", "SMG", "daniel", "dewi", "ITAS", -100, 265),
    RecordedPermit("rajesh", "SBY", "rajesh", "galangan", "ITAS", -337, 28),
    RecordedPermit("sophie", "SBY", "sophie", "bahari", "ITK", -19, 10),
    # Ends in two days; its extension is filed now and both are then moved back (see PROTECTED).
    RecordedPermit("ahmad", "SBY", "ahmad", "galangan", "ITAS", -362, 2),
    RecordedPermit("oliver", "SBY", "oliver", "investama", "ITAP", -365, 1460),
    RecordedPermit("hiroshi-1", "SBY", "hiroshi", "galangan", "ITAS", -730, -366, PermitStatus.SUPERSEDED),
    RecordedPermit("hiroshi", "SBY", "hiroshi", "galangan", "ITAS", -365, 40, previous="hiroshi-1"),
]
# The holder protected from overstay: the extension was filed while the permit still ran and is
# still open, and the permit has since ended. The services date intake today, so the extension
# is taken in two days before the permit ends, then permit and filing are moved this far back.
PROTECTED = ("ahmad", timedelta(days=7))


THIRTY_DAYS = relativedelta(days=30)
SIX_MONTHS = relativedelta(months=6)
ONE_YEAR = relativedelta(years=1)
TWO_YEARS = relativedelta(years=2)
FIVE_YEARS = relativedelta(years=5)


@dataclass(frozen=True)
class DemoApplication:
    """An application and the status the demo users take it to.

    ``current`` names a recorded permit (extension, conversion). A new application or conversion
    starts on the office's today, an extension the day after the current permit ends; the permit
    runs ``term`` from its start, both ends included (six months end the day before the date six
    months later).
    """

    office: str
    foreigner: str
    sponsor: str
    permit_type: str
    status: str
    kind: str = "new"
    purpose: str = "work"
    current: str = ""
    term: relativedelta = SIX_MONTHS
    married_years: int = 0


EXTENSION, CONVERSION = "extension", "conversion"
APPLICATIONS = [
    DemoApplication("SMG", "kenji", "tekstil", "ITAS", "submitted", kind=EXTENSION, current="kenji"),
    DemoApplication("SMG", "emma", "tekstil", "ITAS", "incomplete"),
    DemoApplication("SMG", "lucas", "wisata", "ITK", "verified", purpose="visit", term=THIRTY_DAYS),
    DemoApplication("SMG", "minjun", "wisata", "ITAS", "paid", kind=CONVERSION, current="minjun"),
    DemoApplication("SMG", "an", "sekolah", "ITAS", "biometrics_captured", purpose="study", term=ONE_YEAR),
    # Married to the sponsor for six years: an ITAP by conversion, interviewed, waiting for headquarters.
    DemoApplication(
        "SMG", "daniel", "dewi", "ITAP", "interviewed", kind=CONVERSION, purpose="family", current="daniel",
        term=FIVE_YEARS, married_years=6,
    ),
    DemoApplication("SMG", "maria", "tekstil", "ITAS", "approved"),
    DemoApplication("SMG", "anders", "tekstil", "ITAS", "issued", term=TWO_YEARS),  # approved nationally
    DemoApplication("SMG", "ivan", "wisata", "ITAS", "rejected"),
    DemoApplication("SMG", "lina", "wisata", "ITK", "cancelled", purpose="visit", term=THIRTY_DAYS),
    DemoApplication("SBY", "junwang", "investama", "ITAS", "submitted", purpose="investment", term=FIVE_YEARS),
    DemoApplication("SBY", "ahmad", "galangan", "ITAS", "biometrics_captured", kind=EXTENSION, current="ahmad"),
    DemoApplication(
        "SBY", "sophie", "bahari", "ITK", "verified", kind=EXTENSION, purpose="visit", current="sophie",
        term=THIRTY_DAYS,
    ),
    DemoApplication("SBY", "rajesh", "galangan", "ITAS", "paid", kind=EXTENSION, current="rajesh", term=ONE_YEAR),
    DemoApplication("SBY", "jihoon", "galangan", "ITAS", "interviewed"),
    DemoApplication("SBY", "aiko", "bagus", "ITAS", "approved", purpose="family", term=ONE_YEAR),
    DemoApplication("SBY", "james", "bahari", "ITK", "issued", purpose="visit", term=THIRTY_DAYS),
    # Extended before it ends: the new permit supersedes the one recorded.
    DemoApplication("SBY", "hiroshi", "galangan", "ITAS", "issued", kind=EXTENSION, current="hiroshi", term=ONE_YEAR),
    DemoApplication("SBY", "omar", "investama", "ITAS", "rejected"),
    DemoApplication("SBY", "katarzyna", "galangan", "ITAS", "incomplete"),
]  # fmt: skip
# The path to each status, as actions. Approval follows biometrics directly, as it may for ITK
# and ITAS; the ITAP conversion, which needs an interview first, is only taken that far.
BIOMETRICS = ["verify", "record_payment", "capture_biometrics"]
PATHS: dict[str, list[str]] = {
    "submitted": [],
    "incomplete": ["return_documents"],
    "verified": ["verify"],
    "paid": ["verify", "record_payment"],
    "biometrics_captured": BIOMETRICS,
    "interviewed": [*BIOMETRICS, "interview"],
    "approved": [*BIOMETRICS, "approve"],
    "issued": [*BIOMETRICS, "approve", "issue"],
    "rejected": [*BIOMETRICS, "reject"],
    "cancelled": ["cancel"],
}
ACTORS = {
    "return_documents": "frontdesk",
    "verify": "frontdesk",
    "record_payment": "frontdesk",
    "cancel": "frontdesk",
    "capture_biometrics": "biometric",
    "interview": "interviewer",
    "approve": "adjudicator",
    "reject": "adjudicator",
    "issue": "printer",
}
CITY_ADDRESS = {"SMG": "Jl. Pemuda No. {n}, Semarang", "SBY": "Jl. Basuki Rahmat No. {n}, Surabaya"}
SPONSOR_PHONE = {"SMG": "024671{n:04d}", "SBY": "031843{n:04d}"}


def _foreigner_data(key: str, office: str, today: date) -> dict[str, Any]:
    full_name, nationality, passport, birth_date, sex = FOREIGNERS[key]
    n = list(FOREIGNERS).index(key) + 1
    return {
        "full_name": full_name,
        "nationality": nationality,
        "passport_number": passport,
        "passport_expiry": today + timedelta(days=7 * 365 + 10 * n),
        "birth_date": birth_date,
        "sex": sex,
        "address": CITY_ADDRESS[office].format(n=n),
        "phone": f"0812{n:08d}",
        "email": f"{key}@example.com",
    }


def _sponsor_data(key: str) -> dict[str, Any]:
    office = SPONSOR_OFFICE.get(key, "SBY")
    n = list(SPONSORS).index(key) + 1
    return {
        **SPONSORS[key],
        "address": CITY_ADDRESS[office].format(n=100 + n),
        "phone": SPONSOR_PHONE[office].format(n=n),
        "email": f"{key}@penjamin.example.com",
    }


def _record(entry: RecordedPermit, office: Office, recorded: dict[str, StayPermit]) -> StayPermit:
    today = office.local_today()
    valid_from = today + timedelta(days=entry.start)
    return StayPermit.objects.create(
        number=f"{office.code}-{entry.permit_type}-{valid_from:%y%m%d}-{len(recorded) + 1:04d}",
        permit_type=entry.permit_type,
        holder=foreigner_upsert(data=_foreigner_data(entry.holder, entry.office, today)),
        sponsor=sponsor_upsert(data=_sponsor_data(entry.sponsor)),
        office=office,
        valid_from=valid_from,
        valid_until=today + timedelta(days=entry.end),
        status=entry.status,
        previous=recorded.get(entry.previous),
    )


def _submit(
    demo: DemoApplication, office: Office, actor: Any, recorded: dict[str, StayPermit]
) -> StayPermitApplication:
    today = office.local_today()
    current = recorded.get(demo.current)
    start = current.valid_until + timedelta(days=1) if demo.kind == EXTENSION else today
    return permit_application_submit(
        actor=actor,
        office=office,
        foreigner=_foreigner_data(demo.foreigner, demo.office, today),
        sponsor=_sponsor_data(demo.sponsor),
        permit_type=demo.permit_type,
        application_kind=demo.kind,
        purpose=demo.purpose,
        requested_from=start,
        requested_until=start + demo.term - timedelta(days=1),
        current_permit=current.number if current else "",
        ground="marriage" if demo.married_years else "",
        married_since=today - relativedelta(years=demo.married_years) if demo.married_years else None,
    )


def _inputs(action: str, application: StayPermitApplication, serial: int) -> dict[str, Any]:
    if action == "record_payment":
        return {"billing_code": f"{820260000000000 + serial}", "amount_idr": application.fee_idr}
    if action == "capture_biometrics":
        return {
            "photo_ref": f"bio/{application.reference}/photo",
            "fingerprints_ref": f"bio/{application.reference}/fp",
        }
    if action == "reject":
        return {"reason": "Surat sponsor tidak dapat diverifikasi"}
    if action == "cancel":
        return {"reason": "Permintaan pemohon"}
    return {}


def _walk(application: StayPermitApplication, status: str, staff: dict[str, Any], serial: int) -> None:
    for action in PATHS[status]:
        actor = staff[ACTORS[action]]
        if action == "approve" and application.needs_national_approval:
            actor = staff[NATIONAL_APPROVER]
        application = permit_application_act(
            application=application, action=action, actor=actor, **_inputs(action, application, serial)
        )


def _protect(permit: StayPermit, application: StayPermitApplication, back: timedelta) -> None:
    """Move a permit and its timely extension ``back``, so the permit has ended and the case protects.

    The move stands for days passing, not for a change anyone made, so it leaves no history.
    """
    with pgtrigger.ignore("permits.StayPermit:update_update", "permits.StayPermitApplication:update_update"):
        StayPermit.objects.filter(pk=permit.pk).update(
            valid_from=permit.valid_from - back, valid_until=permit.valid_until - back, status=PermitStatus.EXPIRED
        )
        StayPermitApplication.objects.filter(pk=application.pk).update(
            filed_on=application.filed_on - back,
            created_at=application.created_at - back,
            requested_from=application.requested_from - back,
            requested_until=application.requested_until - back,
        )


@transaction.atomic
def demo_seed(*, password: str) -> str:
    """Create the demo foreigners, sponsors, permits and applications once; later runs change nothing."""
    offices = {office.code: office for office in Office.objects.filter(code__in=OFFICES)}
    if StayPermit.objects.filter(office__in=offices.values()).exists():
        return "Demo stay permits: already there."
    user_model = get_user_model()
    national = user_model.objects.get(username=NATIONAL_APPROVER)
    recorded: dict[str, StayPermit] = {}
    for entry in RECORDED:
        recorded[entry.key] = _record(entry, offices[entry.office], recorded)
    protected_key, back = PROTECTED
    for serial, demo in enumerate(APPLICATIONS, start=1):
        office = offices[demo.office]
        staff = {
            suffix: user_model.objects.get(username=f"{office.code.lower()}.{suffix}")
            for suffix in set(ACTORS.values())
        }
        staff[NATIONAL_APPROVER] = national
        application = _submit(demo, office, staff["frontdesk"], recorded)
        _walk(application, demo.status, staff, serial)
        if demo.current == protected_key:
            _protect(recorded[protected_key], application, back)
    reminded = permits_remind_expiring()
    return (
        f"Demo stay permits: {len(RECORDED)} recorded, {len(APPLICATIONS)} applications, "
        f"{reminded} expiry reminders sent."
    )

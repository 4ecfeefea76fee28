"""Demo passport applications at Semarang and Surabaya, spread over every status.

Each is taken through the workflow by the demo users with the real services, so the history,
references, fees and SLA dates are what the system itself would have produced.
"""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from applications.models import PassportApplication
from applications.services import application_act, application_submit
from offices.models import Office

# The path to each status, as actions; the demo spreads applications over all of them.
PATHS: dict[str, list[str]] = {
    "submitted": [],
    "incomplete": ["return_documents"],
    "verified": ["verify"],
    "paid": ["verify", "record_payment"],
    "biometrics_captured": ["verify", "record_payment", "capture_biometrics"],
    "interviewed": ["verify", "record_payment", "capture_biometrics", "interview"],
    "approved": ["verify", "record_payment", "capture_biometrics", "interview", "approve"],
    "printed": ["verify", "record_payment", "capture_biometrics", "interview", "approve", "print"],
    "issued": ["verify", "record_payment", "capture_biometrics", "interview", "approve", "print", "hand_over"],
    "rejected": ["verify", "record_payment", "capture_biometrics", "interview", "reject"],
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
    "print": "printer",
    "hand_over": "handover",
}
# NIK prefixes (province, regency, district) near each office.
NIK_AREAS = {"SMG": "337401", "SBY": "351501"}
GIVEN = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Eko", "Rina", "Joko", "Wati", "Hendra", "Ayu", "Bambang"]
FAMILY = ["Rahayu", "Santoso", "Wijaya", "Kusuma", "Lestari", "Saputra", "Hidayat", "Pratama", "Nugroho"]
PER_OFFICE = 25


def _inputs(action: str, application: PassportApplication, rng: random.Random) -> dict:
    if action == "record_payment":
        return {"billing_code": f"{rng.randrange(10**14, 10**15)}", "amount_idr": application.fee_idr}
    if action == "capture_biometrics":
        return {
            "photo_ref": f"bio/{application.reference}/photo",
            "fingerprints_ref": f"bio/{application.reference}/fp",
        }
    if action in ("reject", "cancel"):
        return {"reason": "Permintaan pemohon" if action == "cancel" else "Data tidak sesuai"}
    if action == "print":
        return {"passport_number": f"E{rng.randrange(10**7, 10**8)}"}
    return {}


@transaction.atomic
def demo_seed(*, password: str) -> str:
    """Create the demo applications once; later runs change nothing."""
    user_model = get_user_model()
    offices = Office.objects.filter(code__in=NIK_AREAS)
    if PassportApplication.objects.filter(office__in=offices).exists():
        return "Demo applications: already there."
    rng = random.Random(2024)
    statuses = list(PATHS)
    created = 0
    for office in offices.order_by("code"):
        staff = {
            suffix: user_model.objects.get(username=f"{office.code.lower()}.{suffix}")
            for suffix in set(ACTORS.values())
        }
        for index in range(PER_OFFICE):
            sex = rng.choice("MF")
            birth = date(rng.randrange(1950, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
            day = birth.day + (40 if sex == "F" else 0)
            nik = f"{NIK_AREAS[office.code]}{day:02d}{birth:%m%y}{index + 1:04d}"
            adult = birth.year <= 2005
            application_type = rng.choice(["new", "new", "renewal"]) if adult else "new"
            application = application_submit(
                actor=staff["frontdesk"],
                office=office,
                applicant={
                    "nik": nik,
                    "full_name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    "birth_place": office.city,
                    "birth_date": birth,
                    "sex": sex,
                    "address": f"Jl. Merdeka No. {index + 1}, {office.city}",
                    "phone": f"0812{rng.randrange(10**7, 10**8)}",
                    "email": f"pemohon{index + 1}.{office.code.lower()}@example.com",
                },
                application_type=application_type,
                previous_passport_number="" if application_type == "new" else f"C{rng.randrange(10**6, 10**7)}",
                passport_kind=rng.choice(["electronic", "non_electronic"]),
                validity_years=10 if adult else 5,
                channel="appointment",
            )
            for action in PATHS[statuses[index % len(statuses)]]:
                application = application_act(
                    application=application,
                    action=action,
                    actor=staff[ACTORS[action]],
                    **_inputs(action, application, rng),
                )
            created += 1
    return f"Demo applications: {created} created."

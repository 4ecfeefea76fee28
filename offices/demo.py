"""Demo users for local use: one of each office role at Semarang and Surabaya, and supervisors."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from offices.models import Membership, Office, Region
from offices.roles import Role
from offices.services import offices_load

OFFICE_LOGINS = {
    "frontdesk": Role.FRONT_DESK,
    "biometric": Role.BIOMETRIC_OPERATOR,
    "interviewer": Role.INTERVIEWER,
    "adjudicator": Role.ADJUDICATOR,
    "printer": Role.PRINT_OPERATOR,
    "handover": Role.HANDOVER_OFFICER,
    "head": Role.OFFICE_HEAD,
}
DEMO_OFFICES = ("SMG", "SBY")


@dataclass(frozen=True)
class SeedResult:
    users_created: int
    users_existing: int
    # Offices and regions created because the database had none of the demo's offices yet.
    offices_loaded: int = 0

    def __str__(self) -> str:
        users = f"Demo users: {self.users_created} created, {self.users_existing} already there."
        if self.offices_loaded:
            return f"Offices loaded first (load_offices): {self.offices_loaded} created. {users}"
        return users


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, scope) of every demo user, in the order they are shown."""
    logins = [
        (f"{code.lower()}.{suffix}", role.value, code)
        for code in DEMO_OFFICES
        for suffix, role in OFFICE_LOGINS.items()
    ]
    logins.append(("kanwil.jateng", Role.REGIONAL_SUPERVISOR.value, "Jawa Tengah"))
    logins.append(("pusat.admin", Role.NATIONAL_ADMIN.value, "national"))
    logins.append(("api.mpaspor", Role.API_CLIENT.value, "national"))
    return logins


@transaction.atomic
def demo_seed(*, password: str) -> SeedResult:
    """Create the demo users and their memberships; existing ones are left as they are.

    The users belong to offices and a region: on a database migrated but never loaded, the office
    list is loaded first (what ``load_offices`` does), rather than failing half way.
    """
    user_model = get_user_model()
    loaded = 0
    offices = {office.code: office for office in Office.objects.filter(code__in=DEMO_OFFICES)}
    jateng = Region.objects.filter(name="Jawa Tengah").first()
    if len(offices) < len(DEMO_OFFICES) or jateng is None:
        loaded = offices_load().created
        offices = {office.code: office for office in Office.objects.filter(code__in=DEMO_OFFICES)}
        jateng = Region.objects.get(name="Jawa Tengah")
    created = existing = 0
    for username, role, scope in demo_logins():
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(username=username, password=password)
            created += 1
        else:
            existing += 1
        office = offices.get(scope)
        region = jateng if role == Role.REGIONAL_SUPERVISOR else None
        Membership.objects.get_or_create(user=user, role=role, office=office, region=region)
    return SeedResult(users_created=created, users_existing=existing, offices_loaded=loaded)

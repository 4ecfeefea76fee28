"""Who reads the personal-data access log, and the rows of one person."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from offices.roles import Role
from offices.selectors import user_scope
from privacy.models import PersonalDataAccess

# The longest identifier the log holds (a foreign passport number); longer input names nobody.
IDENTIFIER_MAX_CHARS = 20


def access_log_readable_by(user: AbstractBaseUser | AnonymousUser) -> bool:
    """National administrators (and superusers) read the log; nobody else, whatever else they oversee.

    The log says who looked at whom across every office: it is as sensitive as the data itself.
    """
    if not user.is_authenticated:
        return False
    return user.is_superuser or user_scope(user, roles={Role.NATIONAL_ADMIN}).everything


def identifier_normalized(value: str) -> str:
    """A NIK or passport number as stored: without spaces, in capitals (as intake writes them)."""
    return "".join(value.split()).upper()


def accesses_of_person(identifier: str) -> QuerySet[PersonalDataAccess]:
    """Every recorded read that showed the person with this NIK or passport number, oldest first.

    Served by the GIN index on ``people``. A passport number is matched as written: two foreigners
    of different nationalities with the same number (rare, but possible) share their entries.
    """
    identifier = identifier_normalized(identifier)
    if not identifier or len(identifier) > IDENTIFIER_MAX_CHARS:
        return PersonalDataAccess.objects.none()
    return (
        PersonalDataAccess.objects.filter(people__contains=[identifier]).select_related("office").order_by("at", "id")
    )

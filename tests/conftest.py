import pytest
from rest_framework.test import APIClient

from offices.models import Office
from offices.roles import Role
from offices.services import offices_load
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def offices(db) -> dict[str, Office]:
    """The real office list, loaded as `make run` loads it."""
    offices_load()
    return {office.code: office for office in Office.objects.select_related("region")}


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    """Make a user with one role at a scope: ``member(Role.FRONT_DESK, office=smg)``."""

    def make(role: str, *, office=None, region=None, username: str | None = None):
        user = UserFactory(**({"username": username} if username else {}))
        MembershipFactory(user=user, role=role, office=office, region=region)
        return user

    return make


@pytest.fixture
def national_admin(member):
    return member(Role.NATIONAL_ADMIN, username="pusat")

import pytest
from rest_framework.test import APIClient

from offices.models import Office
from offices.roles import Role
from offices.services import offices_load
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Hash test passwords cheaply: the demo seeds 17 users and every login checks one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def offices(db) -> dict[str, Office]:
    """The real office list, loaded as `make run` loads it."""
    offices_load()
    return {office.code: office for office in Office.objects.select_related("region")}


@pytest.fixture
def smg(offices) -> Office:
    return offices["SMG"]


@pytest.fixture
def sby(offices) -> Office:
    return offices["SBY"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    """Make a user with one role at a scope: ``member(Role.FRONT_DESK, office=smg)``."""

    def make(role: str, *, office=None, region=None, username: str | None = None):
        user = UserFactory(**({"username": username} if username else {}))
        MembershipFactory(user=user, role=role, office=office, region=region)
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def national_admin(member):
    return member(Role.NATIONAL_ADMIN, office=None, username="pusat")


@pytest.fixture
def token_for(api_client):
    """Log ``user`` in through the token endpoint and return the token string."""

    def login(user, password: str = "secret-pass-123") -> str:
        response = api_client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return login

"""Every operation of the API, driven by schemathesis from its own OpenAPI schema.

Each operation gets a handful of generated requests, valid and invalid, as a national
administrator and as an office's front desk, on the demo data: no answer may be a server error,
carry a status code its operation does not declare, or have a body outside its documented schema.
The examples come from a fixed seed, so a failure is the same on every run and on every machine.

Each request carries a token minted for it, so the logout operations, which revoke the token they
are called with, take part like the others without cutting off the requests after them.
"""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from imigrasi.wsgi import application

pytestmark = pytest.mark.slow

# The schema as the API serves it: built once, when the module is collected.
SCHEMA = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ["pusat.admin", "smg.frontdesk"]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, seeded once for the module inside a transaction rolled back at its end.

    Each test's own transaction is a savepoint inside this one, so what the generated requests
    write is undone after each operation and nothing is left for the modules after this one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def connection_kept_open() -> Iterator[None]:
    """Requests through the WSGI application keep the test's connection, as Django's test client does.

    Django closes the connection when a request finishes; here that would end the transaction
    that holds the demo and the test's savepoint.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=CALLERS)
def caller(request, demo_data, connection_kept_open, db):
    return get_user_model().objects.get(username=request.param)


@SCHEMA.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_inside_its_schema(case, caller):
    _instance, token = AuthToken.objects.create(user=caller)
    case.call_and_validate(app=application, headers={"Authorization": f"Token {token}"}, checks=CHECKS)

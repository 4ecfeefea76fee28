"""A refusal raised by a service reads the same at every edge: the API's problem document, the admin's message."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework import serializers

from applications.services import application_act
from applications.workflow import Status
from casework.errors import InvalidTransition
from offices.api.outage_serializers import OutageSummarySerializer
from offices.api.refusals import outage_active_members
from offices.models import Capability, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve
from offices.roles import Role
from plumbing import refusals
from plumbing.api import problems
from plumbing.api.problems import problem_exception_handler
from plumbing.refusals import Refusal
from tests.applications.service_factories import PassportApplicationFactory
from tests.support.api import client_for

PROBLEM = "application/problem+json"
APPLICATIONS = "/api/v1/passport-applications/"


def approve_over_api(user, application):
    return client_for(user).post(
        f"{APPLICATIONS}{application.reference}/approve/", {}, format="json", headers={"Accept-Language": "id"}
    )


def refused_by_service(refusal_class: type[Refusal], user, application) -> Refusal:
    with translation.override("id"), pytest.raises(refusal_class) as refused:
        application_act(application=application, action="approve", actor=user)
    return refused.value


def test_refusals_module_imports_no_rest_framework():
    tree = ast.parse(Path(refusals.__file__).read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "rest_framework"]


def test_exception_handler_answers_a_refusal_with_every_member():
    class Stale(Refusal):
        status_code = 412
        default_code = "stale"
        default_detail = "Reload the case."

    response = problem_exception_handler(Stale(extra={"version": 3}, headers={"Retry-After": "5"}), {})

    assert response.status_code == 412
    assert response.content_type == PROBLEM
    assert response["Retry-After"] == "5"
    assert response.data == {
        "type": "urn:imigrasi:problem:stale",
        "title": response.data["title"],
        "status": 412,
        "detail": "Reload the case.",
        "code": "stale",
        "version": 3,
    }
    assert response.data["title"]


def test_a_registered_renderer_gives_the_members_of_its_class_and_subclasses(monkeypatch):
    class Held(Refusal):
        default_code = "held"

    class HeldLonger(Held):
        default_code = "held-longer"

    monkeypatch.setattr(problems, "_REFUSAL_RENDERERS", {})
    problems.refusal_renderer_register(Held, lambda refusal: {**refusal.extra, "things": [str(refusal.thing)]})
    held, longer = Held(extra={"plain": 1}), HeldLonger(extra={"plain": 2})
    held.thing, longer.thing = 7, 8
    plain = Refusal(extra={"version": 3})

    assert problem_exception_handler(held, {}).data["things"] == ["7"]
    rendered = problem_exception_handler(longer, {}).data
    assert (rendered["code"], rendered["plain"], rendered["things"]) == ("held-longer", 2, ["8"])
    # Any other refusal: its extra as it is.
    rendered = problem_exception_handler(plain, {}).data
    assert (rendered["version"], "things" in rendered) == (3, False)


def test_the_offices_app_registers_the_outage_refusal_renderer():
    assert problems._REFUSAL_RENDERERS[OutageActive] is outage_active_members


@pytest.mark.django_db
def test_invalid_transition_reaches_the_client_as_the_service_raised_it(offices, member):
    adjudicator = member(Role.ADJUDICATOR, office=offices["SMG"])
    refusal = refused_by_service(
        InvalidTransition, adjudicator, PassportApplicationFactory(office=offices["SMG"], status=Status.SUBMITTED)
    )

    response = approve_over_api(adjudicator, PassportApplicationFactory(office=offices["SMG"], status=Status.SUBMITTED))

    assert response.status_code == refusal.status_code == 409
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body == {
        "type": "urn:imigrasi:problem:invalid-transition",
        "title": body["title"],
        "status": 409,
        "detail": str(refusal.detail),
        "code": "invalid-transition",
        "case_status": Status.SUBMITTED,
    }
    assert body["title"]


@pytest.mark.django_db
def test_outage_refusal_reaches_the_client_with_its_outages_and_retry_after(offices, member, national_admin):
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Pusat Data Nasional down",
        expected_end=timezone.now() + timedelta(hours=2),
    )
    adjudicator = member(Role.ADJUDICATOR, office=offices["SMG"])
    refusal = refused_by_service(
        OutageActive, adjudicator, PassportApplicationFactory(office=offices["SMG"], status=Status.INTERVIEWED)
    )

    response = approve_over_api(
        adjudicator, PassportApplicationFactory(office=offices["SMG"], status=Status.INTERVIEWED)
    )

    assert response.status_code == 409
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert (body["code"], body["status"], body["detail"]) == ("outage-active", 409, str(refusal.detail))
    assert body["capability"] == refusal.extra["capability"] == Capability.CENTRAL_RECORDS
    assert refusal.outages == [outage]
    # The outages in the shape the API gives every outage, their times in TIME_ZONE like every other time.
    assert body["outages"] == OutageSummarySerializer(refusal.outages, many=True).data
    assert [summary["id"] for summary in body["outages"]] == [outage.pk]
    assert body["outages"][0]["expected_end"] == serializers.DateTimeField().to_representation(outage.expected_end)
    assert body["outages"][0]["expected_end"].endswith("+07:00")
    assert 7000 < int(response["Retry-After"]) <= 7200


@pytest.mark.django_db
def test_admin_shows_the_message_the_service_refused_with(client, offices, national_admin):
    outage = outage_declare(
        actor=national_admin, scope=OutageScope.NATIONAL, capabilities=[Capability.PRINTING], reason="Printer down"
    )
    outage_resolve(actor=national_admin, outage=outage)
    with translation.override("id"), pytest.raises(Refusal) as refused:
        outage_resolve(actor=national_admin, outage=outage)
    client.force_login(national_admin)

    response = client.post(
        reverse("admin:offices_outage_resolve", args=[outage.pk]),
        {"note": "again"},
        follow=True,
        headers={"Accept-Language": "id"},
    )

    assert refused.value.code == "outage-already-resolved"
    assert [str(message) for message in response.context["messages"]] == [str(refused.value.detail)]

"""Demo data: the logins the README promises, every app's cases, idempotent, never by accident in production."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from applications.models import PassportApplication
from applications.workflow import PASSPORT_WORKFLOW, SUBMIT_ROLES
from casework.models import Attribution, CaseStep, Notification
from offices.demo import demo_logins
from offices.models import Membership, Office
from offices.roles import Role
from permits.models import Foreigner, Sponsor, StayPermit, StayPermitApplication
from permits.workflow import PERMIT_WORKFLOW

pytestmark = pytest.mark.django_db

User = get_user_model()


@override_settings(DEBUG=True)
def test_seed_demo_creates_the_documented_users(offices):
    call_command("seed_demo")
    assert User.objects.count() == 17
    assert Membership.objects.count() == 17
    assert {username for username, _role, _scope in demo_logins()} == set(
        User.objects.values_list("username", flat=True)
    )
    head = Membership.objects.get(user__username="smg.head")
    assert (head.role, head.office.code) == (Role.OFFICE_HEAD, "SMG")
    assert Membership.objects.get(user__username="sby.printer").office.code == "SBY"
    supervisor = Membership.objects.get(user__username="kanwil.jateng")
    assert (supervisor.role, supervisor.region.name, supervisor.office) == (
        Role.REGIONAL_SUPERVISOR,
        "Jawa Tengah",
        None,
    )
    admin = Membership.objects.get(user__username="pusat.admin")
    assert (admin.role, admin.office, admin.region) == (Role.NATIONAL_ADMIN, None, None)
    client = Membership.objects.get(user__username="api.mpaspor")
    assert (client.role, client.office, client.region) == (Role.API_CLIENT, None, None)


@override_settings(DEBUG=True, DEMO_PASSWORD="another-demo-pass")
def test_demo_users_log_in_with_the_demo_password(offices):
    call_command("seed_demo")
    login = RequestFactory().post("/admin/login/")
    assert authenticate(login, username="smg.frontdesk", password="another-demo-pass") is not None
    assert User.objects.get(username="smg.frontdesk").is_staff
    assert not User.objects.get(username="api.mpaspor").is_staff


@override_settings(DEBUG=True)
def test_seed_demo_twice_changes_nothing(offices, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    memberships = set(Membership.objects.values_list("pk", "user_id", "role", "office_id", "region_id"))
    cases = _cases()
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert "Demo applications: 50 created." in first
    assert "Demo stay permits: 11 recorded, 20 applications" in first
    assert "0 created, 17 already there" in again
    assert "Demo applications: already there." in again
    assert "Demo stay permits: already there." in again
    # How many numbers the first count stores depends on where the demo's days fall today.
    assert "Demo rollup: 2 offices counted" in first
    assert "Demo rollup: 2 offices counted, 0 numbers changed." in again
    assert User.objects.count() == 17
    assert set(Membership.objects.values_list("pk", "user_id", "role", "office_id", "region_id")) == memberships
    assert _cases() == cases


def _cases() -> dict[str, set]:
    """Every demo case and permit with its status and version: what a second seed must not touch."""
    return {
        "passports": set(PassportApplication.objects.values_list("pk", "status", "version")),
        "permit_applications": set(StayPermitApplication.objects.values_list("pk", "status", "version")),
        "permits": set(StayPermit.objects.values_list("pk", "status", "reminder_sent_at")),
        "foreigners": set(Foreigner.objects.values_list("pk", "passport_number")),
        "sponsors": set(Sponsor.objects.values_list("pk", "name")),
        "notifications": set(Notification.objects.values_list("pk", flat=True)),
    }


@override_settings(DEBUG=False)
def test_seed_demo_is_refused_with_debug_off(offices):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@override_settings(DEBUG=False)
def test_seed_demo_with_force_runs_with_debug_off(offices):
    call_command("seed_demo", "--force")
    assert User.objects.count() == 17


@override_settings(DEBUG=True)
def test_every_demo_step_names_the_role_that_takes_it_at_the_cases_office(offices):
    """Each step of each demo case by a user holding the step's role at that case's office."""
    call_command("seed_demo")
    workflows = {
        "applications.passportapplication": PASSPORT_WORKFLOW,
        "permits.staypermitapplication": PERMIT_WORKFLOW,
    }
    roles_at = {}
    for membership in Membership.objects.select_related("user"):
        roles_at.setdefault(membership.user.username, set()).add((membership.role, membership.office_id))
    steps = list(CaseStep.objects.all())
    cases = PassportApplication.objects.count() + StayPermitApplication.objects.count()
    assert len({(step.case_model, step.case_id) for step in steps}) == cases
    for step in steps:
        assert (step.attribution, step.origin) == (Attribution.RECORDED, "command:seed_demo")
        roles = SUBMIT_ROLES if step.action == "submit" else workflows[step.case_model][step.action].roles
        held = roles_at[step.actor_name]
        # The national approver of long stays acts everywhere; every other step is taken at the office.
        assert any(role in roles and office in (step.office_id, None) for role, office in held), step
        if step.actor_name != "pusat.admin":
            assert step.actor_name.startswith(Office.objects.get(pk=step.office_id).code.lower() + "."), step


@override_settings(DEBUG=True)
def test_seed_demo_on_a_database_without_offices_loads_them_first(db, capsys):
    assert not Office.objects.exists()

    call_command("seed_demo")

    assert Office.objects.count() == 145
    assert "Offices loaded first (load_offices): 145 created." in capsys.readouterr().out
    assert Membership.objects.get(user__username="kanwil.jateng").region.name == "Jawa Tengah"
    assert Membership.objects.get(user__username="smg.head").office.code == "SMG"

"""The passport application admin as office staff use it: intake, the case page and its actions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Applicant, PassportApplication
from applications.services import application_act
from applications.workflow import PASSPORT_WORKFLOW, Status
from casework.history import case_timeline
from casework.models import CaseStep, Notification
from offices.models import Capability, OutageScope
from offices.outages import outage_declare, outage_resolve
from offices.roles import Role
from tests.applications.admin_helpers import (
    BILLING_CODE,
    BIRTH_DATE,
    application_interviewed,
    application_submitted,
    intake_post_data,
)
from tests.applications.service_factories import nik_for

CHANGELIST = reverse("admin:applications_passportapplication_changelist")
ADD = reverse("admin:applications_passportapplication_add")

# Queries of one changelist page, whatever its number of rows: session, user, the user's and the
# groups' permissions, memberships, the office filter's choices, the capped count, the page's rows,
# the outage banner, and the personal-data access log's one insert.
CHANGELIST_QUERIES = 10
# Queries of the case page of a submitted case, however long its timeline: session, user,
# memberships, the case (twice: for the page's context and by the admin), its recorded steps, its
# history events with their context, the two permission reads, the creator, the outage banner, and
# the personal-data access log's one insert.
CHANGE_PAGE_QUERIES = 12


def change_url(application: PassportApplication) -> str:
    return reverse("admin:applications_passportapplication_change", args=[application.pk])


def act_url(application: PassportApplication, action: str) -> str:
    return reverse("admin:applications_passportapplication_act", args=[application.pk, PASSPORT_WORKFLOW[action].slug])


def shown_actions(response) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def smg_front_desk(offices, member):
    return member(Role.FRONT_DESK, office=offices["SMG"], username="smg.frontdesk")


# Intake ------------------------------------------------------------------------------------------


def test_front_desk_takes_in_an_application_on_the_add_page(client, offices, smg_front_desk):
    client.force_login(smg_front_desk)
    page = client.get(ADD)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["office"].queryset) == [offices["SMG"]]

    response = client.post(ADD, intake_post_data(office=offices["SMG"], note="Datang sesuai jadwal"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    application = PassportApplication.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.reference.startswith("SMG-")
    assert application.office == offices["SMG"]
    assert application.created_by == smg_front_desk
    assert application.applicant.nik == nik_for(birth_date=BIRTH_DATE, sex="M", sequence=1)
    assert application.applicant.phone == "+6281234567890"
    assert application.fee_idr == 950_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"nik": nik_for(birth_date=BIRTH_DATE, sex="F", sequence=1)},
            "nik",
        ),  # the date part says a woman, the form says a man
        ({"channel": "walk_in"}, "priority"),
        ({"application_type": "renewal"}, "previous_passport_number"),
        ({"phone": "12345"}, "phone"),
        ({"birth_date": "1899-12-31"}, "birth_date"),
        ({"birth_date": "9999-12-31"}, "birth_date"),
        ({"address": "x" * 501}, "address"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_intake_refusals_are_shown_on_their_fields(client, offices, smg_front_desk, overrides, field):
    client.force_login(smg_front_desk)

    response = client.post(ADD, intake_post_data(office=offices["SMG"], **overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not PassportApplication.objects.exists()
    assert not Applicant.objects.exists()


def test_intake_at_another_office_is_refused(client, offices, smg_front_desk):
    client.force_login(smg_front_desk)

    response = client.post(ADD, intake_post_data(office=offices["SBY"]))

    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    assert not PassportApplication.objects.exists()


def test_express_intake_during_an_express_outage_is_refused_on_the_form(client, offices, smg_front_desk, member):
    outage_declare(
        actor=member(Role.NATIONAL_ADMIN),
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.EXPRESS_SERVICE],
        reason="Layanan percepatan dihentikan",
    )
    client.force_login(smg_front_desk)

    response = client.post(ADD, intake_post_data(office=offices["SMG"], service="express"))

    assert response.status_code == 200
    assert "Layanan percepatan dihentikan" in str(response.context["adminform"].form.errors["service"])
    assert not PassportApplication.objects.exists()


def test_only_front_desks_get_the_add_page(client, offices, member):
    client.force_login(member(Role.ADJUDICATOR, office=offices["SMG"]))

    assert client.get(ADD).status_code == 403


# The list ----------------------------------------------------------------------------------------


def test_changelist_shows_own_office_only_with_fixed_queries(client, offices, smg_front_desk, member):
    sby = application_submitted(office=offices["SBY"], actor=member(Role.FRONT_DESK, office=offices["SBY"]))
    for sequence in range(1, 6):
        application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=sequence)
    client.force_login(smg_front_desk)
    client.get(CHANGELIST)  # warm the per-process caches (content types, …)

    with CaptureQueriesContext(connection) as five:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    content = response.content.decode()
    assert "SMG-" in content
    assert sby.reference not in content

    for sequence in range(6, 26):
        application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=sequence)
    with CaptureQueriesContext(connection) as twenty_five:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 25
    assert len(response.context["cl"].result_list) == 25

    assert len(five) == len(twenty_five) == CHANGELIST_QUERIES, [query["sql"] for query in twenty_five]


def test_changelist_search_and_filters(client, offices, smg_front_desk):
    first = application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=1)
    second = application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=2)
    client.force_login(smg_front_desk)

    by_nik = client.get(CHANGELIST, {"q": second.applicant.nik})
    by_reference = client.get(CHANGELIST, {"q": first.reference})
    by_status = client.get(CHANGELIST, {"status__exact": Status.VERIFIED})

    assert list(by_nik.context["cl"].result_list) == [second]
    assert list(by_reference.context["cl"].result_list) == [first]
    assert list(by_status.context["cl"].result_list) == []


def test_office_filter_lists_only_the_users_offices(client, offices, member):
    user = member(Role.OFFICE_HEAD, office=offices["SMG"])
    user.memberships.create(role=Role.FRONT_DESK, office=offices["SBY"])
    client.force_login(user)

    response = client.get(CHANGELIST)

    office_filter = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", None) == "office"
    )
    assert {pk for pk, _label in office_filter.lookup_choices} == {offices["SMG"].pk, offices["SBY"].pk}


# The case page and its actions -------------------------------------------------------------------


def test_case_outside_the_scope_does_not_exist(client, offices, smg_front_desk, member):
    sby = application_submitted(office=offices["SBY"], actor=member(Role.FRONT_DESK, office=offices["SBY"]))
    client.force_login(smg_front_desk)

    assert client.get(change_url(sby)).status_code == 404
    assert client.get(act_url(sby, "verify")).status_code == 404
    assert client.post(act_url(sby, "verify"), {"expected_version": sby.version}).status_code == 404
    sby.refresh_from_db()
    assert sby.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.FRONT_DESK, {"return_documents", "verify", "cancel"}),
        (Role.BIOMETRIC_OPERATOR, set()),
        (Role.ADJUDICATOR, set()),
        (Role.OFFICE_HEAD, set()),
    ],
)
def test_buttons_are_the_roles_allowed_actions_on_a_submitted_case(
    client, offices, smg_front_desk, member, role, expected
):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    user = smg_front_desk if role == Role.FRONT_DESK else member(role, office=offices["SMG"])
    client.force_login(user)

    response = client.get(change_url(application))

    assert response.status_code == 200
    allowed = set(PASSPORT_WORKFLOW.available(case=application, user=user))
    assert shown_actions(response) == allowed == expected


def test_buttons_of_an_adjudicator_on_an_interviewed_case(client, offices, member):
    application = application_interviewed(office=offices["SMG"], member=member)
    client.force_login(member(Role.ADJUDICATOR, office=offices["SMG"]))

    response = client.get(change_url(application))

    assert shown_actions(response) == {"approve", "reject"}


def test_change_page_is_read_only(client, offices, smg_front_desk):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    client.force_login(smg_front_desk)

    response = client.post(change_url(application), {"status": Status.ISSUED})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("version", ["²", "9" * 5000, "abc"])
def test_an_action_page_given_no_version_expects_the_current_one(client, offices, smg_front_desk, version):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    client.force_login(smg_front_desk)

    form_page = client.get(act_url(application, "verify"), {"version": version})

    assert form_page.status_code == 200
    assert form_page.context["form"].initial["expected_version"] == application.version


def test_front_desk_verifies_and_records_payment_through_the_action_pages(client, offices, smg_front_desk):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    client.force_login(smg_front_desk)

    form_page = client.get(act_url(application, "verify") + f"?version={application.version}")
    assert form_page.status_code == 200
    verify = client.post(act_url(application, "verify"), {"expected_version": 1, "note": "Berkas lengkap"})
    assert verify.status_code == 302
    assert verify["Location"] == change_url(application)
    application.refresh_from_db()
    assert application.status == Status.VERIFIED

    payment_page = client.get(act_url(application, "record_payment"))
    assert set(payment_page.context["form"].fields) == {"billing_code", "amount_idr", "note", "expected_version"}
    pay = client.post(
        act_url(application, "record_payment"),
        {"expected_version": application.version, "billing_code": BILLING_CODE, "amount_idr": application.fee_idr},
    )
    assert pay.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PAID
    assert application.billing_code == BILLING_CODE


def test_a_wrong_payment_is_refused_on_its_field(client, offices, smg_front_desk):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    client.force_login(smg_front_desk)
    client.post(act_url(application, "verify"), {"expected_version": 1})

    response = client.post(
        act_url(application, "record_payment"),
        {"expected_version": 2, "billing_code": BILLING_CODE, "amount_idr": 1},
    )

    assert response.status_code == 200
    assert "amount_idr" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == Status.VERIFIED


@pytest.mark.parametrize(
    ("action", "version", "role"),
    [
        ("record_payment", 1, Role.FRONT_DESK),  # wrong status: invalid transition
        ("verify", 1, Role.BIOMETRIC_OPERATOR),  # the role lacks the action
        ("verify", 7, Role.FRONT_DESK),  # a stale page
    ],
)
def test_refusals_come_back_as_messages(client, offices, smg_front_desk, member, action, version, role):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    user = smg_front_desk if role == Role.FRONT_DESK else member(role, office=offices["SMG"])
    client.force_login(user)
    data = {"expected_version": version, "billing_code": BILLING_CODE, "amount_idr": application.fee_idr}

    response = client.post(act_url(application, action), data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(change_url(application), 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.version == 1


def test_national_outage_holds_approval_until_resolved(client, offices, member):
    application = application_interviewed(office=offices["SMG"], member=member)
    adjudicator = member(Role.ADJUDICATOR, office=offices["SMG"], username="smg.adjudicator")
    national_admin = member(Role.NATIONAL_ADMIN, username="pusat.admin")
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS, Capability.PRINTING],
        reason="Pusat Data Nasional terkena ransomware",
    )
    client.force_login(adjudicator)

    page = client.get(change_url(application))
    assert "Pusat Data Nasional terkena ransomware" in page.content.decode()
    assert page.context["held_by"] == [outage]

    refused = client.post(act_url(application, "approve"), {"expected_version": application.version}, follow=True)

    assert refused.status_code == 200
    [message] = messages_of(refused)
    assert f"#{outage.pk}" in message
    assert "Pusat Data Nasional terkena ransomware" in message
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWED

    outage_resolve(actor=national_admin, outage=outage, note="Layanan pulih")
    approved = client.post(act_url(application, "approve"), {"expected_version": application.version})

    assert approved.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert client.get(change_url(application)).context["held_by"] == []


def test_case_page_queries_do_not_grow_with_the_timeline(client, offices, smg_front_desk):
    short = application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=1)
    long = application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=2)
    for action in ("return_documents", "resubmit", "return_documents", "resubmit"):
        long = application_act(application=long, action=action, actor=smg_front_desk)
    client.force_login(smg_front_desk)
    client.get(change_url(short))  # warm the per-process caches

    counts = []
    for application in (short, long):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(change_url(application))
        counts.append((len(response.context["timeline"]), len(queries)))

    assert counts == [(1, CHANGE_PAGE_QUERIES), (5, CHANGE_PAGE_QUERIES)]


def test_timeline_on_the_change_page(client, offices, smg_front_desk):
    application = application_submitted(office=offices["SMG"], actor=smg_front_desk)
    client.force_login(smg_front_desk)
    client.post(act_url(application, "verify"), {"expected_version": 1, "note": "Berkas lengkap"})

    response = client.get(change_url(application))

    timeline = response.context["timeline"]
    assert [(entry["from_status"], entry["to_status"]) for entry in timeline] == [
        ("", Status.SUBMITTED.label),
        (Status.SUBMITTED.label, Status.VERIFIED.label),
    ]
    assert [entry["actor"] for entry in timeline] == ["smg.frontdesk", "smg.frontdesk"]
    assert timeline[1]["note"] == "Berkas lengkap"
    content = response.content.decode()
    assert content.count('class="timeline-entry"') == 2
    assert "Berkas lengkap" in content


def test_an_action_on_several_cases_records_each_step_by_its_taker(client, offices, smg_front_desk, member):
    smg, sby = offices["SMG"], offices["SBY"]
    submitted = [application_submitted(office=smg, actor=smg_front_desk, sequence=n) for n in (1, 2, 3)]
    already = application_act(application=submitted[2], action="verify", actor=smg_front_desk)
    elsewhere = application_submitted(office=sby, actor=member(Role.FRONT_DESK, office=sby), sequence=4)
    client.force_login(smg_front_desk)

    response = client.post(
        CHANGELIST,
        {"action": "act_verify", "_selected_action": [case.pk for case in [*submitted, elsewhere]]},
        follow=True,
    )

    assert response.status_code == 200
    done, refused = messages_of(response)
    assert "2" in done
    assert already.reference in refused
    assert elsewhere.reference not in refused  # outside the clerk's scope: not even named
    steps = CaseStep.objects.filter(action="verify").order_by("case_id")
    assert [(s.case_id, s.actor_id, s.office_id, s.from_status, s.to_status) for s in steps] == [
        (submitted[0].pk, smg_front_desk.pk, smg.pk, Status.SUBMITTED, Status.VERIFIED),
        (submitted[1].pk, smg_front_desk.pk, smg.pk, Status.SUBMITTED, Status.VERIFIED),
        (submitted[2].pk, smg_front_desk.pk, smg.pk, Status.SUBMITTED, Status.VERIFIED),
    ]
    # The two taken in this request share its origin; the one verified before has its own.
    assert steps[0].origin_id == steps[1].origin_id != steps[2].origin_id
    assert steps[0].origin == f"request:POST {CHANGELIST}"
    assert PassportApplication.objects.get(pk=elsewhere.pk).status == Status.SUBMITTED
    for case in submitted[:2]:
        assert [(e.action, e.actor) for e in case_timeline(case)] == [
            ("submit", "smg.frontdesk"),
            ("verify", "smg.frontdesk"),
        ]


def test_only_the_steps_a_user_may_take_are_offered_on_several_cases(client, offices, member):
    adjudicator = member(Role.ADJUDICATOR, office=offices["SMG"])
    client.force_login(adjudicator)

    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices

    assert [name for name, _label in actions if name] == ["act_approve"]


# Applicants and notifications ----------------------------------------------------------------------


def test_applicants_and_notifications_are_scoped(client, offices, smg_front_desk, member):
    sby_front_desk = member(Role.FRONT_DESK, office=offices["SBY"])
    mine = application_submitted(office=offices["SMG"], actor=smg_front_desk, sequence=1)
    theirs = application_submitted(office=offices["SBY"], actor=sby_front_desk, sequence=2)
    for application, actor in ((mine, smg_front_desk), (theirs, sby_front_desk)):
        client.force_login(actor)
        client.post(act_url(application, "cancel"), {"expected_version": 1, "reason": "Permintaan pemohon"})
    client.force_login(smg_front_desk)

    applicants = client.get(reverse("admin:applications_applicant_changelist"))
    notifications = client.get(reverse("admin:casework_notification_changelist"))

    assert list(applicants.context["cl"].result_list) == [mine.applicant]
    assert Notification.objects.count() == 2
    assert [n.case_reference for n in notifications.context["cl"].result_list] == [mine.reference]
    applicant_page = client.get(reverse("admin:applications_applicant_change", args=[mine.applicant.pk]))
    assert applicant_page.status_code == 200
    assert not applicant_page.context["has_change_permission"]
    assert client.get(reverse("admin:applications_applicant_change", args=[theirs.applicant.pk])).status_code == 404

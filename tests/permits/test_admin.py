"""The stay permit admin as office staff use it: intake, the case page and its actions, the lists
of permits, foreigners and sponsors, and the list of protected stays and overstays."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin import site
from django.urls import reverse

from offices.models import Capability, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from permits.fees import OVERSTAY_FINE_PER_DAY
from permits.models import Foreigner, PermitStatus, Sponsor, StayPermit, StayPermitApplication
from permits.services import permit_application_act, permit_application_submit
from permits.workflow import PERMIT_WORKFLOW, Status, approval_refusal
from tests.permits.factories import (
    ForeignerFactory,
    StayPermitFactory,
    extension_of,
    foreigner_data,
    intake,
    sponsor_data,
)

APPLICATIONS = reverse("admin:permits_staypermitapplication_changelist")
ADD = reverse("admin:permits_staypermitapplication_add")
PERMITS = reverse("admin:permits_staypermit_changelist")
FOREIGNERS = reverse("admin:permits_foreigner_changelist")
SPONSORS = reverse("admin:permits_sponsor_changelist")
EXCEPTIONS = reverse("admin:permits_stayexception_changelist")
BILLING_CODE = "820240620000001"

# Queries of one application changelist page, whatever its number of rows: session, user, the
# user's and the groups' permissions, memberships, the office filter's choices, the capped count,
# the page's rows (offices, foreigners, sponsors and current permits joined), the outage banner, and
# the personal-data access log's one insert.
CHANGELIST_QUERIES = 10
# Queries of one page of protected stays and overstays: session, user, the two permission reads,
# memberships, the capped count, the page's rows, then the applications protecting them and the
# active outages, each read once for the whole page, the outage banner, and the personal-data access
# log's one insert.
EXCEPTION_LIST_QUERIES = 11


def change_url(application: StayPermitApplication) -> str:
    return reverse("admin:permits_staypermitapplication_change", args=[application.pk])


def act_url(application: StayPermitApplication, action: str) -> str:
    return reverse("admin:permits_staypermitapplication_act", args=[application.pk, PERMIT_WORKFLOW[action].slug])


def shown_actions(response) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def results(response) -> list:
    return list(response.context["cl"].result_list)


def intake_post_data(*, office, **overrides) -> dict:
    """What the add page posts for a new 90-day work ITAS, sponsored by a company."""
    start = office.local_today()
    foreigner = foreigner_data()
    sponsor = sponsor_data()
    return {
        "office": office.pk,
        **{name: str(value) for name, value in foreigner.items()},
        "previous_passport_number": "",
        **{f"sponsor_{name}": value for name, value in sponsor.items()},
        "sponsor_nik": "",
        "permit_type": "ITAS",
        "application_kind": "new",
        "purpose": "work",
        "current_permit": "",
        "ground": "",
        "married_since": "",
        "requested_from": start.isoformat(),
        "requested_until": (start + timedelta(days=89)).isoformat(),
        "note": "",
        **overrides,
    }


def submitted(*, office, actor, passport: str = "123456789", **overrides) -> StayPermitApplication:
    foreigner = overrides.pop("foreigner", {})
    return permit_application_submit(
        actor=actor, **intake(office=office, foreigner={"passport_number": passport, **foreigner}, **overrides)
    )


def biometrics_captured(application: StayPermitApplication, *, member) -> StayPermitApplication:
    """``application`` taken through verification, payment and biometrics by its office's staff."""
    office = application.office
    desk = member(Role.FRONT_DESK, office=office)
    operator = member(Role.BIOMETRIC_OPERATOR, office=office)
    application = permit_application_act(application=application, action="verify", actor=desk)
    application = permit_application_act(
        application=application,
        action="record_payment",
        actor=desk,
        billing_code=BILLING_CODE,
        amount_idr=application.fee_idr,
    )
    return permit_application_act(
        application=application,
        action="capture_biometrics",
        actor=operator,
        photo_ref="bio://photo/1",
        fingerprints_ref="bio://fp/1",
    )


@pytest.fixture
def front_desk(smg, member):
    return member(Role.FRONT_DESK, office=smg, username="smg.frontdesk")


@pytest.fixture
def sby_front_desk(sby, member):
    return member(Role.FRONT_DESK, office=sby, username="sby.frontdesk")


def protected_holder(*, office, actor) -> tuple[StayPermit, StayPermitApplication]:
    """A holder whose permit ended yesterday, three days after they applied for its extension.

    The extension is taken in while the permit runs; its dates are then moved back, as if filed then.
    """
    permit = StayPermitFactory(office=office, valid_until=office.local_today() + timedelta(days=5))
    extension = permit_application_submit(actor=actor, **extension_of(permit, office=office))
    ended = office.local_today() - timedelta(days=1)
    StayPermit.objects.filter(pk=permit.pk).update(
        valid_from=ended - timedelta(days=364), valid_until=ended, status=PermitStatus.EXPIRED
    )
    StayPermitApplication.objects.filter(pk=extension.pk).update(filed_on=ended - timedelta(days=3))
    permit.refresh_from_db()
    extension.refresh_from_db()
    return permit, extension


def overstaying_holder(*, office, days: int) -> StayPermit:
    """A holder whose permit ended ``days`` days ago with no application."""
    ended = office.local_today() - timedelta(days=days)
    return StayPermitFactory(
        office=office, valid_from=ended - timedelta(days=364), valid_until=ended, status=PermitStatus.EXPIRED
    )


# Intake ------------------------------------------------------------------------------------------


def test_front_desk_takes_in_an_application_on_the_add_page(client, smg, front_desk):
    client.force_login(front_desk)
    page = client.get(ADD)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["office"].queryset) == [smg]

    response = client.post(ADD, intake_post_data(office=smg, note="Berkas sponsor lengkap"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    application = StayPermitApplication.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.reference.startswith("SMG-WNA-")
    assert application.office == smg
    assert application.created_by == front_desk
    assert application.foreigner.passport_number == "123456789"
    assert application.foreigner.nationality == "GBR"
    assert application.sponsor.nib == "9120001234567"
    assert application.sponsor.phone == "+62247654321"
    assert application.fee_idr == 1_600_000  # an ITAS of up to six months
    assert application.requested_until == smg.local_today() + timedelta(days=89)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sponsor_nib": "12345"}, "sponsor_nib"),
        ({"phone": "12345"}, "phone"),
        ({"sponsor_phone": "12345"}, "sponsor_phone"),
        ({"application_kind": "extension"}, "current_permit"),
        ({"current_permit": "NO-SUCH-PERMIT", "application_kind": "extension"}, "current_permit"),
        ({"birth_date": "1899-12-31"}, "birth_date"),
        ({"birth_date": "9999-12-31"}, "birth_date"),
        ({"passport_expiry": "9999-12-31"}, "passport_expiry"),
        ({"address": "x" * 501}, "address"),
        ({"sponsor_address": "x" * 501}, "sponsor_address"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_intake_refusals_are_shown_on_their_fields_and_nothing_is_written(client, smg, front_desk, overrides, field):
    client.force_login(front_desk)

    response = client.post(ADD, intake_post_data(office=smg, **overrides))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert not StayPermitApplication.objects.exists()
    assert not Foreigner.objects.exists()
    assert not Sponsor.objects.exists()


def test_a_second_open_application_of_a_foreigner_is_refused_on_the_form(client, smg, front_desk):
    submitted(office=smg, actor=front_desk)
    client.force_login(front_desk)

    response = client.post(ADD, intake_post_data(office=smg))

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.non_field_errors().as_data()] == [
        "open-application-exists"
    ]
    assert StayPermitApplication.objects.count() == 1


def test_intake_at_another_office_is_refused(client, sby, front_desk):
    client.force_login(front_desk)

    response = client.post(ADD, intake_post_data(office=sby))

    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    assert not StayPermitApplication.objects.exists()


def test_only_front_desks_get_the_add_page(client, smg, member):
    client.force_login(member(Role.ADJUDICATOR, office=smg))

    assert client.get(APPLICATIONS).status_code == 200
    assert client.get(ADD).status_code == 403


# Scoping and lists -------------------------------------------------------------------------------


def test_another_offices_application_does_not_exist(client, smg, sby, front_desk, sby_front_desk):
    theirs = submitted(office=sby, actor=sby_front_desk)
    client.force_login(front_desk)

    assert client.get(change_url(theirs)).status_code == 404
    assert client.get(act_url(theirs, "verify")).status_code == 404
    assert client.post(act_url(theirs, "verify"), {"expected_version": 1}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED


def test_lists_show_only_the_users_scope(client, smg, sby, front_desk, sby_front_desk):
    mine = submitted(office=smg, actor=front_desk, passport="SMG000001", sponsor={"nib": "9129990000001"})
    theirs = submitted(office=sby, actor=sby_front_desk, passport="SBY000001", sponsor={"nib": "9129990000002"})
    my_permit = StayPermitFactory(office=smg)
    their_permit = StayPermitFactory(office=sby)
    client.force_login(front_desk)

    assert results(client.get(APPLICATIONS)) == [mine]
    assert results(client.get(PERMITS)) == [my_permit]
    assert set(results(client.get(FOREIGNERS))) == {mine.foreigner, my_permit.holder}
    assert set(results(client.get(SPONSORS))) == {mine.sponsor, my_permit.sponsor}
    assert client.get(reverse("admin:permits_foreigner_change", args=[theirs.foreigner.pk])).status_code == 404
    assert client.get(reverse("admin:permits_staypermit_change", args=[their_permit.pk])).status_code == 404
    assert client.get(reverse("admin:permits_sponsor_change", args=[theirs.sponsor.pk])).status_code == 404


def test_application_search_and_filters(client, smg, front_desk):
    first = submitted(office=smg, actor=front_desk, passport="AA1111111")
    second = submitted(
        office=smg,
        actor=front_desk,
        passport="BB2222222",
        permit_type="ITK",
        purpose="visit",
        requested_until=smg.local_today() + timedelta(days=29),
    )
    client.force_login(front_desk)

    assert results(client.get(APPLICATIONS, {"q": "bb2222222"})) == [second]
    assert results(client.get(APPLICATIONS, {"q": first.reference})) == [first]
    assert results(client.get(APPLICATIONS, {"permit_type__exact": "ITK"})) == [second]
    assert results(client.get(APPLICATIONS, {"purpose__exact": "work"})) == [first]
    assert results(client.get(APPLICATIONS, {"status__exact": Status.VERIFIED})) == []


def test_office_filter_lists_only_the_users_offices(client, smg, sby, member):
    user = member(Role.OFFICE_HEAD, office=smg)
    user.memberships.create(role=Role.FRONT_DESK, office=sby)
    client.force_login(user)

    response = client.get(APPLICATIONS)

    office_filter = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", None) == "office"
    )
    assert {pk for pk, _label in office_filter.lookup_choices} == {smg.pk, sby.pk}


def test_changelist_queries_do_not_grow_with_the_rows(client, smg, front_desk, django_assert_num_queries):
    for number in range(5):
        submitted(office=smg, actor=front_desk, passport=f"P{number:08d}")
    client.force_login(front_desk)
    client.get(APPLICATIONS)  # warm the per-process caches (content types, …)

    with django_assert_num_queries(CHANGELIST_QUERIES):
        five = client.get(APPLICATIONS)
    assert len(results(five)) == 5

    for number in range(5, 25):
        submitted(office=smg, actor=front_desk, passport=f"P{number:08d}")
    with django_assert_num_queries(CHANGELIST_QUERIES):
        twenty_five = client.get(APPLICATIONS)
    assert len(results(twenty_five)) == 25
    assert twenty_five.context["cl"].result_count == 25


# The case page and its actions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.FRONT_DESK, {"return_documents", "verify", "cancel"}),
        (Role.BIOMETRIC_OPERATOR, set()),
        (Role.ADJUDICATOR, set()),
        (Role.PRINT_OPERATOR, set()),
    ],
)
def test_buttons_are_the_roles_allowed_actions_on_a_submitted_case(client, smg, front_desk, member, role, expected):
    application = submitted(office=smg, actor=front_desk)
    user = front_desk if role == Role.FRONT_DESK else member(role, office=smg)
    client.force_login(user)

    response = client.get(change_url(application))

    assert response.status_code == 200
    assert shown_actions(response) == set(PERMIT_WORKFLOW.available(case=application, user=user)) == expected


def test_adjudicator_buttons_follow_the_offices_authority(client, smg, front_desk, member, national_admin):
    """A six-month ITAS is the office's to approve; one of over a year only the nation's."""
    short = biometrics_captured(submitted(office=smg, actor=front_desk, passport="S00000001"), member=member)
    long = biometrics_captured(
        submitted(
            office=smg,
            actor=front_desk,
            passport="L00000001",
            requested_until=smg.local_today() + timedelta(days=400),
        ),
        member=member,
    )
    client.force_login(member(Role.ADJUDICATOR, office=smg))

    assert shown_actions(client.get(change_url(short))) == {"approve", "reject"}
    assert shown_actions(client.get(change_url(long))) == {"reject"}

    client.force_login(national_admin)
    assert shown_actions(client.get(change_url(long))) == {"approve", "reject"}


def test_front_desk_verifies_and_records_payment_through_the_action_pages(client, smg, front_desk):
    application = submitted(office=smg, actor=front_desk)
    client.force_login(front_desk)

    assert client.get(act_url(application, "verify") + "?version=1").status_code == 200
    verify = client.post(act_url(application, "verify"), {"expected_version": 1, "note": "Berkas lengkap"})

    assert verify.status_code == 302
    assert verify["Location"] == change_url(application)
    application.refresh_from_db()
    assert application.status == Status.VERIFIED

    payment_page = client.get(act_url(application, "record_payment"))
    assert set(payment_page.context["form"].fields) == {"billing_code", "amount_idr", "note", "expected_version"}
    assert payment_page.context["form"].fields["amount_idr"].initial == application.fee_idr
    pay = client.post(
        act_url(application, "record_payment"),
        {"expected_version": 2, "billing_code": BILLING_CODE, "amount_idr": application.fee_idr},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == Status.PAID
    assert application.billing_code == BILLING_CODE
    assert [message.level_tag for message in pay.context["messages"]] == ["success"]
    timeline = pay.context["timeline"]
    assert [entry["to_status"] for entry in timeline] == [
        Status.SUBMITTED.label,
        Status.VERIFIED.label,
        Status.PAID.label,
    ]
    assert timeline[1]["note"] == "Berkas lengkap"
    assert pay.content.decode().count('class="timeline-entry"') == 3


def test_print_operator_issues_the_permit(client, smg, front_desk, member):
    application = biometrics_captured(submitted(office=smg, actor=front_desk), member=member)
    application = permit_application_act(
        application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg)
    )
    client.force_login(member(Role.PRINT_OPERATOR, office=smg))
    assert shown_actions(client.get(change_url(application))) == {"issue"}

    response = client.post(act_url(application, "issue"), {"expected_version": application.version}, follow=True)

    application.refresh_from_db()
    assert application.status == Status.ISSUED
    permit = StayPermit.objects.get(application=application)
    assert permit.holder == application.foreigner
    assert permit.valid_until == application.requested_until
    assert response.context["timeline"][-1]["action"] == site._registry[StayPermitApplication].labels["issue"]
    assert permit.number in response.content.decode()


@pytest.mark.parametrize(
    ("action", "version", "role"),
    [
        ("record_payment", 1, Role.FRONT_DESK),  # wrong status: invalid transition
        ("verify", 1, Role.BIOMETRIC_OPERATOR),  # the role lacks the action
        ("verify", 7, Role.FRONT_DESK),  # a stale page
    ],
)
def test_refusals_come_back_as_messages(client, smg, front_desk, member, action, version, role):
    application = submitted(office=smg, actor=front_desk)
    user = front_desk if role == Role.FRONT_DESK else member(role, office=smg)
    client.force_login(user)
    data = {"expected_version": version, "billing_code": BILLING_CODE, "amount_idr": application.fee_idr}

    response = client.post(act_url(application, action), data, follow=True)

    assert response.redirect_chain == [(change_url(application), 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.version == 1


def test_national_approval_refusal_is_shown_as_a_message(client, smg, front_desk, member):
    application = biometrics_captured(
        submitted(office=smg, actor=front_desk, requested_until=smg.local_today() + timedelta(days=400)),
        member=member,
    )
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    client.force_login(adjudicator)

    response = client.post(act_url(application, "approve"), {"expected_version": application.version}, follow=True)

    assert response.redirect_chain == [(change_url(application), 302)]
    assert messages_of(response) == [str(approval_refusal(application, adjudicator).detail)]
    application.refresh_from_db()
    assert application.status == Status.BIOMETRICS_CAPTURED


def test_issuance_outage_holds_the_case_and_refuses_with_a_message(client, smg, front_desk, member, national_admin):
    application = biometrics_captured(submitted(office=smg, actor=front_desk), member=member)
    application = permit_application_act(
        application=application, action="approve", actor=member(Role.ADJUDICATOR, office=smg)
    )
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.PERMIT_ISSUANCE],
        reason="Sistem penerbitan izin tinggal terganggu",
    )
    client.force_login(member(Role.PRINT_OPERATOR, office=smg))

    page = client.get(change_url(application))
    assert page.context["held_by"] == [outage]
    assert "Sistem penerbitan izin tinggal terganggu" in page.content.decode()

    refused = client.post(act_url(application, "issue"), {"expected_version": application.version}, follow=True)

    [message] = messages_of(refused)
    assert f"#{outage.pk}" in message
    assert "Sistem penerbitan izin tinggal terganggu" in message
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert not StayPermit.objects.filter(application=application).exists()


# Permits, foreigners and where they stand -----------------------------------------------------------


def test_permit_search_by_passport_number_and_by_nationality(client, smg, front_desk):
    british = StayPermitFactory(office=smg, holder=ForeignerFactory(nationality="GBR", passport_number="GB1234567"))
    australian = StayPermitFactory(office=smg, holder=ForeignerFactory(nationality="AUS", passport_number="PA0000099"))
    client.force_login(front_desk)

    assert results(client.get(PERMITS, {"q": "gb1234567"})) == [british]
    assert results(client.get(PERMITS, {"q": "AUS"})) == [australian]
    assert results(client.get(PERMITS, {"q": "Australia"})) == [australian]
    assert results(client.get(PERMITS, {"q": australian.sponsor.nib})) == [australian]
    assert results(client.get(PERMITS, {"permit_type__exact": "ITK"})) == []


def test_foreigner_page_shows_a_protected_stay_held_by_an_outage(client, smg, front_desk, member, national_admin):
    permit, extension = protected_holder(office=smg, actor=front_desk)
    extension = biometrics_captured(extension, member=member)
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Pusat Data Nasional terkena ransomware",
    )
    client.force_login(front_desk)

    response = client.get(reverse("admin:permits_foreigner_change", args=[permit.holder.pk]))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    content = response.content.decode()
    assert (permit.valid_until + timedelta(days=1)).isoformat() in content
    assert permit.number in content
    assert extension.reference in content
    assert f"#{outage.pk}" in content
    assert "Pusat Data Nasional terkena ransomware" in content


def test_foreigner_page_shows_overstay_days_and_fine(client, smg, front_desk):
    permit = overstaying_holder(office=smg, days=10)
    client.force_login(front_desk)

    response = client.get(reverse("admin:permits_foreigner_change", args=[permit.holder.pk]))

    stay = response.context["adminform"].form.instance
    assert stay == permit.holder
    summary = next(
        field.contents()
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        if field.field["name"] == "stay_today"
    )
    assert (permit.valid_until + timedelta(days=1)).isoformat() in summary
    assert permit.number in summary
    assert " 10 " in summary
    assert "Rp10.000.000" in summary


def test_exception_list_shows_protected_and_overstaying_holders(client, smg, sby, front_desk, member):
    _permit, extension = protected_holder(office=smg, actor=front_desk)
    overstayer = overstaying_holder(office=smg, days=3)
    overstaying_holder(office=sby, days=3)  # outside the scope
    StayPermitFactory(office=smg)  # still covered
    client.force_login(front_desk)

    response = client.get(EXCEPTIONS)

    rows = {row.holder.pk: row.stay for row in results(response)}
    assert set(rows) == {extension.foreigner.pk, overstayer.holder.pk}
    protected = rows[extension.foreigner.pk]
    assert (protected.state, protected.application, protected.overstay_days) == ("protected", extension, 0)
    overstay = rows[overstayer.holder.pk]
    assert (overstay.state, overstay.overstay_days, overstay.fine_idr) == ("overstaying", 3, 3 * OVERSTAY_FINE_PER_DAY)
    content = response.content.decode()
    assert extension.reference in content
    assert "Rp3.000.000" in content
    assert [row.holder for row in results(client.get(EXCEPTIONS, {"state": "overstaying"}))] == [overstayer.holder]
    assert [row.holder for row in results(client.get(EXCEPTIONS, {"state": "protected"}))] == [extension.foreigner]
    assert len(results(client.get(EXCEPTIONS, {"_facets": "True"}))) == 2


def test_exception_list_queries_do_not_grow_with_the_rows(client, smg, front_desk, django_assert_num_queries):
    """Each row's stay is worked out from the applications and active outages read once per page."""
    protected_holder(office=smg, actor=front_desk)
    overstaying_holder(office=smg, days=2)
    client.force_login(front_desk)
    client.get(EXCEPTIONS)  # warm the per-process caches

    with django_assert_num_queries(EXCEPTION_LIST_QUERIES):
        two = client.get(EXCEPTIONS)
    assert len(results(two)) == 2

    for days in range(3, 7):
        protected_holder(office=smg, actor=front_desk)
        overstaying_holder(office=smg, days=days)
    with django_assert_num_queries(EXCEPTION_LIST_QUERIES):
        ten = client.get(EXCEPTIONS)
    assert sorted(row.stay.state for row in results(ten)) == ["overstaying"] * 5 + ["protected"] * 5


def test_read_only_pages_of_permits_sponsors_and_exceptions(client, smg, front_desk, admin_user):
    permit = overstaying_holder(office=smg, days=4)
    client.force_login(front_desk)

    pages = {
        "permit": client.get(reverse("admin:permits_staypermit_change", args=[permit.pk])),
        "sponsor": client.get(reverse("admin:permits_sponsor_change", args=[permit.sponsor.pk])),
        "exception": client.get(reverse("admin:permits_stayexception_change", args=[permit.pk])),
    }

    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert not any(page.context["has_change_permission"] for page in pages.values())
    assert "Rp4.000.000" in pages["exception"].content.decode()
    assert client.get(reverse("admin:permits_staypermit_add")).status_code == 403
    client.force_login(admin_user)
    foreigner_page = client.get(reverse("admin:permits_foreigner_change", args=[permit.holder.pk]))
    assert foreigner_page.context["has_change_permission"]
    assert "Rp4.000.000" in foreigner_page.content.decode()

"""The capability guard: an outage blocks exactly the steps that need what it took down."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.models import PassportApplication
from applications.services import application_act, application_submit
from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import OutageActive, outage_declare, outage_resolve, outages_blocking
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory, action_inputs, applicant_data

pytestmark = pytest.mark.django_db

# Each role's one office action in these tests.
ROLE_OF = {
    "verify": Role.FRONT_DESK,
    "record_payment": Role.FRONT_DESK,
    "return_documents": Role.FRONT_DESK,
    "capture_biometrics": Role.BIOMETRIC_OPERATOR,
    "interview": Role.INTERVIEWER,
    "approve": Role.ADJUDICATOR,
    "reject": Role.ADJUDICATOR,
    "print": Role.PRINT_OPERATOR,
    "hand_over": Role.HANDOVER_OFFICER,
    "cancel": Role.FRONT_DESK,
}
SOURCE_OF = {
    "verify": Status.SUBMITTED,
    "return_documents": Status.SUBMITTED,
    "record_payment": Status.VERIFIED,
    "capture_biometrics": Status.PAID,
    "interview": Status.BIOMETRICS_CAPTURED,
    "approve": Status.INTERVIEWED,
    "reject": Status.INTERVIEWED,
    "print": Status.APPROVED,
    "hand_over": Status.PRINTED,
    "cancel": Status.APPROVED,
}


def _act(office, member, action: str) -> PassportApplication:
    application = PassportApplicationFactory(office=office, status=SOURCE_OF[action])
    return application_act(
        application=application,
        action=action,
        actor=member(ROLE_OF[action], office=office),
        **action_inputs(action, application),
    )


def _refused(office, member, action: str) -> OutageActive:
    application = PassportApplicationFactory(office=office, status=SOURCE_OF[action])
    with pytest.raises(OutageActive) as refusal:
        application_act(
            application=application,
            action=action,
            actor=member(ROLE_OF[action], office=office),
            **action_inputs(action, application),
        )
    stored = PassportApplication.objects.get(pk=application.pk)
    assert (stored.status, stored.version) == (application.status, application.version)
    return refusal.value


def _express(office, member, **fields) -> PassportApplication:
    return application_submit(
        actor=member(Role.FRONT_DESK, office=office),
        office=office,
        applicant=applicant_data(),
        application_type="new",
        passport_kind="electronic",
        validity_years=5,
        channel="appointment",
        **fields,
    )


def _national(admin, *capabilities: str, reason: str = "Pusat Data Nasional diserang ransomware"):
    return outage_declare(actor=admin, scope=OutageScope.NATIONAL, capabilities=list(capabilities), reason=reason)


def test_national_central_records_outage_blocks_approve_only(offices, member, national_admin):
    smg = offices["SMG"]
    outage = _national(national_admin, Capability.CENTRAL_RECORDS)

    refusal = _refused(smg, member, "approve")
    assert refusal.code == "outage-active"
    assert refusal.status_code == 409
    assert refusal.capability == Capability.CENTRAL_RECORDS
    assert refusal.extra == {"capability": Capability.CENTRAL_RECORDS}
    assert refusal.outages == [outage]
    assert outage.reason in str(refusal.detail)

    for action in ("verify", "record_payment", "capture_biometrics", "interview", "reject", "print", "cancel"):
        assert _act(smg, member, action).status != SOURCE_OF[action], action
    assert _express(smg, member, service="express").service == "express"


def test_outage_names_its_expected_end(offices, member, national_admin):
    end = timezone.now() + timedelta(hours=6)
    outage = outage_declare(
        actor=national_admin,
        scope=OutageScope.NATIONAL,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="PDN",
        expected_end=end,
    )
    refusal = _refused(offices["SMG"], member, "approve")
    # How the API shows it: tests/offices/test_outage_api.py (TestRefusalBody).
    assert refusal.outages == [outage]
    assert refusal.outages[0].expected_end == end
    assert 0 < int(refusal.headers["Retry-After"]) <= 6 * 3600


def test_printing_outage_blocks_print_only(offices, member, national_admin):
    smg = offices["SMG"]
    _national(national_admin, Capability.PRINTING)
    assert _refused(smg, member, "print").extra["capability"] == Capability.PRINTING
    assert _act(smg, member, "approve").status == Status.APPROVED
    assert _act(smg, member, "hand_over").status == Status.ISSUED


def test_express_outage_blocks_express_creation_not_regular(offices, member, national_admin):
    smg = offices["SMG"]
    _national(national_admin, Capability.EXPRESS_SERVICE)
    with pytest.raises(OutageActive) as refusal:
        _express(smg, member, service="express")
    assert refusal.value.extra["capability"] == Capability.EXPRESS_SERVICE
    assert not PassportApplication.objects.filter(service="express").exists()
    assert _express(smg, member, service="regular").status == Status.SUBMITTED


def test_regional_outage_covers_only_its_region(offices, member):
    smg, sby = offices["SMG"], offices["SBY"]
    assert smg.region_id != sby.region_id
    in_region = [office for office in offices.values() if office.region_id == smg.region_id and office != smg]
    supervisor = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    outage_declare(
        actor=supervisor,
        scope=OutageScope.REGION,
        region=smg.region,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Jaringan Kanwil Jateng putus",
    )
    _refused(smg, member, "approve")
    _refused(in_region[0], member, "approve")
    assert _act(sby, member, "approve").status == Status.APPROVED


def test_office_outage_covers_only_its_office(offices, member):
    smg, other = offices["SMG"], offices["SBY"]
    head = member(Role.OFFICE_HEAD, office=smg)
    outage_declare(
        actor=head, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="Printer rusak"
    )
    _refused(smg, member, "print")
    assert _act(other, member, "print").status == Status.PRINTED
    same_region = next(o for o in offices.values() if o.region_id == smg.region_id and o != smg)
    assert _act(same_region, member, "print").status == Status.PRINTED


def test_resolve_lifts_the_block(offices, member, national_admin):
    smg = offices["SMG"]
    outage = _national(national_admin, Capability.CENTRAL_RECORDS, Capability.PRINTING)
    _refused(smg, member, "approve")
    outage_resolve(actor=national_admin, outage=outage, note="PDN pulih")
    assert _act(smg, member, "approve").status == Status.APPROVED
    assert _act(smg, member, "print").status == Status.PRINTED
    assert outages_blocking(office=smg, capability=Capability.CENTRAL_RECORDS) == []


def test_overlapping_outages_resolving_one_leaves_the_capability_down(offices, member, national_admin):
    smg = offices["SMG"]
    national = _national(national_admin, Capability.CENTRAL_RECORDS)
    office_outage = outage_declare(
        actor=member(Role.OFFICE_HEAD, office=smg),
        scope=OutageScope.OFFICE,
        office=smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Jaringan kantor putus",
    )
    refusal = _refused(smg, member, "approve")
    assert refusal.outages == [national, office_outage]  # oldest first

    outage_resolve(actor=national_admin, outage=national)
    refusal = _refused(smg, member, "approve")
    assert refusal.outages == [office_outage]
    assert _act(offices["SBY"], member, "approve").status == Status.APPROVED

    outage_resolve(actor=national_admin, outage=office_outage)
    assert _act(smg, member, "approve").status == Status.APPROVED


def test_who_may_declare(offices, member):
    smg, sby = offices["SMG"], offices["SBY"]
    head = member(Role.OFFICE_HEAD, office=smg)
    supervisor = member(Role.REGIONAL_SUPERVISOR, region=smg.region)
    adjudicator = member(Role.ADJUDICATOR, office=smg)
    attempts = [
        (head, {"scope": OutageScope.NATIONAL}),
        (head, {"scope": OutageScope.OFFICE, "office": sby}),
        (head, {"scope": OutageScope.REGION, "region": smg.region}),
        (supervisor, {"scope": OutageScope.NATIONAL}),
        (supervisor, {"scope": OutageScope.REGION, "region": sby.region}),
        (adjudicator, {"scope": OutageScope.OFFICE, "office": smg}),
    ]
    for actor, target in attempts:
        with pytest.raises(PermissionDenied):
            outage_declare(actor=actor, capabilities=[Capability.PRINTING], reason="x", **target)
    outage = outage_declare(
        actor=supervisor, scope=OutageScope.OFFICE, office=smg, capabilities=[Capability.PRINTING], reason="x"
    )
    with pytest.raises(PermissionDenied):
        outage_resolve(actor=member(Role.OFFICE_HEAD, office=sby), outage=outage)
    assert outage_resolve(actor=head, outage=outage).resolved_by == head


def _slowdown(admin, *capabilities: str, percent: int = 50, reason: str = "Pusat Data Nasional lambat"):
    return outage_declare(
        actor=admin,
        scope=OutageScope.NATIONAL,
        capabilities=list(capabilities),
        reason=reason,
        capacity_percent=percent,
    )


def test_a_slowdown_blocks_neither_approve_nor_print(offices, member, national_admin):
    smg = offices["SMG"]
    slowdown = _slowdown(national_admin, Capability.CENTRAL_RECORDS, Capability.PRINTING, percent=30)

    assert slowdown.is_degraded
    assert _act(smg, member, "approve").status == Status.APPROVED
    assert _act(smg, member, "print").status == Status.PRINTED
    assert outages_blocking(office=smg, capability=Capability.CENTRAL_RECORDS) == []


def test_a_blocking_outage_beside_a_slowdown_still_refuses(offices, member, national_admin):
    smg = offices["SMG"]
    slowdown = _slowdown(national_admin, Capability.CENTRAL_RECORDS)
    blocking = outage_declare(
        actor=member(Role.OFFICE_HEAD, office=smg),
        scope=OutageScope.OFFICE,
        office=smg,
        capabilities=[Capability.CENTRAL_RECORDS],
        reason="Jaringan kantor putus",
    )

    refusal = _refused(smg, member, "approve")
    assert refusal.outages == [blocking]  # the slowdown holds nothing

    outage_resolve(actor=national_admin, outage=slowdown)
    assert _refused(smg, member, "approve").outages == [blocking]

    outage_resolve(actor=national_admin, outage=blocking)
    assert _act(smg, member, "approve").status == Status.APPROVED


def test_resolving_the_blocking_outage_leaves_the_slowdown_in_force(offices, member, national_admin):
    smg = offices["SMG"]
    blocking = _national(national_admin, Capability.PRINTING)
    slowdown = _slowdown(national_admin, Capability.PRINTING, percent=25)
    _refused(smg, member, "print")

    outage_resolve(actor=national_admin, outage=blocking)

    assert _act(smg, member, "print").status == Status.PRINTED
    slowdown.refresh_from_db()
    assert slowdown.is_active
    assert list(Outage.objects.active()) == [slowdown]


def test_a_refusal_names_a_blocking_outage_with_no_capacity(offices, member, national_admin):
    _national(national_admin, Capability.CENTRAL_RECORDS)

    refusal = _refused(offices["SMG"], member, "approve")

    assert [outage.capacity_percent for outage in refusal.outages] == [None]


@pytest.mark.parametrize("percent", [0, 100])
def test_the_service_refuses_a_slowdown_out_of_range_on_its_field(offices, national_admin, percent):
    with pytest.raises(ValidationError) as refused:
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=[Capability.PRINTING],
            reason="Lambat",
            capacity_percent=percent,
        )

    assert list(refused.value.error_dict) == ["capacity_percent"]
    assert not Outage.objects.exists()

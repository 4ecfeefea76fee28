"""Outages over the API: the public status, declaring, listing and resolving, and what a refusal says."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from applications.workflow import Status
from offices.models import Capability, Outage, OutageScope
from offices.outages import outage_declare
from offices.roles import Role
from tests.applications.service_factories import PassportApplicationFactory
from tests.support.api import client_for, invalid_params

STATUS = "/api/v1/status/"
OUTAGES = "/api/v1/outages/"
PASSPORTS = "/api/v1/passport-applications/"


def in_jakarta(moment: datetime) -> str:
    """A time as the API gives every time: in TIME_ZONE (Asia/Jakarta), ISO 8601."""
    return timezone.localtime(moment, ZoneInfo("Asia/Jakarta")).isoformat()


def states(response) -> dict[str, str]:
    return {row["capability"]: row["state"] for row in response.json()["capabilities"]}


@pytest.fixture
def pusat(national_admin) -> APIClient:
    return client_for(national_admin)


class TestStatus:
    def test_everything_up_is_public(self, offices):
        response = APIClient().get(STATUS)

        assert response.status_code == 200
        assert response.json()["office"] is None
        assert states(response) == {capability.value: "up" for capability in Capability}
        assert response.json()["outages"] == []

    def test_national_and_regional_outages(self, offices, national_admin):
        national = outage_declare(
            actor=national_admin, scope=OutageScope.NATIONAL, capabilities=["central_records"], reason="PDN down"
        )
        regional = outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=offices["SBY"].region,
            capabilities=["printing"],
            reason="Printer network",
        )

        nationally = APIClient().get(STATUS)
        at_smg = APIClient().get(STATUS, {"office": "SMG"})
        at_sby = APIClient().get(STATUS, {"office": "sby"})

        assert states(nationally) == {
            "central_records": "down",
            "printing": "partial",
            "permit_issuance": "up",
            "express_service": "up",
        }
        assert [o["id"] for o in nationally.json()["outages"]] == [national.pk, regional.pk]
        assert at_smg.json()["office"] == "SMG"
        assert states(at_smg)["printing"] == "up"
        assert states(at_smg)["central_records"] == "down"
        assert [o["id"] for o in at_smg.json()["outages"]] == [national.pk]
        # An office code is read in any case (OfficeCodeField): "sby" is SBY, in Jawa Timur's outage.
        assert at_sby.json()["office"] == "SBY"
        assert states(at_sby)["printing"] == "down"
        assert [o["id"] for o in at_sby.json()["outages"]] == [national.pk, regional.pk]

    def test_office_state_names_its_outages(self, offices, national_admin):
        outage = outage_declare(
            actor=national_admin,
            scope=OutageScope.OFFICE,
            office=offices["SBY"],
            capabilities=["printing", "express_service"],
            reason="Power cut",
            expected_end=timezone.now() + timedelta(hours=1),
        )

        response = APIClient().get(STATUS, {"office": "SBY"})

        assert response.status_code == 200
        printing = next(row for row in response.json()["capabilities"] if row["capability"] == "printing")
        assert printing == {
            "capability": "printing",
            "label": printing["label"],
            "state": "down",
            "outages": [outage.pk],
        }
        assert response.json()["outages"][0]["reason"] == "Power cut"
        assert response.json()["outages"][0]["expected_end"] is not None

    def test_a_slowdown_is_degraded_not_down(self, offices, national_admin):
        slowdown = outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=["central_records", "printing"],
            reason="PDN lambat",
            capacity_percent=40,
        )
        blocking = outage_declare(
            actor=national_admin, scope=OutageScope.OFFICE, office=offices["SMG"], capabilities=["printing"], reason="x"
        )

        nationally = APIClient().get(STATUS)
        at_smg = APIClient().get(STATUS, {"office": "SMG"})
        at_sby = APIClient().get(STATUS, {"office": "SBY"})

        assert states(nationally) == {
            "central_records": "degraded",
            "printing": "partial",
            "permit_issuance": "up",
            "express_service": "up",
        }
        assert states(at_smg)["central_records"] == "degraded"
        assert states(at_smg)["printing"] == "down"  # a blocking outage outweighs the slowdown
        assert states(at_sby)["printing"] == "degraded"
        summaries = {summary["id"]: summary for summary in nationally.json()["outages"]}
        assert summaries[slowdown.pk]["capacity_percent"] == 40
        assert summaries[blocking.pk]["capacity_percent"] is None

    def test_an_outage_reads_in_full_with_its_times_in_jakarta(self, offices, national_admin):
        end = timezone.now() + timedelta(hours=3)
        outage = outage_declare(
            actor=national_admin,
            scope=OutageScope.REGION,
            region=offices["SBY"].region,
            capabilities=["printing"],
            reason="Printer network",
            expected_end=end,
        )

        summary = APIClient().get(STATUS).json()["outages"][0]

        assert summary == {
            "id": outage.pk,
            "scope": "region",
            "region": offices["SBY"].region.name,
            "office": None,
            "capabilities": ["printing"],
            "reason": "Printer network",
            "declared_at": in_jakarta(outage.declared_at),
            "expected_end": in_jakarta(end),
            "capacity_percent": None,
        }
        assert summary["declared_at"].endswith("+07:00")
        assert summary["expected_end"].endswith("+07:00")
        assert datetime.fromisoformat(summary["expected_end"]) == end  # the same instant

    def test_unknown_office_or_parameter_is_a_field_error(self, offices):
        unknown = APIClient().get(STATUS, {"office": "XXX"})
        misspelt = APIClient().get(STATUS, {"ofice": "SMG"})

        assert unknown.status_code == 400
        assert invalid_params(unknown) == {"office": {"does_not_exist"}}
        assert misspelt.status_code == 400
        assert invalid_params(misspelt) == {"ofice": {"unknown-parameter"}}


class TestDeclare:
    def test_national_admin_declares_a_national_outage(self, offices, pusat):
        expected_end = timezone.now() + timedelta(hours=6)

        response = pusat.post(
            OUTAGES,
            {
                "scope": "national",
                "capabilities": ["printing", "central_records", "printing"],
                "reason": "Ransomware at the national data centre",
                "expected_end": expected_end.isoformat(),
            },
            format="json",
        )

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["scope"] == "national"
        assert body["capabilities"] == ["central_records", "printing"]
        assert body["is_active"] is True
        assert body["declared_by"] == "pusat"
        assert body["region"] is None
        assert body["office"] is None
        assert Outage.objects.get(pk=body["id"]).expected_end == expected_end

    @pytest.mark.parametrize("region", ["33", "Jawa Tengah", "jawa tengah"])
    def test_region_by_code_or_name(self, offices, member, region):
        supervisor = client_for(member(Role.REGIONAL_SUPERVISOR, region=offices["SMG"].region))

        response = supervisor.post(
            OUTAGES, {"scope": "region", "region": region, "capabilities": ["printing"], "reason": "x"}, format="json"
        )

        assert response.status_code == 201, response.content
        assert response.json()["region_code"] == "33"
        assert response.json()["region"] == "Jawa Tengah"

    def test_declaring_a_slowdown(self, offices, pusat):
        response = pusat.post(
            OUTAGES,
            {"scope": "national", "capabilities": ["central_records"], "reason": "PDN lambat", "capacity_percent": 35},
            format="json",
        )

        assert response.status_code == 201, response.content
        assert response.json()["capacity_percent"] == 35
        outage = Outage.objects.get(pk=response.json()["id"])
        assert (outage.capacity_percent, outage.is_degraded) == (35, True)

    def test_without_capacity_the_outage_blocks(self, offices, pusat):
        omitted = pusat.post(OUTAGES, {"scope": "national", "capabilities": ["printing"], "reason": "x"}, format="json")
        null = pusat.post(
            OUTAGES,
            {"scope": "national", "capabilities": ["printing"], "reason": "y", "capacity_percent": None},
            format="json",
        )

        assert (omitted.status_code, null.status_code) == (201, 201)
        assert omitted.json()["capacity_percent"] is None
        assert null.json()["capacity_percent"] is None
        assert Outage.objects.blocking().count() == 2

    @pytest.mark.parametrize(
        ("capacity", "code"),
        [(0, "min_value"), (100, "max_value"), (-5, "min_value"), ("abc", "invalid"), (50.5, "invalid")],
    )
    def test_capacity_outside_1_to_99_is_a_field_error(self, offices, pusat, capacity, code):
        response = pusat.post(
            OUTAGES,
            {"scope": "national", "capabilities": ["printing"], "reason": "x", "capacity_percent": capacity},
            format="json",
        )

        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid"
        assert invalid_params(response) == {"capacity_percent": {code}}
        assert not Outage.objects.exists()

    def test_office_head_declares_for_their_office(self, offices, member):
        head = client_for(member(Role.OFFICE_HEAD, office=offices["SMG"]))

        response = head.post(
            OUTAGES,
            {"scope": "office", "office": "SMG", "capabilities": ["express_service"], "reason": "x"},
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["office"] == "SMG"

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"scope": "national", "capabilities": [], "reason": "x"}, {"capabilities": {"empty"}}),
            ({"scope": "national", "reason": "x"}, {"capabilities": {"required"}}),
            ({"scope": "national", "capabilities": ["coffee"], "reason": "x"}, {"capabilities.0": {"invalid_choice"}}),
            ({"scope": "national", "capabilities": ["printing", "tea"], "reason": "x"}, {"capabilities.1": {"invalid_choice"}}),
            ({"scope": "region", "capabilities": ["printing"], "reason": "x"}, {"region": {"required"}}),
            ({"scope": "office", "capabilities": ["printing"], "reason": "x"}, {"office": {"required"}}),
            ({"scope": "office", "office": "XXX", "capabilities": ["printing"], "reason": "x"}, {"office": {"does_not_exist"}}),
            ({"scope": "region", "region": "Atlantis", "capabilities": ["printing"], "reason": "x"}, {"region": {"does_not_exist"}}),
            ({"scope": "national", "office": "SMG", "capabilities": ["printing"], "reason": "x"}, {"office": {"not-allowed"}}),
            ({"scope": "galaxy", "capabilities": ["printing"], "reason": "x"}, {"scope": {"invalid_choice"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": ""}, {"reason": {"blank"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x" * 2001}, {"reason": {"max_length"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "2000-01-01T00:00:00Z"}, {"expected_end": {"in-past"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "9999-12-31T00:00:00Z"}, {"expected_end": {"too-far"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "9999-12-31T23:59:59Z"}, {"expected_end": {"invalid"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "0001-01-01T12:00:00+07:00"}, {"expected_end": {"in-past"}}),
            # Out of Python's range once moved to UTC or to Jakarta's time (+07:07:12 in year 1):
            # without an offset it is read in Jakarta's time, before year 1 in UTC.
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "0001-01-01T00:00:00+07:00"}, {"expected_end": {"invalid"}}),
            ({"scope": "region", "region": "33", "capabilities": ["printing"], "reason": "x", "expected_end": "0001-01-01"}, {"expected_end": {"invalid"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "0001-01-01T03:00:00"}, {"expected_end": {"invalid"}}),
            ({"scope": "national", "capabilities": ["printing"], "reason": "x", "expected_end": "tomorrow"}, {"expected_end": {"invalid"}}),
        ],
    )  # fmt: skip
    def test_invalid_declarations_write_nothing(self, offices, pusat, body, expected):
        response = pusat.post(OUTAGES, body, format="json")

        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid"
        assert invalid_params(response) == expected
        assert not Outage.objects.exists()

    @pytest.mark.parametrize(
        ("role", "scope_of_member", "body"),
        [
            (Role.OFFICE_HEAD, "SMG", {"scope": "national"}),
            (Role.OFFICE_HEAD, "SMG", {"scope": "office", "office": "SBY"}),
            (Role.FRONT_DESK, "SMG", {"scope": "office", "office": "SMG"}),
            (Role.REGIONAL_SUPERVISOR, "SMG", {"scope": "region", "region": "Jawa Timur"}),
        ],
    )
    def test_without_the_right_is_forbidden(self, offices, member, role, scope_of_member, body):
        office = offices[scope_of_member]
        user = member(role, **({"region": office.region} if role == Role.REGIONAL_SUPERVISOR else {"office": office}))

        response = client_for(user).post(OUTAGES, {**body, "capabilities": ["printing"], "reason": "x"}, format="json")

        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission-denied"
        assert not Outage.objects.exists()

    def test_anonymous_is_refused(self, offices):
        response = APIClient().post(
            OUTAGES, {"scope": "national", "capabilities": ["printing"], "reason": "x"}, format="json"
        )

        assert response.status_code == 401
        assert not Outage.objects.exists()


class TestRetryAfter:
    """An ``outage-active`` refusal says when to retry, in whole seconds, only when the end is announced."""

    @pytest.fixture
    def adjudicator(self, offices, member) -> APIClient:
        return client_for(member(Role.ADJUDICATOR, office=offices["SMG"]))

    def approve(self, client: APIClient, offices):
        application = PassportApplicationFactory(office=offices["SMG"], status=Status.INTERVIEWED)
        return client.post(f"{PASSPORTS}{application.reference}/approve/", {}, format="json")

    def test_an_announced_end_gives_retry_after_in_seconds(self, offices, national_admin, adjudicator):
        outage_declare(
            actor=national_admin,
            scope=OutageScope.NATIONAL,
            capabilities=["central_records"],
            reason="PDN",
            expected_end=timezone.now() + timedelta(minutes=30),
        )

        response = self.approve(adjudicator, offices)

        assert response.status_code == 409
        assert response.json()["code"] == "outage-active"
        assert re.fullmatch(r"[0-9]+", response["Retry-After"])
        assert 1700 < int(response["Retry-After"]) <= 1800

    def test_an_unknown_end_gives_no_retry_after(self, offices, national_admin, adjudicator):
        outage_declare(actor=national_admin, scope=OutageScope.NATIONAL, capabilities=["central_records"], reason="PDN")

        response = self.approve(adjudicator, offices)

        assert response.status_code == 409
        assert response.json()["code"] == "outage-active"
        assert response.json()["outages"][0]["expected_end"] is None
        assert "Retry-After" not in response


class TestRefusalBody:
    """An ``outage-active`` problem document names its outages as the status and the held cases do."""

    def test_the_body_names_each_outage_in_full(self, offices, member):
        smg = offices["SMG"]
        end = timezone.now() + timedelta(hours=6)
        outage = outage_declare(
            actor=member(Role.OFFICE_HEAD, office=smg),
            scope=OutageScope.OFFICE,
            office=smg,
            capabilities=["central_records"],
            reason="Jaringan kantor putus",
            expected_end=end,
        )
        application = PassportApplicationFactory(office=smg, status=Status.INTERVIEWED)

        response = client_for(member(Role.ADJUDICATOR, office=smg)).post(
            f"{PASSPORTS}{application.reference}/approve/", {}, format="json"
        )

        assert response.status_code == 409
        body = response.json()
        assert (body["code"], body["capability"]) == ("outage-active", "central_records")
        assert body["outages"] == [
            {
                "id": outage.pk,
                "scope": "office",
                "region": None,
                "office": "SMG",
                "capabilities": ["central_records"],
                "reason": "Jaringan kantor putus",
                "declared_at": in_jakarta(outage.declared_at),
                "expected_end": in_jakarta(end),
                "capacity_percent": None,
            }
        ]
        assert body["outages"][0]["expected_end"].endswith("+07:00")
        assert datetime.fromisoformat(body["outages"][0]["declared_at"]) == outage.declared_at
        assert body["outages"] == APIClient().get(STATUS, {"office": "SMG"}).json()["outages"]


class TestListAndResolve:
    @pytest.fixture
    def outages(self, offices, national_admin) -> dict[str, Outage]:
        return {
            "national": outage_declare(
                actor=national_admin, scope=OutageScope.NATIONAL, capabilities=["central_records"], reason="PDN"
            ),
            "sby": outage_declare(
                actor=national_admin,
                scope=OutageScope.OFFICE,
                office=offices["SBY"],
                capabilities=["printing"],
                reason="SBY",
            ),
            "smg": outage_declare(
                actor=national_admin,
                scope=OutageScope.OFFICE,
                office=offices["SMG"],
                capabilities=["printing"],
                reason="SMG",
            ),
        }

    def test_list_is_scoped_and_filters_active(self, offices, member, pusat, outages):
        head = client_for(member(Role.OFFICE_HEAD, office=offices["SMG"]))
        pusat.post(f"{OUTAGES}{outages['national'].pk}/resolve/", {"note": "back"}, format="json")

        everything = pusat.get(OUTAGES)
        at_smg = head.get(OUTAGES)
        active = head.get(OUTAGES, {"active": "true"})
        resolved = head.get(OUTAGES, {"active": "false"})

        assert [o["id"] for o in everything.json()["results"]] == [
            outages["smg"].pk, outages["sby"].pk, outages["national"].pk
        ]  # fmt: skip
        assert [o["id"] for o in at_smg.json()["results"]] == [outages["smg"].pk, outages["national"].pk]
        assert [o["id"] for o in active.json()["results"]] == [outages["smg"].pk]
        assert [o["id"] for o in resolved.json()["results"]] == [outages["national"].pk]
        assert resolved.json()["results"][0]["resolved_by"] == "pusat"
        assert resolved.json()["results"][0]["resolution_note"] == "back"

    def test_resolve_then_resolve_again(self, offices, pusat, outages):
        url = f"{OUTAGES}{outages['national'].pk}/resolve/"

        first = pusat.post(url, {"note": "Restored from backup"}, format="json")
        again = pusat.post(url, {"note": "twice"}, format="json")

        assert first.status_code == 200
        assert first.json()["is_active"] is False
        assert first.json()["resolved_by"] == "pusat"
        assert first.json()["resolved_at"] is not None
        assert first.json()["resolution_note"] == "Restored from backup"
        assert again.status_code == 409
        assert again.json()["code"] == "outage-already-resolved"
        assert Outage.objects.get(pk=outages["national"].pk).resolution_note == "Restored from backup"

    def test_resolving_needs_the_right(self, offices, member, outages):
        head = client_for(member(Role.OFFICE_HEAD, office=offices["SMG"]))

        national = head.post(f"{OUTAGES}{outages['national'].pk}/resolve/", {}, format="json")
        other_office = head.post(f"{OUTAGES}{outages['sby'].pk}/resolve/", {}, format="json")
        own_office = head.post(f"{OUTAGES}{outages['smg'].pk}/resolve/", {}, format="json")

        assert national.status_code == 403
        assert national.json()["code"] == "permission-denied"
        assert other_office.status_code == 404  # another office's outage is outside the head's scope
        assert other_office.json()["code"] == "not-found"
        assert own_office.status_code == 200
        assert Outage.objects.active().count() == 2

    def test_list_query_count_is_fixed(self, offices, pusat, outages, national_admin, django_assert_num_queries):
        # Session, user, memberships, the page.
        with django_assert_num_queries(4):
            small = pusat.get(OUTAGES)
        for office in ("BDG", "JKS", "DPS"):
            outage_declare(
                actor=national_admin,
                scope=OutageScope.OFFICE,
                office=offices[office],
                capabilities=["printing"],
                reason="x",
            )
        with django_assert_num_queries(4):
            large = pusat.get(OUTAGES)

        assert len(small.json()["results"]) == 3
        assert len(large.json()["results"]) == 6

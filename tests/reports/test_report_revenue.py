"""Revenue by fee item: paid passports and permits decomposed into the tariff lines of the fee schedules."""

from datetime import date

import pytest

from applications.fees import passport_fee
from offices.roles import Role
from permits.fees import permit_fee
from reports.services import rollup_refresh
from tests.reports.api_helpers import report_get, report_rows
from tests.reports.helpers import passport, permit, utc
from tests.support.api import client_for, invalid_param_pairs

MARCH = {"start": "2026-03-02", "end": "2026-03-31"}


def paid_passport(office, *, paid_at, application_type="new", passport_kind="electronic", validity_years=5, **fields):
    """A passport application paid at ``paid_at``, the amount being its fee."""
    service = fields.pop("service", "regular")
    fee = passport_fee(
        passport_kind=passport_kind, validity_years=validity_years, service=service, application_type=application_type
    )
    if application_type != "new":
        fields["previous_passport_number"] = "A1234567"
    return passport(
        office,
        created_at=utc(2, 20, 3),
        status="paid",
        application_type=application_type,
        passport_kind=passport_kind,
        validity_years=validity_years,
        service=service,
        fee_idr=fee,
        amount_paid_idr=fee,
        paid_at=paid_at,
        **fields,
    )


def paid_permit(office, actor, *, number, paid_at, permit_type, requested_from, requested_until):
    """A permit application of ``permit_type`` for the given term, paid its fee at ``paid_at``."""
    fee = permit_fee(permit_type=permit_type, valid_from=requested_from, valid_until=requested_until)
    return permit(
        office,
        actor,
        number=number,
        created_at=utc(2, 20, 3),
        status="paid",
        permit_type=permit_type,
        requested_from=requested_from,
        requested_until=requested_until,
        fee_idr=fee,
        amount_paid_idr=fee,
        paid_at=paid_at,
    )


@pytest.fixture
def paid(offices, member):
    """Cases paid around the edges of 2 to 31 March in Semarang (WIB), Denpasar (WITA) and Jayapura (WIT)."""
    smg, dps, djj = offices["SMG"], offices["DPS"], offices["DJJ"]
    # Semarang, UTC+7.
    paid_passport(smg, paid_at=utc(3, 1, 16, 30))  # 1 March 23:30 WIB: before the range
    paid_passport(smg, paid_at=utc(3, 1, 17, 30), validity_years=10, service="express")  # 2 March 00:30 WIB
    paid_passport(smg, paid_at=utc(3, 2, 3), application_type="replacement_lost", passport_kind="non_electronic")
    paid_passport(smg, paid_at=utc(3, 31, 17), application_type="renewal")  # 1 April 00:00 WIB: after
    passport(smg, created_at=utc(3, 5, 3), application_type="renewal", previous_passport_number="A7654321")  # not paid
    smg_desk = member(Role.FRONT_DESK, office=smg)
    # 10 March + 6 months is 10 September: until 9 September is the six-month tariff.
    paid_permit(
        smg,
        smg_desk,
        number="S1000001",
        paid_at=utc(3, 10, 5),
        permit_type="ITAS",
        requested_from=date(2026, 3, 10),
        requested_until=date(2026, 9, 9),
    )
    paid_permit(
        smg,
        smg_desk,
        number="S1000002",
        paid_at=utc(3, 10, 6),
        permit_type="ITK",
        requested_from=date(2026, 3, 10),
        requested_until=date(2026, 4, 8),  # 30 days, both included
    )
    # Denpasar, UTC+8: 16:30 UTC on 1 March is 00:30 on 2 March.
    paid_passport(dps, paid_at=utc(3, 1, 16, 30))
    dps_desk = member(Role.FRONT_DESK, office=dps)
    # 31 August + 6 months is 28 February (the month's end clipped, in SQL as in dateutil).
    paid_permit(
        dps,
        dps_desk,
        number="D1000001",
        paid_at=utc(3, 5, 1),
        permit_type="ITAS",
        requested_from=date(2026, 8, 31),
        requested_until=date(2027, 2, 28),  # one day past six months: the one-year tariff
    )
    paid_permit(
        dps,
        dps_desk,
        number="D1000002",
        paid_at=utc(3, 31, 15, 59),  # 31 March 23:59 WITA
        permit_type="ITAS",
        requested_from=date(2026, 8, 31),
        requested_until=date(2027, 2, 27),  # six months
    )
    # Jayapura, UTC+9.
    paid_passport(djj, paid_at=utc(3, 1, 15, 30), application_type="replacement_damaged")  # 2 March 00:30 WIT
    paid_passport(djj, paid_at=utc(3, 31, 15, 30), service="express")  # 1 April 00:30 WIT: after
    return offices


def items(rows):
    return [(row["office"], row["item"], row["count"], row["amount"]) for row in rows]


EVERY_ITEM = [
    ("DJJ", "passport:electronic:P5Y", 1, 650_000),
    ("DJJ", "passport:replacement_damaged", 1, 500_000),
    ("DPS", "passport:electronic:P5Y", 1, 650_000),
    ("DPS", "permit:ITAS:P6M", 1, 1_600_000),
    ("DPS", "permit:ITAS:P1Y", 1, 2_500_000),
    ("SMG", "passport:non_electronic:P5Y", 1, 350_000),
    ("SMG", "passport:electronic:P10Y", 1, 950_000),
    ("SMG", "passport:express", 1, 1_000_000),
    ("SMG", "passport:replacement_lost", 1, 1_000_000),
    ("SMG", "permit:ITK:P30D", 1, 500_000),
    ("SMG", "permit:ITAS:P6M", 1, 1_600_000),
]


def test_each_paid_case_under_its_items_on_the_office_local_day(paid, national_admin):
    rows = report_rows(national_admin, "revenue", **MARCH)
    assert items(rows) == EVERY_ITEM
    assert {row["legal_basis"] for row in rows} == {"PP 45/2024"}
    assert rows[0]["office_name"] == paid["DJJ"].name
    assert all(row["item_label"] for row in rows)


def test_the_same_item_adds_up_over_cases_and_days(paid, national_admin):
    smg = paid["SMG"]
    paid_passport(smg, paid_at=utc(3, 20, 2))
    paid_passport(smg, paid_at=utc(3, 21, 2))
    rows = report_rows(national_admin, "revenue", office="SMG", start="2026-03-20", end="2026-03-21")
    assert items(rows) == [("SMG", "passport:electronic:P5Y", 2, 1_300_000)]


def test_the_day_before_counts_by_each_office_s_own_midnight(paid, national_admin):
    rows = report_rows(national_admin, "revenue", start="2026-03-01", end="2026-03-01")
    # 16:30 UTC on 1 March is still 1 March in Semarang, already 2 March in Denpasar and Jayapura.
    assert items(rows) == [("SMG", "passport:electronic:P5Y", 1, 650_000)]


@pytest.mark.parametrize(
    "params",
    [{}, {"application_type": "new"}, {"permit_type": "ITAS"}, {"application_type": "renewal", "permit_type": "ITK"}],
)
def test_the_items_add_up_to_the_rollup_revenue(paid, national_admin, params):
    for code in ("SMG", "DPS", "DJJ"):
        rollup_refresh(office=paid[code], start=date(2026, 3, 1), end=date(2026, 4, 1))
    by_item = report_rows(national_admin, "revenue", **MARCH, **params)
    by_day = report_rows(national_admin, "office-daily", **MARCH, **params)
    assert sum(row["amount"] for row in by_item) == sum(row["revenue_idr"] or 0 for row in by_day)


def test_the_total_counted_by_hand(paid, national_admin):
    rows = report_rows(national_admin, "revenue", **MARCH)
    assert sum(row["amount"] for row in rows) == 1_150_000 + 4_750_000 + 5_400_000


class TestTypeFilters:
    def test_an_application_type_keeps_its_passports_and_no_permits(self, paid, national_admin):
        rows = report_rows(national_admin, "revenue", application_type="replacement_lost", **MARCH)
        assert items(rows) == [
            ("SMG", "passport:non_electronic:P5Y", 1, 350_000),
            ("SMG", "passport:replacement_lost", 1, 1_000_000),
        ]

    def test_a_permit_type_keeps_its_permits_and_no_passports(self, paid, national_admin):
        rows = report_rows(national_admin, "revenue", permit_type="ITAS", **MARCH)
        assert items(rows) == [
            ("DPS", "permit:ITAS:P6M", 1, 1_600_000),
            ("DPS", "permit:ITAS:P1Y", 1, 2_500_000),
            ("SMG", "permit:ITAS:P6M", 1, 1_600_000),
        ]

    def test_both_types_each_narrow_their_kind(self, paid, national_admin):
        rows = report_rows(
            national_admin, "revenue", application_type="replacement_damaged", permit_type="ITK", **MARCH
        )
        assert items(rows) == [
            ("DJJ", "passport:electronic:P5Y", 1, 650_000),
            ("DJJ", "passport:replacement_damaged", 1, 500_000),
            ("SMG", "permit:ITK:P30D", 1, 500_000),
        ]


class TestScope:
    def test_an_office_head_reads_their_office(self, paid, member):
        head = member(Role.OFFICE_HEAD, office=paid["DPS"])
        assert {row["office"] for row in report_rows(head, "revenue", **MARCH)} == {"DPS"}

    def test_a_regional_supervisor_reads_their_region(self, paid, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=paid["SMG"].region)
        assert {row["office"] for row in report_rows(supervisor, "revenue", **MARCH)} == {"SMG"}

    def test_a_national_administrator_reads_every_office(self, paid, national_admin):
        assert {row["office"] for row in report_rows(national_admin, "revenue", **MARCH)} == {"DJJ", "DPS", "SMG"}

    def test_an_office_outside_the_scope_is_refused_as_unknown(self, paid, member):
        supervisor = member(Role.REGIONAL_SUPERVISOR, region=paid["SMG"].region)
        assert invalid_param_pairs(report_get(supervisor, "revenue", office="DPS")) == [("office", "does_not_exist")]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"permit_type": "KITAS"}, [("permit_type", "invalid_choice")]),
        ({"item": "passport:express"}, [("item", "unknown-parameter")]),
    ],
)
def test_bad_filters(paid, national_admin, params, expected):
    assert invalid_param_pairs(report_get(national_admin, "revenue", **params)) == expected


@pytest.mark.parametrize(
    ("more", "rows"), [((), 11), (("SBY", "SKT", "CLP"), 17)], ids=["three-offices", "six-offices"]
)
def test_a_fixed_number_of_queries_whatever_the_offices(paid, national_admin, django_assert_num_queries, more, rows):
    for code in more:
        paid_passport(paid[code], paid_at=utc(3, 3, 3), service="express")
    client = client_for(national_admin)
    # The session, its user, the reader's memberships and the offices overseen; then the report's one query.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/reports/revenue/", {**MARCH, "page_size": 1000})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows

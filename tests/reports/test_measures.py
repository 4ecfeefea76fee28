"""Each measure of the rollup against cases counted by hand, on office-local days around midnight UTC."""

from datetime import date

import pytest

from offices.roles import Role
from reports.measures import rollup_compute
from tests.reports.helpers import passport, permit, utc

pytestmark = pytest.mark.django_db

FEE = 650_000  # a regular 5-year electronic passport, new or renewal


def test_passport_measures_on_wib_days(smg, sby):
    # 16:30 UTC is 23:30 WIB the same day; 17:00 UTC is midnight WIB, the next day.
    passport(
        smg,
        status="issued",
        created_at=utc(3, 2, 16, 30),  # 2 March 23:30 WIB
        verified_at=utc(3, 2, 17, 0),  # 3 March 00:00 WIB
        paid_at=utc(3, 3, 2),
        biometrics_captured_at=utc(3, 3, 3),
        approved_at=utc(3, 3, 5),
        printed_at=utc(3, 4, 16, 59),  # 4 March 23:59 WIB: on the due date
        sla_due_date=date(2026, 3, 4),
        issued_at=utc(3, 4, 17, 1),  # 5 March 00:01 WIB
    )
    passport(
        smg,
        status="printed",
        application_type="renewal",
        previous_passport_number="A1234567",
        created_at=utc(3, 2, 17, 30),  # 3 March 00:30 WIB
        paid_at=utc(3, 2, 16, 59),  # 2 March 23:59 WIB
        printed_at=utc(3, 5, 1),  # 5 March: a day after the due date
        sla_due_date=date(2026, 3, 4),
    )
    passport(smg, status="rejected", created_at=utc(3, 1, 3), rejected_at=utc(3, 1, 18))  # rejected 2 March 01:00
    passport(smg, status="cancelled", created_at=utc(3, 1, 4), cancelled_at=utc(3, 5, 16))  # 5 March 23:00
    passport(smg, created_at=utc(3, 5, 17))  # 6 March 00:00 WIB: after the range
    passport(sby, created_at=utc(3, 2, 3))  # another office

    assert rollup_compute(office=smg, start=date(2026, 3, 1), end=date(2026, 3, 5)) == {
        (date(2026, 3, 1), "passport_received", "new:appointment"): 2,
        (date(2026, 3, 2), "passport_received", "new:appointment"): 1,
        (date(2026, 3, 3), "passport_received", "renewal:appointment"): 1,
        (date(2026, 3, 3), "passport_verified", "new"): 1,
        (date(2026, 3, 3), "passport_biometrics", "new"): 1,
        (date(2026, 3, 3), "passport_approved", "new"): 1,
        (date(2026, 3, 2), "passport_rejected", "new"): 1,
        (date(2026, 3, 4), "passport_printed", "new"): 1,
        (date(2026, 3, 5), "passport_printed", "renewal"): 1,
        (date(2026, 3, 5), "passport_issued", "new"): 1,
        (date(2026, 3, 5), "passport_cancelled", "new"): 1,
        (date(2026, 3, 4), "sla_met", "new"): 1,
        (date(2026, 3, 5), "sla_breached", "renewal"): 1,
        (date(2026, 3, 2), "revenue_idr", "passport:renewal"): FEE,
        (date(2026, 3, 3), "revenue_idr", "passport:new"): FEE,
    }


def test_permit_measures_on_wita_days(offices, member):
    # Denpasar is UTC+8: 15:30 UTC is 23:30 WITA, 16:00 UTC is midnight WITA.
    dps = offices["DPS"]
    desk = member(Role.FRONT_DESK, office=dps)
    permit(
        dps,
        desk,
        number="X1000001",
        created_at=utc(3, 2, 15, 30),  # 2 March 23:30 WITA
        paid_at=utc(3, 2, 16),  # 3 March 00:00 WITA
        amount_paid_idr=1_000_000,
        approved_at=utc(3, 3, 1),
        issued_at=utc(3, 4, 15, 59),  # 4 March 23:59 WITA
    )
    permit(
        dps,
        desk,
        number="X1000002",
        created_at=utc(3, 2, 16, 30),  # 3 March 00:30 WITA
        permit_type="ITAP",
        paid_at=utc(3, 3, 4),
        amount_paid_idr=2_500_000,
        issued_at=utc(3, 4, 16),  # 5 March 00:00 WITA
    )
    permit(dps, desk, number="X1000003", created_at=utc(3, 1, 2), rejected_at=utc(3, 3, 15))  # 3 March 23:00
    permit(dps, desk, number="X1000004", created_at=utc(3, 1, 2), cancelled_at=utc(3, 3, 16))  # 4 March 00:00

    assert rollup_compute(office=dps, start=date(2026, 3, 1), end=date(2026, 3, 5)) == {
        (date(2026, 3, 1), "permit_received", "ITAS"): 2,
        (date(2026, 3, 2), "permit_received", "ITAS"): 1,
        (date(2026, 3, 3), "permit_received", "ITAP"): 1,
        (date(2026, 3, 3), "permit_approved", "ITAS"): 1,
        (date(2026, 3, 3), "permit_rejected", "ITAS"): 1,
        (date(2026, 3, 4), "permit_cancelled", "ITAS"): 1,
        (date(2026, 3, 4), "permit_issued", "ITAS"): 1,
        (date(2026, 3, 5), "permit_issued", "ITAP"): 1,
        (date(2026, 3, 3), "revenue_idr", "permit:ITAS"): 1_000_000,
        (date(2026, 3, 3), "revenue_idr", "permit:ITAP"): 2_500_000,
    }


@pytest.mark.parametrize(
    ("hour", "minute", "days"),
    [
        # (UTC time on 2 March) -> the local day in Semarang (WIB), Denpasar (WITA), Jayapura (WIT)
        (14, 30, {"SMG": 2, "DPS": 2, "DJJ": 2}),  # 21:30 WIB, 22:30 WITA, 23:30 WIT
        (15, 30, {"SMG": 2, "DPS": 2, "DJJ": 3}),  # 22:30 WIB, 23:30 WITA, 00:30 WIT
        (16, 30, {"SMG": 2, "DPS": 3, "DJJ": 3}),  # 23:30 WIB, 00:30 WITA, 01:30 WIT
        (17, 30, {"SMG": 3, "DPS": 3, "DJJ": 3}),  # 00:30 WIB, 01:30 WITA, 02:30 WIT
    ],
)
def test_the_same_instant_counts_on_each_office_s_own_day(offices, hour, minute, days):
    for code in days:
        passport(offices[code], created_at=utc(3, 2, hour, minute))
    for code, day in days.items():
        assert rollup_compute(office=offices[code], start=date(2026, 3, 1), end=date(2026, 3, 4)) == {
            (date(2026, 3, day), "passport_received", "new:appointment"): 1
        }


def test_sla_counts_only_printed_passports_by_their_local_print_date(offices):
    djj = offices["DJJ"]  # WIT, UTC+9: 15:00 UTC is midnight
    passport(
        djj, status="printed", created_at=utc(1, 5, 1), printed_at=utc(3, 4, 14, 59), sla_due_date=date(2026, 3, 4)
    )
    passport(djj, status="printed", created_at=utc(1, 5, 1), printed_at=utc(3, 4, 15, 0), sla_due_date=date(2026, 3, 4))
    passport(djj, status="interviewed", created_at=utc(1, 5, 1), sla_due_date=date(2026, 3, 1))  # not printed

    assert rollup_compute(office=djj, start=date(2026, 3, 1), end=date(2026, 3, 31)) == {
        (date(2026, 3, 4), "passport_printed", "new"): 1,
        (date(2026, 3, 5), "passport_printed", "new"): 1,
        (date(2026, 3, 4), "sla_met", "new"): 1,
        (date(2026, 3, 5), "sla_breached", "new"): 1,
    }


def test_query_count_is_the_same_whatever_the_days_and_cases(smg, django_assert_num_queries):
    passport(smg, status="issued", created_at=utc(3, 2, 3), printed_at=utc(3, 3, 3), sla_due_date=date(2026, 3, 4))
    with django_assert_num_queries(2):
        small = rollup_compute(office=smg, start=date(2026, 3, 1), end=date(2026, 3, 3))
    for day in range(1, 28):
        passport(
            smg, status="issued", created_at=utc(3, day, 3), printed_at=utc(3, day, 5), sla_due_date=date(2026, 3, 4)
        )
    with django_assert_num_queries(2):
        large = rollup_compute(office=smg, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert sum(value for (_day, measure, _key), value in small.items() if measure == "passport_received") == 1
    assert sum(value for (_day, measure, _key), value in large.items() if measure == "passport_received") == 28

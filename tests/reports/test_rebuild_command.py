"""``rebuild_rollups``: recomputes office by office, prints each difference, refuses bad options."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.models import DailyRollup
from tests.reports.helpers import passport, utc

pytestmark = pytest.mark.django_db


def rebuild(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rebuild_rollups", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def cases(smg, offices):
    passport(smg, created_at=utc(3, 1, 3))
    passport(smg, created_at=utc(3, 31, 16, 30))  # 31 March 23:30 WIB
    passport(offices["DPS"], created_at=utc(3, 31, 16, 30))  # 1 April 00:30 WITA
    return smg


def test_a_rebuild_prints_each_difference_and_a_second_finds_none(cases, offices):
    out, err = rebuild("--office", "SMG", "DPS", "--from", "2026-03-01", "--to", "2026-04-30")

    assert out.splitlines() == [
        "DPS 2026-04-01 passport_received[new:appointment]: 0 → 1",
        "SMG 2026-03-01 passport_received[new:appointment]: 0 → 1",
        "SMG 2026-03-31 passport_received[new:appointment]: 0 → 1",
        "2 kantor dibangun ulang: 3 ditambahkan, 0 diubah, 0 dihapus.",
    ]
    assert "4/4" in err  # two months for each office, on the progress bar
    out, _err = rebuild("--office", "SMG", "DPS", "--from", "2026-03-01", "--to", "2026-04-30")
    assert out.splitlines() == ["2 kantor dibangun ulang: 0 ditambahkan, 0 diubah, 0 dihapus."]


def test_a_rebuild_finds_and_fixes_exactly_a_tampered_row(cases):
    rebuild("--office", "SMG", "--from", "2026-03-01", "--to", "2026-03-31")
    DailyRollup.objects.filter(office=cases, day=date(2026, 3, 31)).update(value=40)

    out, _err = rebuild("--office", "smg", "--from", "2026-03-01", "--to", "2026-03-31")

    assert out.splitlines() == [
        "SMG 2026-03-31 passport_received[new:appointment]: 40 → 1",
        "1 kantor dibangun ulang: 0 ditambahkan, 1 diubah, 0 dihapus.",
    ]
    assert DailyRollup.objects.get(office=cases, day=date(2026, 3, 31)).value == 1


def test_by_default_every_office_from_its_first_case_to_today(cases, offices):
    DailyRollup.objects.create(office=offices["SBY"], day=date(2025, 12, 31), measure="held", key="permit", value=2)

    out, _err = rebuild()

    assert out.splitlines() == [
        "DPS 2026-04-01 passport_received[new:appointment]: 0 → 1",
        "SBY 2025-12-31 held[permit]: 2 → 0",
        "SMG 2026-03-01 passport_received[new:appointment]: 0 → 1",
        "SMG 2026-03-31 passport_received[new:appointment]: 0 → 1",
        "3 kantor dibangun ulang: 3 ditambahkan, 0 diubah, 1 dihapus.",
    ]
    assert set(DailyRollup.objects.values_list("office__code", "day", "value")) == {
        ("DPS", date(2026, 4, 1), 1),
        ("SMG", date(2026, 3, 1), 1),
        ("SMG", date(2026, 3, 31), 1),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "SMG", "XXX", "YYY"], "Kantor tidak dikenal: XXX, YYY."),
        (["--from", "2026-03-31", "--to", "2026-03-01"], "--from 2026-03-31 jatuh setelah --to 2026-03-01."),
        (["--from", "2026-02-30"], "“2026-02-30” bukan tanggal (YYYY-MM-DD)."),
        (["--to", "31/03/2026"], "“31/03/2026” bukan tanggal (YYYY-MM-DD)."),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(cases, args, message):
    with pytest.raises(CommandError) as raised:
        rebuild(*args)
    assert str(raised.value) == message
    assert DailyRollup.objects.count() == 0


def test_a_start_after_today_is_refused(cases):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(CommandError) as raised:
        rebuild("--from", tomorrow)
    assert str(raised.value) == f"--from {tomorrow} jatuh setelah hari ini."
    assert DailyRollup.objects.count() == 0

"""Report exports: exact CSV text, streaming without holding rows, XLSX read back cell by cell."""

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from offices.models import Office
from reports.exports import (
    BOM,
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    Table,
    csv_stream_response,
    escape_text,
    sheet_title,
    xlsx_response,
    xlsx_workbook,
)

WITA = ZoneInfo("Asia/Makassar")

COLUMNS = [
    Column("office", _("Office")),
    Column("count", "Count", "int"),
    Column("fee", "Fee", "money"),
    Column("day", "Day", "date"),
    Column("at", "At", "datetime"),
    Column("share", "Share", "percent"),
]

# 23:30 UTC on 31 Jan is already 1 Feb, 07:30, in WITA.
LATE_UTC = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)


def csv_text(response: StreamingHttpResponse) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def table(rows: list, title: str = "Office daily") -> Table:
    return Table(title=title, columns=COLUMNS, rows=rows)


def read_back(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# ---- CSV ---------------------------------------------------------------------------------------


def test_csv_is_bom_header_then_rows_with_iso_dates_integer_rupiah_and_unicode():
    rows = [
        {
            "office": "Kanim Kelas I TPI Semarang — Ñoño",
            "count": 12,
            "fee": Decimal("350000"),
            "day": dt.date(2026, 2, 1),
            "at": LATE_UTC,
            "share": 0.953,
        },
        ("Kanim Surabaya", 0, 650000, dt.date(2026, 2, 2), None, Decimal("1")),
    ]
    with translation.override("id"):
        response = csv_stream_response(table=table(rows), filename="harian.csv", tz=WITA)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="harian.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8") == (
        BOM + "Kantor,Count,Fee,Day,At,Share\r\n"
        "Kanim Kelas I TPI Semarang — Ñoño,12,350000,2026-02-01,2026-02-01T07:30:00+08:00,0.953\r\n"
        "Kanim Surabaya,0,650000,2026-02-02,,1\r\n"
    )


def test_csv_headers_follow_the_language_active_when_the_response_is_made():
    with translation.override("en"):
        english = csv_stream_response(table=table([]), filename="a.csv")
    with translation.override("id"):
        indonesian = csv_stream_response(table=table([]), filename="a.csv")

    # Read after the languages were switched back: the header was fixed when the response was made.
    with translation.override("id"):
        assert csv_text(english) == BOM + "Office,Count,Fee,Day,At,Share\r\n"
    with translation.override("en"):
        assert csv_text(indonesian) == BOM + "Kantor,Count,Fee,Day,At,Share\r\n"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'),
        ("+62 812 3456", "'+62 812 3456"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", '"\'\r=1"'),
        ("a=b", "a=b"),
        ("", '""'),  # a lone empty field is quoted so the row is not read as a blank line
    ],
)
def test_csv_escapes_text_that_a_spreadsheet_would_run_as_a_formula(typed, written):
    columns = [Column("remark", "Remark")]
    response = csv_stream_response(table=Table(title="t", columns=columns, rows=[(typed,)]), filename="t.csv")

    assert csv_text(response) == BOM + "Remark\r\n" + written + "\r\n"


def test_csv_leaves_negative_numbers_as_numbers_and_escapes_text_in_number_columns():
    rows = [(-5, -125000, -0.25, "Kanim"), ("-5", "=1", None, "x")]
    columns = [Column("n", "N", "int"), Column("m", "M", "money"), Column("p", "P", "percent"), Column("o", "O")]
    response = csv_stream_response(table=Table(title="t", columns=columns, rows=rows), filename="t.csv")

    assert csv_text(response) == BOM + "N,M,P,O\r\n-5,-125000,-0.25,Kanim\r\n'-5,'=1,,x\r\n"


def test_csv_rounds_money_to_whole_rupiah_and_writes_datetimes_in_the_active_zone():
    rows = [(Decimal("1500.5"), LATE_UTC, LATE_UTC)]
    columns = [Column("m", "M", "money"), Column("at", "At", "datetime"), Column("d", "D", "date")]
    with timezone.override("Asia/Jayapura"):
        response = csv_stream_response(table=Table(title="t", columns=columns, rows=rows), filename="t.csv")

    assert csv_text(response) == BOM + "M,At,D\r\n1501,2026-02-01T08:30:00+09:00,2026-02-01\r\n"


def test_csv_refuses_a_naive_datetime():
    columns = [Column("at", "At", "datetime")]
    response = csv_stream_response(
        table=Table(title="t", columns=columns, rows=[(dt.datetime(2026, 1, 1, 8, 0),)]), filename="t.csv"
    )

    with pytest.raises(ValueError, match="naive datetime"):
        csv_text(response)


def test_csv_streams_without_reading_all_rows():
    pulled = 0

    def rows() -> Iterator[tuple]:
        nonlocal pulled
        for number in range(100_000):
            pulled += 1
            yield (f"Kanim {number}", number, number * 1000, dt.date(2026, 1, 1), LATE_UTC, 0.5)

    response = csv_stream_response(table=table(rows()), filename="big.csv", tz=WITA)
    chunks = iter(response.streaming_content)
    first = next(chunks)

    assert first == (BOM + "Kantor,Count,Fee,Day,At,Share\r\n").encode()
    assert pulled == 0  # the header is sent before any row is read

    second = next(chunks)

    assert second.startswith(b"Kanim 0,0,0,2026-01-01,2026-02-01T07:30:00+08:00,0.5\r\n")
    assert 0 < pulled < 5_000


@pytest.mark.django_db
def test_csv_of_a_queryset_reads_it_through_a_cursor_and_keeps_none_of_it(smg):
    offices = Office.objects.filter(pk=smg.pk).values("code", "name")
    export = Table(title="Offices", columns=[Column("code", "Code"), Column("name", "Name")], rows=offices)

    text = csv_text(csv_stream_response(table=export, filename="offices.csv"))

    assert text == BOM + f"Code,Name\r\nSMG,{smg.name}\r\n"
    assert offices._result_cache is None  # streamed, not cached in the queryset


def test_csv_writes_every_row_of_a_large_table():
    rows = ((f"K{number}", number, 0, None, None, None) for number in range(100_000))
    response = csv_stream_response(table=table(rows), filename="big.csv")

    lines = csv_text(response).split("\r\n")

    assert len(lines) == 100_002  # header, 100,000 rows, and the empty string after the last CRLF
    assert lines[-2] == "K99999,99999,0,,,"


def test_rows_must_fit_their_columns():
    response = csv_stream_response(table=Table(title="t", columns=COLUMNS, rows=[("one", 1)]), filename="t.csv")

    with pytest.raises(ValueError, match="2 values under 6 columns"):
        csv_text(response)


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown column kind 'number'"):
        Column("n", "N", "number")


def test_escape_text_prefixes_only_formula_triggers():
    assert [escape_text(value) for value in ["=1", "+1", "-1", "@a", "\t1", "\r1", "1-", " =1"]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t1",
        "'\r1",
        "1-",
        " =1",
    ]


# ---- XLSX --------------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_a_bold_frozen_header():
    tables = [table([], title="Office daily"), Table(title=_("Region"), columns=[Column("r", _("Region"))], rows=[])]
    with translation.override("id"):
        workbook = read_back(xlsx_workbook(tables=tables))

    assert workbook.sheetnames == ["Office daily", "Wilayah"]
    first, second = workbook.worksheets
    assert [cell.value for cell in first[1]] == ["Kantor", "Count", "Fee", "Day", "At", "Share"]
    assert all(cell.font.b for cell in first[1])
    assert first.freeze_panes == "A2"
    assert first.max_row == 1
    assert [cell.value for cell in second[1]] == ["Wilayah"]
    assert second.freeze_panes == "A2"


def test_xlsx_keeps_numbers_as_numbers_dates_as_dates_and_datetimes_naive_in_the_zone():
    rows = [
        ("Kanim Semarang — Ñ", -3, Decimal("350000.4"), dt.date(2026, 2, 1), LATE_UTC, 0.953),
        ("Kanim Surabaya", None, None, None, None, None),
    ]
    workbook = read_back(xlsx_workbook(tables=[table(rows)], tz=WITA))
    sheet = workbook.active
    office, count, fee, day, at, share = sheet[2]

    assert (office.value, office.data_type) == ("Kanim Semarang — Ñ", "s")
    assert (count.value, count.data_type) == (-3, "n")
    assert (fee.value, fee.data_type, fee.number_format) == (350000, "n", "#,##0")
    assert day.is_date
    assert day.value == dt.datetime(2026, 2, 1)
    assert day.number_format == "yyyy-mm-dd"
    assert at.is_date
    assert at.value == dt.datetime(2026, 2, 1, 7, 30)
    assert at.number_format == "yyyy-mm-dd hh:mm:ss"
    assert (share.value, share.data_type, share.number_format) == (0.953, "n", "0.0%")
    assert [cell.value for cell in sheet[3]] == ["Kanim Surabaya", None, None, None, None, None]


def test_xlsx_stores_escaped_formulas_as_text_not_formulas():
    typed = ["=1+1", "+62 812", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "plain"]
    columns = [Column("remark", "=Remark")]
    content = xlsx_workbook(tables=[Table(title="t", columns=columns, rows=[(value,) for value in typed])])
    sheet = read_back(content).active

    cells = [row[0] for row in sheet.iter_rows(min_row=1)]
    assert [cell.value for cell in cells] == [
        "'=Remark",
        "'=1+1",
        "'+62 812",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\n=1",  # XML reads a bare carriage return back as a line feed; the quote still leads
        "plain",
    ]
    assert {cell.data_type for cell in cells} == {"s"}
    assert b"<f>" not in content


def test_xlsx_drops_control_characters_the_format_cannot_hold():
    columns = [Column("remark", "Remark")]
    sheet = read_back(xlsx_workbook(tables=[Table(title="t", columns=columns, rows=[("a\x00b\x07c\td",)])])).active

    assert sheet["A2"].value == "abc\td"


def test_xlsx_sanitizes_sheet_titles_and_keeps_them_unique():
    titles = [
        "Izin/Permit [2026]: *?\\",
        "Laporan kegiatan harian kantor imigrasi per wilayah",
        "Laporan kegiatan harian kantor imigrasi per wilayah",
        "izin-permit -2026-- ---",
        "'quoted'",
        "   ",
    ]
    tables = [Table(title=title, columns=[Column("a", "A")], rows=[]) for title in titles]
    workbook = read_back(xlsx_workbook(tables=tables))

    assert workbook.sheetnames == [
        "Izin-Permit -2026-- ---",
        "Laporan kegiatan harian kantor",
        "Laporan kegiatan harian kan (2)",
        "izin-permit -2026-- --- (2)",
        "quoted",
        "Sheet",
    ]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_sheet_title_numbers_duplicates_ignoring_case():
    taken: set[str] = set()

    assert [sheet_title(title, taken) for title in ["SLA", "sla", "Sla", "SLA (2)"]] == [
        "SLA",
        "sla (2)",
        "Sla (3)",
        "SLA (2) (2)",
    ]


def test_xlsx_response_is_a_named_download():
    response = xlsx_response(tables=[table([("Kanim", 1, 2, None, None, None)])], filename="laporan sla.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="laporan sla.xlsx"'
    assert read_back(response.content).active["A2"].value == "Kanim"


def test_xlsx_needs_a_table():
    with pytest.raises(ValueError, match="at least one table"):
        xlsx_workbook(tables=[])

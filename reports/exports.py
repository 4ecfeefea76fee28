"""Report exports: one table description, written out as streamed CSV or as an XLSX workbook.

A report builds a `Table` (a title, typed `Column`s and rows); the writers here decide how each kind
of value looks in each format, so every report exports the same way:

- CSV is streamed row by row, so an export of any size never sits in memory. It is UTF-8 with a
  byte order mark: without the mark, Excel (the tool most supervisors open exports with) reads the
  file in the machine's legacy code page and mangles non-ASCII names; with it, Excel, LibreOffice
  and Python's `utf-8-sig` all read it correctly. Dates are ISO 8601, datetimes ISO 8601 with their
  UTC offset in the report's zone, money a plain integer of rupiah, percentages a ratio (0.953).
- XLSX keeps numbers as numbers and dates as dates so supervisors can sort, sum and chart them.
  Excel has no time zones, so datetimes are converted to the report's zone and written naive.
- Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
  return, as OWASP lists them) is prefixed with a single quote in both formats: a name or a
  remark typed by an applicant must never become a formula on a supervisor's machine. Numbers are
  written as numbers and never escaped, so a negative amount stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

ColumnKind = Literal["text", "int", "money", "date", "datetime", "percent"]

COLUMN_KINDS: frozenset[str] = frozenset({"text", "int", "money", "date", "datetime", "percent"})

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The byte order mark that tells Excel the file is UTF-8.
BOM = "\ufeff"

# Leading characters a spreadsheet treats as the start of a formula (OWASP "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Rows are gathered into chunks of about this many characters before being sent: one chunk per
# row would cost a write call per row, one chunk for all rows would hold the export in memory.
CSV_CHUNK_CHARS = 64 * 1024
# Rows fetched at a time when an export reads a queryset (through a server-side cursor).
EXPORT_CHUNK_ROWS = 2000

XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_MONEY_FORMAT = "#,##0"
XLSX_PERCENT_FORMAT = "0.0%"

# Excel's rules for sheet names: at most 31 characters, none of these, not blank, no quote at the ends.
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Control characters the XLSX format cannot hold (openpyxl refuses them); tab, LF and CR are allowed.
XLSX_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """One column of a report: the key a row is read by, its translated header and how values look."""

    name: str
    header: str | Promise
    kind: ColumnKind = "text"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r} for column {self.name!r}.")


@dataclass
class Table:
    """A report as rows under typed columns; rows are dicts keyed by column name or tuples in column order.

    `rows` may be any iterable, a generator or a queryset iterator included: the CSV writer reads it
    once, lazily, so a table may be far larger than memory.
    """

    title: str | Promise
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any] | Sequence[Any]]

    def values(self) -> Iterator[list[Any]]:
        """Each row's values in column order; a dict row missing a column is a bug and raises KeyError."""
        names = [column.name for column in self.columns]
        width = len(names)
        # A queryset is read in chunks and not kept: an export holds one chunk at a time.
        rows = self.rows.iterator(chunk_size=EXPORT_CHUNK_ROWS) if isinstance(self.rows, QuerySet) else self.rows
        for row in rows:
            if isinstance(row, Mapping):
                yield [row[name] for name in names]
            else:
                values = list(row)
                if len(values) != width:
                    raise ValueError(f"A row of {len(values)} values under {width} columns in {self.title!s}.")
                yield values


def escape_text(value: str) -> str:
    """Quote text a spreadsheet would otherwise run as a formula; other text passes unchanged."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal)


def _rupiah(value: int | float | Decimal) -> int:
    """Whole rupiah: fees carry no minor unit in practice, so any fraction is rounded half up."""
    if isinstance(value, int):
        return int(value)
    return int(Decimal(str(value)).to_integral_value(rounding=ROUND_HALF_UP))


def _aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        raise ValueError(f"A naive datetime {value.isoformat()} in a report: the project stores aware datetimes.")
    return value


def _zone(tz: dt.tzinfo | str | None) -> dt.tzinfo:
    if tz is None:
        return timezone.get_current_timezone()
    if isinstance(tz, str):
        return ZoneInfo(tz)
    return tz


def _csv_cell(value: Any, kind: str, tz: dt.tzinfo) -> Any:
    """The text of one CSV cell; numbers are returned as numbers for the csv module to write as is."""
    if value is None:
        return ""
    if kind == "money" and _is_number(value):
        return _rupiah(value)
    if kind in ("int", "percent") and _is_number(value):
        return value
    if kind == "datetime" and isinstance(value, dt.datetime):
        return _aware(value).astimezone(tz).isoformat(timespec="seconds")
    if kind == "date" and isinstance(value, dt.datetime):
        return _aware(value).astimezone(tz).date().isoformat()
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    # Text, or a value that does not fit its column's kind: written as (escaped) text.
    return escape_text(str(value))


class _Echo:
    """A file-like object whose write hands back what it was given, so csv.writer formats one row for us."""

    def write(self, value: str) -> str:
        return value


def csv_rows(*, table: Table, tz: dt.tzinfo | str | None = None) -> Iterator[str]:
    """The CSV text of a table in chunks: BOM and header first, then the rows, read lazily.

    Headers are translated and the zone resolved when this is called, not when the first chunk is
    read, so a streamed response uses the language and zone of the request that asked for it.
    """
    zone = _zone(tz)
    headers = [str(column.header) for column in table.columns]
    kinds = [column.kind for column in table.columns]
    return _csv_chunks(table=table, headers=headers, kinds=kinds, zone=zone)


def _csv_chunks(*, table: Table, headers: list[str], kinds: list[str], zone: dt.tzinfo) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([escape_text(header) for header in headers])
    chunk: list[str] = []
    size = 0
    for values in table.values():
        line = writer.writerow([_csv_cell(value, kind, zone) for value, kind in zip(values, kinds, strict=True)])
        chunk.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def csv_stream_response(*, table: Table, filename: str, tz: dt.tzinfo | str | None = None) -> StreamingHttpResponse:
    """A download of the table as CSV, streamed so that an export of any size never sits in memory.

    `tz` is the zone datetimes are shown in (default: the active zone).
    """
    response = StreamingHttpResponse(csv_rows(table=table, tz=tz), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def sheet_title(title: str | Promise, taken: set[str]) -> str:
    """A sheet name Excel accepts, unique (ignoring case) among `taken`, which it is added to."""
    base = SHEET_TITLE_FORBIDDEN.sub("-", str(title))
    base = XLSX_ILLEGAL_CHARACTERS.sub("", base).strip().strip("'").strip() or "Sheet"
    candidate = base[:SHEET_TITLE_MAX].rstrip().rstrip("'")
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)].rstrip().rstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


def _xlsx_text(value: str) -> str:
    return escape_text(XLSX_ILLEGAL_CHARACTERS.sub("", value))


def _xlsx_cell(sheet: Any, value: Any, kind: str, tz: dt.tzinfo) -> Any:
    """One value as openpyxl should store it: plain values as is, formatted ones as write-only cells."""
    if value is None:
        return None
    if kind == "int" and _is_number(value):
        return value
    if kind == "money" and _is_number(value):
        cell = WriteOnlyCell(sheet, value=_rupiah(value))
        cell.number_format = XLSX_MONEY_FORMAT
        return cell
    if kind == "percent" and _is_number(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_PERCENT_FORMAT
        return cell
    if kind == "datetime" and isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_aware(value).astimezone(tz).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if kind == "date" and isinstance(value, dt.date):
        day = _aware(value).astimezone(tz).date() if isinstance(value, dt.datetime) else value
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    return _xlsx_text(str(value))


def _column_width(column: Column, header: str) -> float:
    minimum = {"date": 12, "datetime": 20, "money": 14, "percent": 9, "int": 8}.get(column.kind, 16)
    return float(max(minimum, min(len(header) + 2, 50)))


def xlsx_workbook(*, tables: list[Table], tz: dt.tzinfo | str | None = None) -> bytes:
    """An XLSX workbook with one sheet per table: bold frozen header, typed cells, escaped text.

    Written in openpyxl's write-only mode, which streams rows to the file instead of keeping a cell
    object per value, so large tables fit in memory. `tz` is the zone datetimes are shown in
    (default: the active zone).
    """
    if not tables:
        raise ValueError("A workbook needs at least one table.")
    zone = _zone(tz)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=sheet_title(table.title, taken))
        headers = [str(column.header) for column in table.columns]
        kinds = [column.kind for column in table.columns]
        for index, (column, header) in enumerate(zip(table.columns, headers, strict=True), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _column_width(column, header)
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_text(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for values in table.values():
            sheet.append([_xlsx_cell(sheet, value, kind, zone) for value, kind in zip(values, kinds, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, tables: list[Table], filename: str, tz: dt.tzinfo | str | None = None) -> HttpResponse:
    """A download of the tables as one XLSX workbook, one sheet per table."""
    response = HttpResponse(xlsx_workbook(tables=tables, tz=tz), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response

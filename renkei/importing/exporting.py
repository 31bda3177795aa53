"""Export what an importer declares, as CSV (UTF-8 with BOM, for Excel) or .xlsx, safe to open in Excel.

A cell that starts with = + - @ a tab or a carriage return (or the full-width ＝ ＋ － ＠) would be run as
a formula by a spreadsheet; it is written with a leading apostrophe (OWASP "CSV injection"; ASVS
1.2.10). Plain numbers such as -12.5 are left alone: they cannot be formulas. The importer removes
that apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from renkei.importing.cells import FORMULA_START
from renkei.importing.plans import read_stored
from renkei.importing.spec import ImportSpec

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
LIST_SEPARATOR = ";"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@runtime_checkable
class BinaryOut(Protocol):
    """Where an export is written: a file opened in binary mode, a binary buffer, a response."""

    def write(self, data: bytes, /) -> object: ...


def escape_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would read as a formula."""
    if text and text[0] in FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def render(value: Any) -> str:
    """A stored value as the text a file holds (what the importer reads back to the same value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(render(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_rows(spec: ImportSpec, queryset: QuerySet) -> Iterator[list[Any]]:
    """The header, then one list of stored values per row, in the importer's column order."""
    columns = spec.columns
    yield [c.name for c in columns]
    for _pk, values in read_stored(spec, queryset):
        yield [values[c.name] for c in columns]


def csv_chunks(spec: ImportSpec, queryset: QuerySet, *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """CSV bytes (UTF-8 with a BOM, CRLF line ends), a few hundred rows at a time, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(export_rows(spec, queryset), start=1):
        writer.writerow([escape_formula(render(v)) for v in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(spec: ImportSpec, queryset: QuerySet, out: BinaryOut) -> None:
    for chunk in csv_chunks(spec, queryset):
        out.write(chunk)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | int | Decimal | float | dt.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", escape_formula(render(value)))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text
    return cell


def write_xlsx(spec: ImportSpec, queryset: QuerySet, out: BinaryOut) -> None:
    """An .xlsx workbook with one sheet, written row by row (openpyxl write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=spec.name[:31])
    for row in export_rows(spec, queryset):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(out)


def export(spec: ImportSpec, queryset: QuerySet, out: BinaryOut, *, fmt: str) -> None:
    if fmt == "csv":
        write_csv(spec, queryset, out)
    elif fmt == "xlsx":
        write_xlsx(spec, queryset, out)
    else:
        raise ValueError(f"Unknown export format {fmt!r}; expected csv or xlsx")

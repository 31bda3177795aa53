"""Export what an importer declares, as CSV (UTF-8 with BOM, for Excel) or .xlsx, safe to open in Excel.

Two forms. By default the file is for people: the header holds the columns' labels (Japanese unless
English is asked for) and choices and yes/no values are written as their labels (ハイブリッド, はい).
The .xlsx then also carries the column codes in a first, hidden row, freezes the header, turns on the
autofilter and sets column widths. With `codes=True` the file is for machines: a header of column codes
and stored codes as values. The importer reads both (labels and codes in the header and in the cells,
and skips the second header row).

A cell that starts with = + - @ a tab or a carriage return (or the full-width ＝ ＋ － ＠) would be run as
a formula by a spreadsheet; it is written with a leading apostrophe (OWASP "CSV injection"; ASVS
1.2.10). Plain numbers such as -12.5 are left alone: they cannot be formulas. The importer removes
that apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from renkei.importing.cells import FORMULA_START
from renkei.importing.plans import read_stored
from renkei.importing.spec import Column, ImportSpec

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


def header_label(column: Column, lang: str) -> str:
    """The column's label in `lang` ('ja' or 'en'), else its code."""
    return (column.label_en if lang == "en" else column.label_ja) or column.name


YES_NO = {"ja": ("はい", "いいえ"), "en": ("yes", "no")}


def display(column: Column, value: Any, lang: str) -> str:
    """A stored value as people read it: choices by their label in `lang`, yes/no in words; anything else
    as `render` writes it. The importer reads these forms back to the same value."""
    if value is None:
        return ""
    if column.boolean and isinstance(value, bool):
        yes, no = YES_NO["en" if lang == "en" else "ja"]
        return yes if value else no
    if column.choices:
        with translation.override(lang):
            labels = {str(code): str(label) for code, label in column.choices}
        if isinstance(value, list | tuple):
            return LIST_SEPARATOR.join(labels.get(str(v), render(v)) for v in value)
        return labels.get(str(value), render(value))
    return render(value)


def export_rows(
    spec: ImportSpec, queryset: QuerySet, *, codes: bool = True, lang: str = "ja"
) -> Iterator[list[Any]]:
    """The header, then one list of values per row, in the importer's column order: stored values under
    the column codes (`codes=True`), or labels under the columns' labels."""
    columns = spec.columns
    yield [c.name if codes else header_label(c, lang) for c in columns]
    for _pk, values in read_stored(spec, queryset):
        if codes:
            yield [values[c.name] for c in columns]
        else:
            yield [
                values[c.name]
                if (values[c.name] is None or isinstance(values[c.name], int | Decimal | float | dt.date))
                and not (c.boolean or c.choices)
                else display(c, values[c.name], lang)
                for c in columns
            ]


def csv_chunks(
    spec: ImportSpec, queryset: QuerySet, *, rows_per_chunk: int = 500, codes: bool = False, lang: str = "ja"
) -> Iterator[bytes]:
    """CSV bytes (UTF-8 with a BOM, CRLF line ends), a few hundred rows at a time, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(export_rows(spec, queryset, codes=codes, lang=lang), start=1):
        writer.writerow([escape_formula(render(v)) for v in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(
    spec: ImportSpec, queryset: QuerySet, out: BinaryOut, *, codes: bool = False, lang: str = "ja"
) -> None:
    for chunk in csv_chunks(spec, queryset, codes=codes, lang=lang):
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


WIDTH_SAMPLE = 200  # rows read to size the columns
MIN_WIDTH, MAX_WIDTH = 6, 60


def _width(value: Any) -> int:
    """Excel column width units for a value: wide (East Asian) characters count twice."""
    text = value if isinstance(value, str) else render(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def write_xlsx(
    spec: ImportSpec, queryset: QuerySet, out: BinaryOut, *, codes: bool = False, lang: str = "ja"
) -> None:
    """An .xlsx workbook with one sheet, written row by row (openpyxl write-only mode). For people (the
    default): a hidden first row of column codes, then the labels' header, frozen, with an autofilter
    and column widths from the header and the first rows; with `codes`, the codes' header only."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=spec.name[:31])
    rows = export_rows(spec, queryset, codes=codes, lang=lang)
    header = next(rows)
    first = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = [_width(h) + 4 for h in header]  # room for the filter button
    for row in first:
        widths = [max(w, _width(v) + 2) for w, v in zip(widths, row, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
    header_row = 1 if codes else 2
    sheet.freeze_panes = f"A{header_row + 1}"  # write-only: set before the first row is written
    if not codes:
        sheet.row_dimensions[1].hidden = True
        sheet.append([c.name for c in spec.columns])
    sheet.append([_xlsx_cell(sheet, v) for v in header])
    last = header_row
    for row in itertools.chain(first, rows):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        last += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(max(1, len(header)))}{last}"
    workbook.save(out)


def export(
    spec: ImportSpec, queryset: QuerySet, out: BinaryOut, *, fmt: str, codes: bool = False, lang: str = "ja"
) -> None:
    if fmt == "csv":
        write_csv(spec, queryset, out, codes=codes, lang=lang)
    elif fmt == "xlsx":
        write_xlsx(spec, queryset, out, codes=codes, lang=lang)
    else:
        raise ValueError(f"Unknown export format {fmt!r}; expected csv or xlsx")

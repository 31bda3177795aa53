"""Helpers for the import pipeline tests: files built in tmp_path or memory, never committed."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import openpyxl
from django.apps import apps

# Cells that a spreadsheet would read as formulas (ASCII and full-width starts), by organisation key.
INJECTIONS = {
    "f-eq": '=HYPERLINK("http://evil.example","click")',
    "f-plus": "+1+1",
    "f-minus": "-2+3+cmd|' /C calc'!A0",
    "f-at": "@SUM(1,2)",
    "f-tab": "\tindented",
    "f-fw-eq": "＝１＋１",
    "f-fw-plus": "＋1",
    "f-fw-minus": "－1",
    "f-fw-at": "＠mention",
}

ORG_HEADER = ["key", "kind", "name_ja", "name_en", "parent", "prefecture", "latitude", "longitude"]


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = csv_text(rows).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table, auto-created many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count() if hasattr(model, "_default_manager") else 0
        for model in apps.get_models(include_auto_created=True)
    }


def rezip(
    data: bytes,
    *,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    encrypt: Iterable[str] = (),
) -> bytes:
    """A copy of a zip (an .xlsx) with parts added or replaced, or flagged as encrypted."""
    add, replace = add or {}, replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    result = bytearray(buffer.getvalue())
    for name in encrypt:  # zipfile cannot write encrypted parts: set the flag bit in both headers
        encoded = name.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            position = result.find(signature)
            while position != -1:
                if result[position + name_at : position + name_at + len(encoded)] == encoded:
                    result[position + flag_at] |= 0x1
                position = result.find(signature, position + 4)
    return bytes(result)


def with_dimension(data: bytes, ref: str | None) -> bytes:
    """A copy of an .xlsx whose first sheet declares `ref` as its used range (`<dimension>`), or declares
    none: what other programs write when they do not keep it up to date."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension ")
    end = sheet.index(b">", start) + 1
    element = b"" if ref is None else f'<dimension ref="{ref}"/>'.encode()
    return rezip(data, replace={"xl/worksheets/sheet1.xml": sheet[:start] + element + sheet[end:]})


def with_cells(data: bytes, cells: dict[str, str]) -> bytes:
    """A copy of an .xlsx with cells of its first sheet replaced by raw XML, e.g. a formula saved
    without its computed value: {"C2": '<c r="C2"><f>A2&amp;"大学"</f></c>'}."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    for coordinate, xml in cells.items():
        pattern = rb'<c r="' + coordinate.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)'
        sheet, found = re.subn(pattern, lambda _m, xml=xml: xml.encode(), sheet, count=1)
        assert found, coordinate
    return rezip(data, replace={"xl/worksheets/sheet1.xml": sheet})


PROGRAM_HEADER = [
    "provider", "code", "title_ja", "title_en", "kind", "audiences", "fields", "skills", "mode", "fee_yen",
    "subsidy_kyouiku_kunren", "prefecture", "municipality_code", "status", "shared_with", "unit",
]  # fmt: skip


def program_row(code: str = "DS101", **values: Any) -> list[Any]:
    """A valid program row for PROGRAM_HEADER (provider tohoku-u), with some columns replaced."""
    row = {
        "provider": "tohoku-u", "code": code, "title_ja": "データサイエンス入門", "title_en": "Introduction to data science",
        "kind": "short_course", "audiences": "working_adults; students", "fields": "field-ai、field-informatics",
        "skills": "skill-python", "mode": "online", "fee_yen": "12,000円", "subsidy_kyouiku_kunren": "○",
        "prefecture": "宮城県", "municipality_code": "04100", "status": "published", "shared_with": "tohoku-alliance",
        "unit": "tohoku-u.eng",
    }  # fmt: skip
    row.update(values)
    return [row[name] for name in PROGRAM_HEADER]


def org_row(key: str, **values: Any) -> list[Any]:
    row = {"key": key, "kind": "university", "name_ja": f"{key}大学", "name_en": "", "parent": "", "prefecture": "",
           "latitude": "", "longitude": ""}  # fmt: skip
    row.update(values)
    return [row[name] for name in ORG_HEADER]

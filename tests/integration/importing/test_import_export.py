"""Exports: CSV with BOM and .xlsx, formula cells escaped, and an export imports back unchanged.

The escaping rule itself is tested alone in tests/unit/importing/test_export_escaping.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from support.import_files import INJECTIONS, ORG_HEADER, PROGRAM_HEADER, csv_bytes, org_row, program_row

from renkei.importing import CREATE, UNCHANGED, UPDATE, apply_plan, get_importer, plan_import
from renkei.importing.exporting import escape_formula, export
from renkei.importing.plans import read_stored
from renkei.organisations.models import Organisation


def _import(name: str, data: bytes, filename: str = "f.csv") -> Any:
    plan = plan_import(get_importer(name), data, filename=filename)
    apply_plan(plan)
    return plan


def _export(name: str, fmt: str, **options: Any) -> bytes:
    spec = get_importer(name)
    buffer = io.BytesIO()
    export(spec, spec.model.objects.all(), buffer, fmt=fmt, **options)
    return buffer.getvalue()


def test_formula_injection_is_accepted_as_text_and_exported_escaped(db: None) -> None:
    # given: an import whose names are formulas
    _import(
        "organisations",
        csv_bytes([ORG_HEADER] + [org_row(key, name_ja=text) for key, text in INJECTIONS.items()]),
    )
    # then: stored as text, exactly
    assert Organisation.objects.get(key="f-eq").name_ja == INJECTIONS["f-eq"]
    # and: the CSV export is UTF-8 with BOM and escapes them
    data = _export("organisations", "csv", codes=True)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = {r[0]: r for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
    header = rows.pop("key")
    names = {key: row[header.index("name_ja")] for key, row in rows.items()}
    stored = {key: text.strip() for key, text in INJECTIONS.items()}  # imports strip surrounding blanks
    assert names == {key: escape_formula(text) for key, text in stored.items()}
    assert sum(name.startswith("'") for name in names.values()) == len(INJECTIONS) - 1
    # and: the .xlsx export holds them as text cells with the apostrophe, never as formulas
    book = openpyxl.load_workbook(io.BytesIO(_export("organisations", "xlsx")))
    sheet = book.active
    column = [c.value for c in sheet[1]].index("name_ja") + 1  # the hidden row of codes
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column)
        for r in range(3, sheet.max_row + 1)
    }
    for key, text in stored.items():
        assert cells[key].data_type == "s"
        assert cells[key].value == escape_formula(text)


def test_a_csv_export_imports_back_unchanged(catalog_base: Any) -> None:
    _import("organisations", csv_bytes([ORG_HEADER, org_row("geo-u", latitude="-33.45", longitude="-70.66",
                                                           name_ja="髙①ｶﾅ", name_en="=1+1")]))  # fmt: skip
    _import(
        "programs", csv_bytes([PROGRAM_HEADER, program_row("DS101"), program_row("DS102", fee_yen="無料")])
    )
    for name in ("organisations", "programs"):
        plan = plan_import(get_importer(name), _export(name, "csv"), filename=f"{name}.csv")
        assert plan.counts[CREATE] == plan.counts[UPDATE] == 0, plan.writes
        assert plan.counts[UNCHANGED] > 0


def test_an_xlsx_export_imports_back_unchanged(catalog_base: Any) -> None:
    _import(
        "programs",
        csv_bytes([PROGRAM_HEADER, program_row("DS101"), program_row("DS102", subsidy_kyouiku_kunren="")]),
    )
    _import(
        "program_runs",
        csv_bytes([["program", "starts_on", "hours"], ["tohoku-u/DS101", "令和8年4月1日", "7.5"]]),
    )
    for name in ("organisations", "programs", "program_runs"):
        plan = plan_import(get_importer(name), _export(name, "xlsx"), filename=f"{name}.xlsx")
        assert plan.counts[CREATE] == plan.counts[UPDATE] == 0, plan.writes


def test_the_export_command_writes_csv_and_xlsx(catalog_base: Any, tmp_path: Path) -> None:
    _import("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101")]))
    csv_path, xlsx_path = tmp_path / "programs.csv", tmp_path / "programs.xlsx"
    call_command("export", "programs", "--format", "csv", "-o", str(csv_path), stderr=io.StringIO())
    call_command("export", "programs", "-o", str(xlsx_path), stderr=io.StringIO())
    codes_path = tmp_path / "programs-codes.csv"
    call_command("export", "programs", "--codes", "-o", str(codes_path), stderr=io.StringIO())
    text = csv_path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("提供機関,コード,実施部局,名称")  # Japanese labels by default
    assert "tohoku-u,DS101,tohoku-u.eng,データサイエンス入門" in text
    codes = codes_path.read_bytes().decode("utf-8-sig")
    assert codes.splitlines()[0].startswith("provider,code,unit,title_ja")
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("provider", "code")  # the hidden row of codes
    assert rows[1][:2] == ("提供機関", "コード")
    assert rows[2][:2] == ("tohoku-u", "DS101")


def test_the_export_command_writes_to_standard_output_by_default(catalog_base: Any) -> None:
    _import("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101")]))
    written = {}
    for fmt in ("csv", "xlsx"):
        out = io.BytesIO()  # a binary stream without a text layer: written to as it is
        call_command("export", "programs", "--format", fmt, stdout=out)
        written[fmt] = out.getvalue()
        plan = plan_import(get_importer("programs"), written[fmt], filename=f"programs.{fmt}")
        assert plan.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 1}
    assert written["csv"] == _export("programs", "csv")


def test_a_many_to_many_column_without_a_ref_is_named_when_read(catalog_base: Any) -> None:
    _import("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101")]))
    spec = get_importer("programs")
    columns = [replace(spec.column("fields"), ref=None)]
    with pytest.raises(ImproperlyConfigured, match="'fields' has many=True but no ref"):
        list(read_stored(spec, spec.model._default_manager.all(), columns))

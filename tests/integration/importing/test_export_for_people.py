"""Exports for secretariats: Japanese headers and labels by default, the codes in a hidden first row
(or with `codes`), a frozen header with an autofilter and column widths; the importer reads every form
back, and a file of another kind is recognised from its header."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from support.import_files import ORG_HEADER, PROGRAM_HEADER, csv_bytes, org_row, program_row

from renkei.importing import CREATE, UNCHANGED, UPDATE, ImportRejected, apply_plan, get_importer, plan_import
from renkei.importing.exporting import export
from renkei.importing.jobs import change_rows, localised_changes


def _import(name: str, rows: list[list[Any]]) -> None:
    apply_plan(plan_import(get_importer(name), csv_bytes(rows), filename=f"{name}.csv"))


def _export(name: str, fmt: str, **options: Any) -> bytes:
    spec = get_importer(name)
    buffer = io.BytesIO()
    export(spec, spec.model.objects.all(), buffer, fmt=fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def programs(catalog_base: Any) -> Any:
    _import("programs", [PROGRAM_HEADER, program_row("DS101", mode="hybrid"), program_row("DS102")])
    return catalog_base


def test_the_excel_export_is_for_people(programs: Any) -> None:
    # when
    book = openpyxl.load_workbook(io.BytesIO(_export("programs", "xlsx")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    codes, labels = rows[0], rows[1]
    data = {row[1]: dict(zip(codes, row, strict=True)) for row in rows[2:]}
    # then: codes hidden above the Japanese header, frozen, filtered, sized
    assert sheet.row_dimensions[1].hidden
    assert codes[:3] == ("provider", "code", "unit")
    assert labels[:3] == ("提供機関", "コード", "実施部局")
    assert labels[codes.index("fee_yen")] == "受講料"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(codes))}{len(rows)}"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert len(widths) == len(codes)
    assert all(6 <= width <= 60 for width in widths.values())
    assert widths["D"] > widths["B"]  # 名称 (a title) is wider than コード
    # and: choices and yes/no as people read them; codes of references and numbers as they are
    assert data["DS101"]["mode"] == "ハイブリッド"
    assert data["DS102"]["mode"] == "オンライン（ライブ）"
    assert data["DS101"]["subsidy_kyouiku_kunren"] == "はい"
    assert data["DS101"]["fee_yen"] == 12000
    assert data["DS101"]["fields"] == "field-ai;field-informatics"


def test_english_labels_and_the_codes_form(programs: Any) -> None:
    english = list(csv.reader(io.StringIO(_export("programs", "csv", lang="en").decode("utf-8-sig"))))
    codes = list(csv.reader(io.StringIO(_export("programs", "csv", codes=True).decode("utf-8-sig"))))
    assert english[0][:2] == ["Provider", "Code"]
    assert "hybrid" in english[1] + english[2]  # the English label (the same word as the code)
    assert "ハイブリッド" not in english[1] + english[2]
    assert codes[0][:2] == ["provider", "code"]
    assert "hybrid" in codes[1] + codes[2]
    book = openpyxl.load_workbook(io.BytesIO(_export("programs", "xlsx", codes=True)))
    assert not book.active.row_dimensions[1].hidden
    assert book.active.freeze_panes == "A2"


@pytest.mark.parametrize(("fmt", "options"), [("csv", {}), ("csv", {"codes": True}), ("csv", {"lang": "en"}),
                                              ("xlsx", {}), ("xlsx", {"codes": True})])  # fmt: skip
def test_every_form_imports_back_unchanged(programs: Any, fmt: str, options: dict[str, Any]) -> None:
    for name in ("programs", "organisations"):
        plan = plan_import(get_importer(name), _export(name, fmt, **options), filename=f"{name}.{fmt}")
        assert plan.counts[CREATE] == plan.counts[UPDATE] == 0, plan.writes
        assert plan.counts[UNCHANGED] > 0


def test_a_second_header_row_of_labels_or_codes_is_skipped(programs: Any) -> None:
    # given: codes, then labels, then a row
    spec = get_importer("programs")
    labels = [spec.column(name).label_ja for name in PROGRAM_HEADER]
    data = csv_bytes([PROGRAM_HEADER, labels, program_row("DS103")])
    # when
    plan = plan_import(spec, data, filename="p.csv")
    # then
    assert plan.counts[CREATE] == 1
    assert [change.row for change in plan.writes] == [3]


def test_a_programs_file_chosen_as_organisations_is_recognised(programs: Any) -> None:
    # given
    data = csv_bytes([PROGRAM_HEADER, program_row("DS104")])
    # when
    with pytest.raises(ImportRejected) as refused:
        plan_import(get_importer("organisations"), data, filename="p.csv")
    # then: one problem that names the kind, not one per column
    problems = list(refused.value.problems)
    assert [p.code for p in problems] == ["wrong_kind"]
    assert "「プログラム」" in problems[0].text("ja")
    assert "“Programs”" in problems[0].text("en")


def test_unknown_columns_list_the_allowed_ones_once(programs: Any) -> None:
    data = csv_bytes([[*ORG_HEADER, "colour", "taste"], [*org_row("new-u"), "red", "sweet"]])
    with pytest.raises(ImportRejected) as refused:
        plan_import(get_importer("organisations"), data, filename="o.csv")
    codes = [p.code for p in refused.value.problems]
    assert codes.count("unknown_column") == 2
    assert codes.count("unknown_columns") == 1
    summary = next(p for p in refused.value.problems if p.code == "unknown_columns")
    assert "不明な列が2列" in summary.text("ja")
    assert "キー" in summary.text("ja")


def test_the_preview_shows_labels_people_read(programs: Any) -> None:
    # given: a change of mode and fee
    data = csv_bytes([["provider", "code", "mode", "fee_yen"], ["tohoku-u", "DS101", "onsite", "15000"]])
    plan = plan_import(get_importer("programs"), data, filename="p.csv")
    # when
    ja = localised_changes(change_rows(plan), "ja")
    en = localised_changes(change_rows(plan), "en")
    # then
    fields = {f["column"]: (f["before"], f["after"]) for f in ja[0]["fields"]}
    assert fields["形式"] == ("ハイブリッド", "対面")
    assert fields["受講料"] == ("12000", "15000")
    assert {f["column"] for f in en[0]["fields"]} == {"Mode", "Fee (yen)"}

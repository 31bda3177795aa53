"""The malformed-file corpus (a gate: at least 60 files): every file is built here (never committed),
refused with a message in Japanese and in English that names the row and column (or the file), by the
planner and by `renkei import`, and writes nothing to any table. Beside it, files that look odd but are
valid (an .xlsx whose <dimension> understates its cells, formulas with their computed values, classic
Mac line ends) must be imported whole: a file is imported whole or refused, never a silent part of it."""

from __future__ import annotations

import functools
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from support.import_files import (
    ORG_HEADER,
    PROGRAM_HEADER,
    csv_bytes,
    org_row,
    program_row,
    rezip,
    with_cells,
    with_dimension,
    xlsx_bytes,
)

from renkei.importing import CREATE, ImportRejected, apply_plan, get_importer, plan_import
from renkei.importing.xlsx_guard import CFB_MAGIC
from renkei.organisations.models import Organisation

RUN_HEADER = ["program", "starts_on", "ends_on"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass(frozen=True)
class Case:
    importer: str
    filename: str
    build: Callable[[], bytes]
    expect: tuple[str, int | None, str | None]  # (problem code, row, column header) that must be reported
    encoding: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)


def orgs(*rows: list[Any], header: list[str] = ORG_HEADER, **kwargs: Any) -> Callable[[], bytes]:
    return lambda: csv_bytes([header, *rows], **kwargs)


def programs(*rows: list[Any]) -> Callable[[], bytes]:
    return lambda: csv_bytes([PROGRAM_HEADER, *rows])


def runs(*rows: list[Any], header: list[str] = RUN_HEADER) -> Callable[[], bytes]:
    return lambda: csv_bytes([header, *rows])


def programs_with(header: list[str], *rows: list[Any]) -> Callable[[], bytes]:
    return lambda: csv_bytes(
        [["provider", "code", "title_ja", *header], *[["tohoku-u", "P1", "講座", *r] for r in rows]]
    )


def org_book(count: int, *, bad: dict[int, list[Any]] | None = None) -> list[list[Any]]:
    """The rows of an organisation workbook: a header and `count` good rows, some replaced."""
    rows: list[list[Any]] = [["key", "kind", "name_ja"]]
    rows += [[f"book-{i}", "university", f"ブック大学{i}"] for i in range(count)]
    for index, row in (bad or {}).items():
        rows[index] = row
    return rows


def stale(rows: list[list[Any]], ref: str | None = "A1:C2") -> Callable[[], bytes]:
    """An .xlsx of `rows` whose <dimension> says its cells end at `ref` (or that says nothing)."""
    return lambda: with_dimension(xlsx_bytes(rows), ref)


def formulas(cells: dict[str, str], count: int = 2) -> Callable[[], bytes]:
    return lambda: with_cells(xlsx_bytes(org_book(count)), cells)


@functools.cache
def good_xlsx() -> bytes:
    return xlsx_bytes([ORG_HEADER, org_row("new-u")])


@functools.cache
def zip_bomb() -> bytes:
    return rezip(good_xlsx(), add={"xl/worksheets/sheet2.xml": b" " * (60 * 1024 * 1024)})


@functools.cache
def million_rows() -> bytes:
    lines = ["key,kind,name_ja"] + [f"org-{i},university,大学{i}" for i in range(1_000_000)]
    return "\r\n".join(lines).encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;" for _ in range(10)))
               for i in range(1, 10))
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)  # fmt: skip
MACRO_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.'
    b'macroEnabled.main+xml"/></Types>'
)

CASES: dict[str, Case] = {
    # --- xlsx: refused before any XML is parsed ---
    "zip_bomb": Case("organisations", "bomb.xlsx", zip_bomb, ("xlsx_size", None, None)),
    "too_many_entries": Case("organisations", "parts.xlsx", lambda: rezip(
        good_xlsx(), add={f"xl/custom/part{i}.xml": b"<x/>" for i in range(250)}), ("xlsx_entries", None, None)),
    "encrypted_part": Case("organisations", "locked.xlsx", lambda: rezip(
        good_xlsx(), encrypt=["xl/worksheets/sheet1.xml"]), ("xlsx_encrypted", None, None)),
    "password_protected_workbook": Case("organisations", "protected.xlsx", lambda: CFB_MAGIC + b"\x00" * 4096,
                                        ("xlsx_encrypted", None, None)),
    "macro_part": Case("organisations", "macro.xlsx", lambda: rezip(
        good_xlsx(), add={"xl/vbaProject.bin": b"\x00" * 64}), ("xlsx_macro", None, None)),
    "macro_xlsm_name": Case("organisations", "macro.xlsm", good_xlsx, ("xlsx_macro", None, None)),
    "macro_content_type": Case("organisations", "typed.xlsx", lambda: rezip(
        good_xlsx(), replace={"[Content_Types].xml": MACRO_TYPES}), ("xlsx_macro", None, None)),
    "csv_renamed_xlsx": Case("organisations", "renamed.xlsx", orgs(org_row("new-u")), ("xlsx_is_csv", None, None)),
    "nested_archive": Case("organisations", "nested.xlsx", lambda: rezip(
        good_xlsx(), add={"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}), ("xlsx_nested", None, None)),
    "billion_laughs": Case("organisations", "laughs.xlsx", lambda: rezip(
        good_xlsx(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS}), ("xlsx_xml", None, None)),
    "truncated_xlsx": Case("organisations", "cut.xlsx", lambda: good_xlsx()[: len(good_xlsx()) // 2],
                           ("xlsx_invalid", None, None)),
    "legacy_xls": Case("organisations", "old.xls", lambda: CFB_MAGIC + b"\x00" * 512, ("xls", None, None)),
    "unsupported_type": Case("organisations", "list.pdf", lambda: b"%PDF-1.4", ("format", None, None)),
    "xlsx_more_rows_than_allowed": Case(
        "organisations", "many.xlsx", lambda: xlsx_bytes([ORG_HEADER] + [org_row(f"o{i}") for i in range(10)]),
        ("too_many_rows", None, None), limits={"max_rows": 5}),
    # --- text: encodings and structure ---
    "empty": Case("organisations", "empty.csv", lambda: b"", ("empty", None, None)),
    "blank_lines_only": Case("organisations", "blank.csv", lambda: b"\r\n  \r\n,,\r\n", ("empty", None, None)),
    "header_only": Case("organisations", "header.csv", orgs(), ("no_rows", None, None)),
    "nul_bytes": Case("organisations", "nul.csv", lambda: b"key,kind,name_ja\r\nnew-u,university,\x00\r\n",
                      ("nul", None, None)),
    "invalid_utf8_and_cp932": Case("organisations", "garbage.csv",
                                   lambda: b"key,kind,name_ja\r\nnew-u,university,\xff\xfe\x80\xfd\r\n",
                                   ("encoding", None, None)),
    "euc_jp": Case("organisations", "euc.csv", orgs(org_row("new-u", name_ja="東北大学工学部"), encoding="euc_jp"),
                   ("encoding", None, None)),
    "utf16_without_bom": Case("organisations", "utf16.csv", orgs(org_row("new-u"), encoding="utf-16-le"),
                              ("nul", None, None)),
    "utf32": Case("organisations", "utf32.csv", orgs(org_row("new-u"), encoding="utf-32"), ("encoding", None, None)),
    "wrong_stated_encoding": Case("organisations", "sjis.csv", orgs(org_row("new-u"), encoding="cp932"),
                                  ("encoding", None, None), encoding="utf-8"),
    "malformed_quotes": Case("organisations", "quotes.csv",
                             lambda: 'key,kind,name_ja\r\nnew-u,university,"東北大学\r\n'.encode(), ("csv", None, None)),
    "million_rows": Case("organisations", "million.csv", million_rows, ("too_many_rows", None, None)),
    # --- header ---
    "unknown_column": Case("organisations", "colour.csv", orgs([*org_row("new-u"), "red"],
                           header=[*ORG_HEADER, "colour"]), ("unknown_column", None, "colour")),
    "missing_key_column": Case("organisations", "nokey.csv", orgs(["university", "大学"], header=["kind", "name_ja"]),
                               ("missing_column", None, "key")),
    "missing_column_to_create": Case("organisations", "noname.csv", orgs(["new-u", "university"],
                                     header=["key", "kind"]), ("missing_column", None, "name_ja")),
    "duplicate_column": Case("organisations", "twice.csv", orgs(["new-u", "university", "a", "b"],
                             header=["key", "kind", "name_ja", "名称"]), ("duplicate_column", None, "名称")),
    "value_without_header": Case("organisations", "extra.csv", orgs([*org_row("new-u"), "stray"]),
                                 ("extra_cell", 2, None)),
    # --- rows: every problem on its row and column ---
    "duplicate_keys": Case("organisations", "dup.csv", orgs(org_row("new-u"), org_row("new-u")),
                           ("duplicate_key", 3, "key")),
    "invalid_enum": Case("organisations", "kind.csv", orgs(org_row("new-u", kind="castle")), ("choice", 2, "kind")),
    "unknown_parent": Case("organisations", "parent.csv", orgs(org_row("new-u.x", parent="ghost-u")),
                           ("unknown_ref", 2, "parent")),
    "parent_cycle": Case("organisations", "cycle.csv", orgs(org_row("a-u", parent="b-u"), org_row("b-u", parent="a-u")),
                         ("plan", 2, "parent")),
    "latitude_without_longitude": Case("organisations", "lat.csv", orgs(org_row("new-u", latitude="38.25")),
                                       ("coordinates", 2, "longitude")),
    "latitude_out_of_range": Case("organisations", "lat2.csv",
                                  orgs(org_row("new-u", latitude="138.25", longitude="38.2")),
                                  ("range", 2, "latitude")),
    "overlong_cell": Case("organisations", "long.csv", orgs(org_row("new-u", name_en="x" * 25_000)),
                          ("too_long", 2, "name_en")),
    "longer_than_the_field": Case("organisations", "long2.csv", orgs(org_row("new-u", name_ja="長" * 301)),
                                  ("too_long", 2, "name_ja")),
    "control_characters": Case("organisations", "bell.csv", orgs(org_row("new-u", name_ja="東北\x07大学")),
                               ("control", 2, "name_ja")),
    "required_value_missing": Case("organisations", "blank.csv", orgs(org_row("new-u", kind="")),
                                   ("required", 2, "kind")),
    "javascript_url": Case("organisations", "url.csv", orgs(["new-u", "university", "大学", "javascript:alert(1)"],
                           header=["key", "kind", "name_ja", "website"]), ("url", 2, "website")),
    "bad_row_after_many_good_rows": Case(
        "organisations", "late.csv", orgs(*[org_row(f"o-{i}") for i in range(1500)], org_row("last", kind="castle")),
        ("choice", 1502, "kind")),
    "unknown_provider": Case("programs", "provider.csv", programs(program_row(provider="nowhere-u")),
                             ("unknown_ref", 2, "provider")),
    "negative_fee": Case("programs", "fee.csv", programs(program_row(fee_yen="-5,000円")), ("range", 2, "fee_yen")),
    "invalid_audience": Case("programs", "aud.csv", programs(program_row(audiences="students; aliens")),
                             ("choice", 2, "audiences")),
    "field_of_the_wrong_kind": Case("programs", "kind.csv", programs(program_row(fields="skill-python")),
                                    ("unknown_ref", 2, "fields")),
    "municipality_outside_prefecture": Case("programs", "muni.csv", programs(program_row(prefecture="山形県")),
                                            ("municipality", 2, "municipality_code")),
    "unit_of_another_provider": Case("programs", "unit.csv", programs(program_row(unit="yamagata-u")),
                                     ("plan", 2, "unit")),
    "reiwa_gannen_before_reiwa": Case("program_runs", "r1.csv", runs(["tohoku-u/EXIST1", "令和元年4月30日", ""]),
                                      ("date", 2, "starts_on")),
    "february_30": Case("program_runs", "feb.csv", runs(["tohoku-u/EXIST1", "2021/2/30", ""]),
                        ("date", 2, "starts_on")),
    "run_ends_before_it_starts": Case("program_runs", "ends.csv",
                                      runs(["tohoku-u/EXIST1", "2025/4/10", "令和7年4月1日"]), ("dates", 2, "ends_on")),
    "unknown_program": Case("program_runs", "prog.csv", runs(["tohoku-u/NOPE", "2025/4/10", ""]),
                            ("unknown_ref", 2, "program")),
    # --- line ends: a CR alone is named as such, not as a quote problem ---
    "lone_cr_in_a_cell": Case("organisations", "cr.csv",
                              lambda: "key,kind,name_ja\r\nnew-u,university,東北\r大学\r\n".encode(),
                              ("csv_cr", None, None)),
    "mixed_line_ends": Case("organisations", "mixed.csv",
                            lambda: b"key,kind,name_ja\nnew-u,university,A\rnext-u,university,B\n",
                            ("csv_cr", None, None)),
    "unterminated_quote_at_the_end": Case("organisations", "eof.csv",
                                          lambda: b'key,kind,name_ja\r\nnew-u,university,"A', ("csv", None, None)),
    # --- .xlsx: formulas without a usable result, stale dimensions, misnamed workbooks ---
    "formula_without_value_in_a_required_column": Case(
        "organisations", "f1.xlsx", formulas({"C2": '<c r="C2"><f>A2&amp;"大学"</f><v/></c>'}),
        ("formula", 2, "name_ja")),
    "formula_without_value_in_an_optional_column": Case(  # was emptied silently
        "organisations", "f2.xlsx", lambda: xlsx_bytes([ORG_HEADER, org_row("new-u", name_en="=UPPER(A2)")]),
        ("formula", 2, "name_en")),
    "shared_formula_not_computed": Case(
        "organisations", "f3.xlsx", formulas({"C3": '<c r="C3"><f t="shared" si="0"/></c>'}),
        ("formula", 3, "name_ja")),
    "formula_with_an_error_result": Case(
        "organisations", "f4.xlsx", formulas({"C2": '<c r="C2" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#N/A</v></c>'}),
        ("formula", 2, "name_ja")),
    "too_many_formulas_without_values": Case(
        "organisations", "f5.xlsx",
        lambda: xlsx_bytes([["key", "kind", "name_ja"]] + [[f"o{i}", "university", f"=A{i + 2}"] for i in range(12)]),
        ("formula", None, None), limits={"xlsx_max_formula_problems": 10}),
    "stale_dimension_hides_a_bad_row": Case(  # was imported as its first row only
        "organisations", "s1.xlsx", stale(org_book(5, bad={5: ["book-4", "castle", "城"]})), ("choice", 6, "kind")),
    "stale_dimension_hides_a_value_without_header": Case(
        "organisations", "s2.xlsx",
        stale([["key", "kind", "name_ja"], ["a-u", "university", "A"], ["b-u", "university", "B", "stray"]]),
        ("extra_cell", 3, None)),
    "stale_dimension_past_the_row_limit": Case(
        "organisations", "s3.xlsx", stale(org_book(10)), ("too_many_rows", None, None), limits={"max_rows": 5}),
    "xlsx_header_only": Case("organisations", "head.xlsx", lambda: xlsx_bytes([ORG_HEADER]), ("no_rows", None, None)),
    "xlsx_without_cells": Case("organisations", "blank.xlsx", lambda: xlsx_bytes([]), ("empty", None, None)),
    "xlsx_unknown_column": Case("organisations", "col.xlsx",
                                lambda: xlsx_bytes([[*ORG_HEADER, "色"], [*org_row("new-u"), "赤"]]),
                                ("unknown_column", None, "色")),
    "workbook_named_csv": Case("organisations", "book.csv", good_xlsx, ("csv_is_xlsx", None, None)),
    "workbook_named_txt": Case("organisations", "book.txt", good_xlsx, ("csv_is_xlsx", None, None)),
    "part_outside_the_workbook": Case("organisations", "escape.xlsx", lambda: rezip(
        good_xlsx(), add={"../escape.xml": b"<x/>"}), ("xlsx_invalid", None, None)),
    # --- text: encodings and limits ---
    "unknown_stated_encoding": Case("organisations", "k.csv", orgs(org_row("new-u")), ("encoding", None, None),
                                    encoding="klingon"),
    "utf8_bom_then_cp932": Case("organisations", "bom.csv", lambda: b"\xef\xbb\xbf" + csv_bytes(
        [ORG_HEADER, org_row("new-u", name_ja="東北大学")], encoding="cp932"), ("encoding", None, None)),
    "too_many_columns": Case("organisations", "wide.csv", orgs(org_row("new-u")), ("too_many_columns", None, None),
                             limits={"max_columns": 3}),
    # --- rows: more values a spreadsheet lets through ---
    "invalid_key": Case("organisations", "key.csv", orgs(org_row("Bad Key!")), ("key", 2, "key")),
    "unknown_prefecture": Case("organisations", "pref.csv", orgs(org_row("new-u", prefecture="架空県")),
                               ("choice", 2, "prefecture")),
    "own_parent": Case("organisations", "self.csv", orgs(org_row("a-u", parent="a-u")), ("plan", 2, "parent")),
    "three_way_cycle": Case("organisations", "cycle3.csv",
                            orgs(org_row("a-u", parent="c-u"), org_row("b-u", parent="a-u"),
                                 org_row("c-u", parent="b-u")), ("plan", 2, "parent")),
    "latitude_in_words": Case("organisations", "lat3.csv",
                              orgs(org_row("new-u", latitude="北緯38度", longitude="140.8")),
                              ("decimal", 2, "latitude")),
    "fee_in_words": Case("programs", "fee2.csv", programs(program_row(fee_yen="応相談")), ("yen", 2, "fee_yen")),
    "subsidy_neither_yes_nor_no": Case("programs", "sub.csv", programs(program_row(subsidy_kyouiku_kunren="たぶん")),
                                       ("boolean", 2, "subsidy_kyouiku_kunren")),
    "unknown_skill": Case("programs", "skill.csv", programs(program_row(skills="skill-cobol")),
                          ("unknown_ref", 2, "skills")),
    "unknown_network": Case("programs", "net.csv", programs(program_row(shared_with="ghost-net")),
                            ("unknown_ref", 2, "shared_with")),
    "unknown_unit": Case("programs", "unit2.csv", programs(program_row(unit="tohoku-u.ghost")),
                         ("unknown_ref", 2, "unit")),
    "invalid_status": Case("programs", "status.csv", programs(program_row(status="secret")), ("choice", 2, "status")),
    "malformed_municipality_code": Case("programs", "muni2.csv", programs(program_row(municipality_code="ABC")),
                                        ("municipality_code", 2, "municipality_code")),
    "invalid_email": Case("programs", "mail.csv", programs_with(["contact_email"], ["not-an-address"]),
                          ("email", 2, "contact_email")),
    "invalid_phone": Case("programs", "tel.csv", programs_with(["contact_phone"], ["call me"]),
                          ("phone", 2, "contact_phone")),
    "ftp_url": Case("programs", "ftp.csv", programs_with(["url"], ["ftp://example.jp/"]), ("url", 2, "url")),
    "negative_hours": Case("program_runs", "hours.csv",
                           runs(["tohoku-u/EXIST1", "2025/4/10", "-3"], header=["program", "starts_on", "hours"]),
                           ("range", 2, "hours")),
    "deadline_after_the_start": Case("program_runs", "deadline.csv", runs(
        ["tohoku-u/EXIST1", "2025/4/10", "2025/5/1"], header=["program", "starts_on", "application_deadline"]),
        ("dates", 2, "application_deadline")),
    "sessions_in_words": Case("program_runs", "sessions.csv",
                              runs(["tohoku-u/EXIST1", "2025/4/10", "毎週"], header=["program", "starts_on", "sessions"]),
                              ("integer", 2, "sessions")),
    "run_date_in_an_unknown_era": Case("program_runs", "era.csv", runs(["tohoku-u/EXIST1", "明和3年4月1日", ""]),
                                       ("date", 2, "starts_on")),
}  # fmt: skip

# Organisation files that look odd but are valid: (file name, bytes, rows each must leave stored)
VALID: dict[str, tuple[str, Callable[[], bytes], int]] = {
    "stale_dimension_5_rows": ("s5.xlsx", stale(org_book(5)), 5),
    "stale_dimension_3000_rows": ("s3000.xlsx", stale(org_book(3000)), 3000),
    "stale_dimension_understating_columns": ("narrow.xlsx", stale(org_book(4), "A1:A1"), 4),
    "no_dimension": ("nodim.xlsx", stale(org_book(3), None), 3),
    "formulas_with_computed_values": ("fv.xlsx", formulas({
        "C2": '<c r="C2" t="str"><f>"ブック"&amp;"大学0"</f><v>ブック大学0</v></c>',
        "C3": '<c r="C3" t="str"><f>IF(TRUE,"ブック大学1","")</f><v>ブック大学1</v></c>',
    }), 2),
    "classic_mac_line_ends": ("mac.csv", lambda: "\r".join(",".join(r) for r in org_book(3)).encode(), 3),
    "quoted_cell_with_line_breaks": ("multi.csv", lambda: csv_bytes([
        ["key", "kind", "name_ja", "note_ja"], ["book-0", "university", "ブック大学0", "一行目\r\n二行目\r三行目"],
    ]), 1),
}  # fmt: skip


@pytest.fixture
def existing_program(catalog_base: Any) -> Any:
    from renkei.catalog.models import Program

    return Program.objects.create(provider=catalog_base.provider, code="EXIST1", title_ja="既存の講座")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len(VALID) >= 5


@pytest.mark.parametrize("name", list(CASES))
def test_bad_file_is_refused_in_both_languages_and_writes_nothing(
    name: str, existing_program: Any, counts: Callable[[], dict[str, int]], settings: Any, tmp_path: Path
) -> None:
    # given
    case = CASES[name]
    settings.RENKEI_IMPORT_LIMITS = case.limits
    data = case.build()
    before = counts()
    # when: the engine reads it
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer(case.importer), data, filename=case.filename, encoding=case.encoding)
    elapsed = time.perf_counter() - started
    # then: the expected problem is reported where it is, in Japanese and in English
    code, row, column = case.expect
    problems = list(exc.value.problems)
    matching = [p for p in problems if p.code == code and p.row == row and p.column == column]
    assert matching, [p.as_dict() for p in problems]
    for problem in problems:
        ja, en = problem.text("ja"), problem.text("en")
        assert JAPANESE.search(ja), ja
        assert not JAPANESE.search(en.replace(problem.column or "", "")) or problem.column, en
        assert ja != en
        if problem.row is not None:
            assert f"{problem.row}行目" in ja
            assert f"ow {problem.row}" in en
        if problem.column is not None:
            assert f"「{problem.column}」" in ja
            assert f"“{problem.column}”" in en
        if problem.row is None and problem.column is None:
            assert ja.startswith("ファイル: ")
            assert en.startswith("File: ")
    if name in {"zip_bomb", "million_rows"}:
        assert elapsed < 5
    # and: the command refuses it too, exiting non-zero, and no table gained or lost a row
    path = tmp_path / case.filename
    path.write_bytes(data)
    options = {"encoding": case.encoding} if case.encoding else {}
    with pytest.raises(CommandError):
        call_command(
            "import",
            case.importer,
            str(path),
            lang="en",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            **options,
        )
    assert counts() == before


@pytest.mark.parametrize("name", list(VALID))
def test_a_valid_but_unusual_file_is_imported_whole(name: str, db: None) -> None:
    # given
    filename, build, rows = VALID[name]
    # when
    plan = plan_import(get_importer("organisations"), build(), filename=filename)
    apply_plan(plan)
    # then: every row, with every column the file holds
    assert plan.counts[CREATE] == rows
    stored = dict(Organisation.objects.filter(key__startswith="book-").values_list("key", "name_ja"))
    assert stored == {f"book-{i}": f"ブック大学{i}" for i in range(rows)}

"""Open an uploaded file as a table: a header and numbered rows, whatever the format.

Rows are numbered as a spreadsheet shows them (the header is row 1), so a message about row 12
points at the line the user sees as 12 in Excel.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, Protocol, runtime_checkable

import openpyxl

from renkei.importing.decoding import decode
from renkei.importing.limits import Limits
from renkei.importing.problems import file_problem
from renkei.importing.xlsx_formulas import TooManyFormulaProblems, formula_problems
from renkei.importing.xlsx_guard import CFB_MAGIC, ZIP_MAGIC, check_xlsx

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx"})


@dataclass
class Table:
    format: str
    encoding: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None  # data rows (exact for CSV; for .xlsx as the workbook declares them, a hint)


@runtime_checkable
class _SheetPart(Protocol):
    """A sheet as openpyxl reads it in read-only mode, for the one thing its typed interface lacks: the
    sheet's part name in the archive, kept in a private attribute (the formula tests fail without it)."""

    _worksheet_path: str


class _OpenpyxlChanged(RuntimeError):
    """openpyxl no longer gives what this module reads from it: a defect here, never the user's file."""


def _too_many_rows(limit: int) -> Exception:
    return file_problem(
        f"行数が上限（{limit:,}行）を超えています。ファイルを分割してください。",
        f"The file has more rows than the limit ({limit:,}). Split it into smaller files.",
        code="too_many_rows",
    )


def _empty() -> Exception:
    return file_problem("ファイルが空です。", "The file is empty.", code="empty")


def file_format(filename: str, data: bytes) -> str:
    """'csv' or 'xlsx', from the name, refusing names that disagree with the content."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in {".xlsm", ".xltm", ".xlam"}:
        raise file_problem(
            "マクロ有効ブック（.xlsm）は受け付けません。マクロなしの .xlsx で保存してください。",
            "Macro-enabled workbooks (.xlsm) are refused. Save it as a macro-free .xlsx.",
            code="xlsx_macro",
        )
    if suffix == ".xls":
        raise file_problem(
            "古い Excel 形式（.xls）には対応していません。.xlsx または CSV で保存してください。",
            "Old Excel files (.xls) are not supported. Save it as .xlsx or CSV.",
            code="xls",
        )
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in CSV_SUFFIXES:
        if data.startswith((ZIP_MAGIC, CFB_MAGIC)):
            raise file_problem(
                f"拡張子は {suffix} ですが、中身は Excel ブックです。拡張子を .xlsx にしてください。",
                f"The file is named {suffix} but is an Excel workbook. Rename it to .xlsx.",
                code="csv_is_xlsx",
            )
        return "csv"
    if not suffix:
        return "xlsx" if data.startswith(ZIP_MAGIC) else "csv"
    raise file_problem(
        f"対応していないファイル形式です（{suffix}）。CSV（.csv）または Excel（.xlsx）を使ってください。",
        f"Unsupported file type ({suffix}). Use CSV (.csv) or Excel (.xlsx).",
        code="format",
    )


def open_table(
    data: bytes, *, filename: str, encoding: str | None = None, limits: Limits | None = None
) -> Table:
    limits = limits or Limits.from_settings()
    if not data:
        raise _empty()
    if len(data) > limits.max_file_bytes:
        raise file_problem(
            f"ファイルが大きすぎます（{len(data) / 1048576:,.1f} MB、"
            f"上限 {limits.max_file_bytes / 1048576:,.0f} MB）。",
            f"The file is too large ({len(data) / 1048576:,.1f} MB; the limit is "
            f"{limits.max_file_bytes / 1048576:,.0f} MB).",
            code="file_size",
        )
    if file_format(filename, data) == "xlsx":
        return _open_xlsx(data, limits)
    return _open_csv(data, encoding, limits)


# --- CSV --------------------------------------------------------------------------------------------


def _csv_error(exc: csv.Error, line: int) -> Exception:
    if str(exc).startswith("new-line character seen in unquoted field"):  # a CR alone, lines end in LF
        return file_problem(
            f"{line}行目付近に、単独の CR（復帰）文字があります。改行コードが混在しているか、"
            'セル内の改行が引用符「"」で囲まれていません。そのセルの改行を消すか、'
            "表計算ソフトで CSV として保存し直してください。",
            f"Near line {line} there is a lone carriage return (CR): the file mixes line endings, or a line "
            "break inside a cell is not in double quotes. Remove that line break, or save the file as CSV "
            "again from a spreadsheet.",
            code="csv_cr",
        )
    if "field larger than field limit" in str(exc):
        return file_problem(
            f"{line}行目付近に長すぎるセルがあります（上限 {csv.field_size_limit():,}文字）。",
            f"A cell near line {line} is too long (the limit is {csv.field_size_limit():,} characters).",
            code="too_long",
        )
    return file_problem(
        f'CSV の形式が正しくありません（{line}行目付近: 引用符「"」の対応を確認してください）。',
        f"The CSV is malformed near line {line} (check that quotes '\"' are paired): {exc}",
        code="csv",
    )


def _lines(chunks: Iterable[str], end_of_line: str) -> Iterator[str]:
    """The lines of the text made of `chunks`, ends kept (io.StringIO would hold 4 bytes a character)."""
    head: list[str] = []  # the start of a line that goes on in the next chunk
    for chunk in chunks:
        start = 0
        while (end := chunk.find(end_of_line, start)) != -1:
            line = chunk[start : end + 1]
            if head:
                line, head = "".join([*head, line]), []
            yield line
            start = end + 1
        if start < len(chunk):
            head.append(chunk[start:])
    if head:
        yield "".join(head)


def _open_csv(data: bytes, encoding: str | None, limits: Limits) -> Table:
    decoded = decode(data, encoding)
    text = decoded.text.removeprefix("\ufeff")
    if not text or text.isspace():  # not text.strip(), which would copy the whole file
        raise _empty()
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    end_of_line = "\n" if end != -1 or "\r" not in text else "\r"  # classic Mac files end lines with CR

    # a quick first pass: well-formed, and not too many rows (refused before any value is read)
    reader = csv.reader(_lines([text], end_of_line), delimiter=delimiter, strict=True)
    records = 0
    try:
        for _record in reader:
            records += 1
            if records > limits.max_rows + 1:
                raise _too_many_rows(limits.max_rows)
    except csv.Error as exc:
        raise _csv_error(exc, reader.line_num) from None
    # the rows are read again from the bytes, a piece at a time: the plan is made without the whole
    # decoded text in memory (for Japanese text as large as the file, or twice that)
    again = replace(decoded, text="", dropped=decoded.dropped + len(decoded.text) - len(text))
    del decoded, text, reader

    def rows() -> Iterator[tuple[int, list[Any]]]:
        lines = _lines(again.chunks(data), end_of_line)
        yield from enumerate(csv.reader(lines, delimiter=delimiter, strict=True), start=1)

    iterator = rows()
    header = _first_non_empty(iterator)
    return Table("csv", again.encoding, header, iterator, records - 1)


def _first_non_empty(iterator: Iterator[tuple[int, list[Any]]]) -> list[Any]:
    for _number, values in iterator:
        if any(v is not None and str(v).strip() for v in values):
            return values
    raise _empty()


# --- XLSX -------------------------------------------------------------------------------------------


def _unreadable(exc: BaseException) -> Exception:
    cause: BaseException | None = exc
    while cause is not None and not type(cause).__module__.startswith("defusedxml"):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return file_problem(
            "ブックに安全でない XML（エンティティ宣言など）が含まれているため受け付けません。",
            "The workbook contains unsafe XML (such as entity declarations) and is refused.",
            code="xlsx_xml",
        )
    return file_problem(
        f"Excel ブックを読み取れませんでした（{type(exc).__name__}）。Excel で開いて保存し直してください。",
        f"The Excel workbook could not be read ({type(exc).__name__}). Open it in Excel and save it again.",
        code="xlsx_invalid",
    )


def _open_xlsx(data: bytes, limits: Limits) -> Table:
    check_xlsx(data, limits)
    if not openpyxl.DEFUSEDXML:  # fail closed: never parse uploaded XML without defusedxml
        raise file_problem(
            "サーバーの設定により Excel ファイルを読み込めません（defusedxml がありません）。",
            "Excel files cannot be read on this server (defusedxml is missing).",
            code="xlsx_unsafe",
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        sheet = workbook.worksheets[0]
        declared = sheet.max_row
        # The <dimension> a workbook declares is only a hint, and other programs leave it stale; read
        # every row and column there is, never only the declared range (openpyxl stops at it).
        sheet.reset_dimensions()
        if declared is not None and declared > limits.max_rows + 1:
            raise _too_many_rows(limits.max_rows)
        # the sheet's part name: openpyxl keeps it on the read-only sheet (a private attribute, tested)
        if not isinstance(sheet, _SheetPart):
            raise _OpenpyxlChanged("openpyxl's read-only sheet no longer has _worksheet_path.")
        archive = zipfile.ZipFile(io.BytesIO(data))
        formulas = formula_problems(archive, sheet._worksheet_path, limits.xlsx_max_formula_problems)
    except _OpenpyxlChanged:
        raise
    except TooManyFormulaProblems as exc:
        workbook.close()
        raise file_problem(
            f"計算結果が保存されていない数式、または結果がエラーの数式が多すぎます（{exc.args[0]:,}個以上）。"
            "Excel で開いて保存し直すか、値として貼り付けてください。",
            f"Too many formulas without a computed value, or with an error as their result (at least "
            f"{exc.args[0]:,}). Open the file in Excel and save it again, or paste the values.",
            code="formula",
        ) from None
    except Exception as exc:
        if getattr(exc, "problems", None) is not None:
            raise
        raise _unreadable(exc) from None

    def all_rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > limits.max_rows + 1:
                    raise _too_many_rows(limits.max_rows)
                values: list[object] = list(cells)  # and FormulaResult where a formula has no usable value
                for column, result in formulas.get(number, {}).items():
                    values += [None] * (column - len(values))
                    values[column - 1] = result
                yield number, values
        except Exception as exc:
            if getattr(exc, "problems", None) is not None:
                raise
            raise _unreadable(exc) from None
        finally:
            workbook.close()

    iterator = all_rows()
    header = _first_non_empty(iterator)
    total = (declared - 1) if declared else None
    return Table("xlsx", "", header, iterator, total)

"""job tag (職業情報提供サイト) skills and knowledge, from the IPD numeric download file.

A deployment downloads 「職業情報データベース 簡易版数値系ダウンロードデータ」 from
https://shigoto.mhlw.go.jp/User/download (``IPD_DL_numeric_<version>.xlsx``, or the same table as a
cp932 CSV) and passes the file, or the folder holding it, to ``renkei loadtaxonomy jobtag``.

The sheet ``IPD形式`` has a few rows of notes (title, ``version x.yy``, 【最終更新日】), then a row of
item names and, under it, the row of IPD codes (the one holding ``IPD_01_01_001``), then one row per
occupation. Columns are found by their IPD code, never by position:

* ``IPD_04_03_01_001`` … ``039``: the 39 skills (スキル), kind ``skill``;
* ``IPD_04_04_01_001`` … ``033``: the 33 knowledge fields (知識), kind ``knowledge``.

The IPD code is the concept code; the Japanese name comes from the file. The English labels are
Renkei's own translations, keyed by IPD code (JILPT publishes no English names for these items).
The occupations' ratings are not imported here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from renkei.taxonomy.records import ConceptRecord, SchemeRecord, TaxonomyData, TaxonomyFileError

SCHEME_KEY = "jobtag-skills"
DOWNLOAD_URL = "https://shigoto.mhlw.go.jp/User/download"
PUBLISHER = "独立行政法人労働政策研究・研修機構（JILPT）"
SHEET = "IPD形式"
CODE_ROW_MARKER = "IPD_01_01_001"
DEFAULT_TITLE = "簡易版数値系ダウンロードデータ"

_ITEM = re.compile(r"IPD_04_0([34])_01_(\d{3})")
_VERSION = re.compile(r"version\s*(\d+(?:\.\d+)*)", re.IGNORECASE)
_TITLE = re.compile(r"【(.*ダウンロードデータ)】")
_DATE = re.compile(r"(\d{4})\s*[/年.-]\s*(\d{1,2})\s*[/月.-]\s*(\d{1,2})")
_HEADER_ROWS_MAX = 200  # the code row comes within the first few dozen rows

# Renkei's English names for the items (our translations; not from JILPT).
LABELS_EN = {
    "IPD_04_03_01_001": "Reading comprehension",
    "IPD_04_03_01_002": "Active listening",
    "IPD_04_03_01_003": "Writing",
    "IPD_04_03_01_004": "Explaining",
    "IPD_04_03_01_005": "Reading a foreign language",
    "IPD_04_03_01_006": "Listening to a foreign language",
    "IPD_04_03_01_007": "Writing in a foreign language",
    "IPD_04_03_01_008": "Speaking a foreign language",
    "IPD_04_03_01_009": "Mathematical literacy",
    "IPD_04_03_01_010": "Scientific literacy",
    "IPD_04_03_01_011": "Logic and reasoning (critical thinking)",
    "IPD_04_03_01_012": "Applying new information",
    "IPD_04_03_01_013": "Choosing and using ways to learn",
    "IPD_04_03_01_014": "Monitoring and evaluating",
    "IPD_04_03_01_015": "Understanding others' reactions",
    "IPD_04_03_01_016": "Coordinating with others",
    "IPD_04_03_01_017": "Persuasion",
    "IPD_04_03_01_018": "Negotiation",
    "IPD_04_03_01_019": "Instructing",
    "IPD_04_03_01_020": "Helping and serving people",
    "IPD_04_03_01_021": "Complex problem solving",
    "IPD_04_03_01_022": "Requirements analysis (writing specifications)",
    "IPD_04_03_01_023": "Customising and developing",
    "IPD_04_03_01_024": "Choosing tools, devices and equipment",
    "IPD_04_03_01_025": "Installing and setting up",
    "IPD_04_03_01_026": "Programming",
    "IPD_04_03_01_027": "Monitoring instruments",
    "IPD_04_03_01_028": "Operating and controlling",
    "IPD_04_03_01_029": "Maintenance and inspection",
    "IPD_04_03_01_030": "Finding the causes of faults",
    "IPD_04_03_01_031": "Repairing",
    "IPD_04_03_01_032": "Quality checking",
    "IPD_04_03_01_033": "Sound decision making",
    "IPD_04_03_01_034": "Analysing the activities of organisations",
    "IPD_04_03_01_035": "Evaluating the activities of organisations",
    "IPD_04_03_01_036": "Time management",
    "IPD_04_03_01_037": "Managing money",
    "IPD_04_03_01_038": "Managing materials",
    "IPD_04_03_01_039": "Managing people",
    "IPD_04_04_01_001": "Business and management",
    "IPD_04_04_01_002": "Clerical work",
    "IPD_04_04_01_003": "Economics and accounting",
    "IPD_04_04_01_004": "Sales and marketing",
    "IPD_04_04_01_005": "Customer and personal service",
    "IPD_04_04_01_006": "Personnel and labour management",
    "IPD_04_04_01_007": "Transport",
    "IPD_04_04_01_008": "Production and processing",
    "IPD_04_04_01_009": "Agriculture and livestock farming",
    "IPD_04_04_01_010": "Engineering",
    "IPD_04_04_01_011": "Computers and electronics",
    "IPD_04_04_01_012": "Design",
    "IPD_04_04_01_013": "Building and construction",
    "IPD_04_04_01_014": "Machinery",
    "IPD_04_04_01_015": "Mathematics",
    "IPD_04_04_01_016": "Physics",
    "IPD_04_04_01_017": "Chemistry",
    "IPD_04_04_01_018": "Biology",
    "IPD_04_04_01_019": "Psychology",
    "IPD_04_04_01_020": "Sociology",
    "IPD_04_04_01_021": "Geography",
    "IPD_04_04_01_022": "Medicine and dentistry",
    "IPD_04_04_01_023": "Therapy and counselling",
    "IPD_04_04_01_024": "Education and training",
    "IPD_04_04_01_025": "Japanese vocabulary and grammar",
    "IPD_04_04_01_026": "Foreign-language vocabulary and grammar",
    "IPD_04_04_01_027": "Arts",
    "IPD_04_04_01_028": "History and archaeology",
    "IPD_04_04_01_029": "Philosophy and religious studies",
    "IPD_04_04_01_030": "Public safety and crisis management",
    "IPD_04_04_01_031": "Law and political science",
    "IPD_04_04_01_032": "Telecommunications",
    "IPD_04_04_01_033": "Communication and media",
}


def attribution(*, title: str, version: str, downloaded_on: dt.date) -> str:
    """The credit job tag's terms of use ask for, in the form shown on its download page."""
    day = f"{downloaded_on.year}年{downloaded_on.month}月{downloaded_on.day}日"
    return (
        f"出典：独立行政法人労働政策研究・研修機構（JILPT）作成「職業情報データベース　{title}　ver.{version}」"
        f"職業情報提供サイト（job tag）より{day}にダウンロード（{DOWNLOAD_URL}）を加工して作成"
    )


def find_numeric_file(path: Path) -> Path:
    """The numeric download file itself, or the newest one in a folder (xlsx before csv)."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise TaxonomyFileError(f"{path}: no such file or folder")
    for pattern in ("IPD_DL_numeric_*.xlsx", "IPD_DL_numeric_*.csv"):
        if found := sorted(path.glob(pattern)):
            return found[-1]
    raise TaxonomyFileError(
        f"{path}: no IPD_DL_numeric_*.xlsx or .csv here (download 簡易版数値系ダウンロードデータ from {DOWNLOAD_URL})"
    )


def read_jobtag(path: Path, *, downloaded_on: dt.date | None = None) -> TaxonomyData:
    """Read the skill and knowledge items. ``downloaded_on`` defaults to the file's modification date."""
    path = find_numeric_file(path)
    if downloaded_on is None:
        downloaded_on = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).astimezone().date()
    title, version, updated, labels, codes = _header(path)
    concepts: list[ConceptRecord] = []
    for column, code in enumerate(codes):
        match = _ITEM.fullmatch(code)
        if not match:
            continue
        label = labels[column] if column < len(labels) else ""
        if not label:
            raise TaxonomyFileError(f"{path}: no item name above {code}")
        is_skill = match[1] == "3"
        concepts.append(
            ConceptRecord(
                code=code,
                kind="skill" if is_skill else "knowledge",
                label_ja=label,
                label_en=LABELS_EN.get(code, ""),
                sort_order=int(match[2]) + (0 if is_skill else 100),
            )
        )
    kinds = {c.kind for c in concepts}
    if kinds != {"skill", "knowledge"}:
        raise TaxonomyFileError(
            f"{path}: no skill (IPD_04_03_01_*) or knowledge (IPD_04_04_01_*) columns; "
            "is this the 簡易版数値系 (numeric) download file?"
        )
    if not version:
        raise TaxonomyFileError(f"{path}: no 'version x.yy' line in the header")
    notes = [f"IPD {title} ver.{version}" + (f" (最終更新日 {updated})" if updated else "")]
    if missing := [c.code for c in concepts if not c.label_en]:
        notes.append(f"no English label for {len(missing)} items new to Renkei: {', '.join(missing)}")
    scheme = SchemeRecord(
        key=SCHEME_KEY,
        name_ja="job tag スキル・知識",
        name_en="job tag skills and knowledge",
        publisher=PUBLISHER,
        version=version,
        attribution=attribution(title=title, version=version, downloaded_on=downloaded_on),
    )
    return TaxonomyData(scheme=scheme, concepts=tuple(concepts), notes=tuple(notes))


def _header(path: Path) -> tuple[str, str, str, list[str], list[str]]:
    """(title, version, last-updated text, item-name row, code row) from the rows above the data."""
    title = version = updated = ""
    date_column: int | None = None
    previous: list[str] = []
    for index, row in enumerate(_rows(path)):
        if index > _HEADER_ROWS_MAX:
            break
        if CODE_ROW_MARKER in row:
            return title or DEFAULT_TITLE, version, updated, previous, row
        for column, cell in enumerate(row):
            if not title and (m := _TITLE.fullmatch(cell)):
                title = m[1]
            elif not version and (m := _VERSION.fullmatch(cell)):
                version = m[1]
            elif "最終更新日" in cell:
                date_column = column
            elif date_column == column and not updated and (m := _DATE.search(cell)):
                updated = f"{m[1]}/{int(m[2]):02d}/{int(m[3]):02d}"
        previous = row
    raise TaxonomyFileError(f"{path}: no row of IPD codes (with {CODE_ROW_MARKER}); not an IPD download file")


def _rows(path: Path) -> Iterator[list[str]]:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        yield from _xlsx_rows(path)
    elif path.suffix.lower() in {".csv", ".txt"}:
        yield from _csv_rows(path)
    else:
        raise TaxonomyFileError(f"{path}: expected the .xlsx or .csv download file")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y/%m/%d}"
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise TaxonomyFileError(f"{path}: not a readable .xlsx file ({error})") from error
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # job tag publishes cp932; accept a re-saved UTF-8 copy too
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TaxonomyFileError(f"{path}: neither UTF-8 nor cp932 text")
    for row in csv.reader(io.StringIO(text, newline="")):
        yield [_cell(v) for v in row]

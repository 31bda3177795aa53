"""Formula cells of an .xlsx whose result cannot be imported: saved without a computed value, or an error.

openpyxl in data-only mode gives a formula cell's cached result, and nothing when there is none, which
would read as an empty cell: a required column would say "a value is required" and an optional one
would be emptied silently. Excel, LibreOffice and Google Sheets always save the result; programs that
write workbooks often do not (openpyxl writes `<v/>`, Apache POI no `<v>`). So, when the sheet has any
formula at all (a quick scan of its bytes, under a millisecond a megabyte), it is parsed once more, with
the standard library's expat through defusedxml (several times faster than openpyxl's cells), to find
the formula cells with no result (no `<v>`, or an empty one that is not a text result: `=IF(...,"",...)`
saves an empty text) or with an error result (`#DIV/0!`, `#N/A`...).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO

from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import coordinate_to_tuple

# a formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s/>]")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FormulaResult:
    """In place of a formula cell's value: not computed (`error` empty), or the error it gave."""

    error: str = ""

    def __str__(self) -> str:
        return self.error or "="


class TooManyFormulaProblems(Exception):
    """More formula cells without a usable result than the limit: the file is refused as a whole."""


def _has_formulas(source: IO[bytes]) -> bool:
    tail = b""
    while chunk := source.read(_CHUNK):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-16:]
    return False


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def formula_problems(archive: zipfile.ZipFile, part: str, limit: int) -> dict[int, dict[int, FormulaResult]]:
    """Row → column → `FormulaResult` for each formula cell of the sheet `part` whose result is
    missing or an error (rows and columns numbered from 1). Raises `TooManyFormulaProblems` past `limit`.
    """
    with archive.open(part) as source:
        if not _has_formulas(source):
            return {}
    found: dict[int, dict[int, FormulaResult]] = {}
    count = row = column = 0
    parent = None
    with archive.open(part) as source:
        for event, element in iterparse(source, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    row = int(element.get("r") or row + 1)
                    column = 0
                elif name == "sheetData":
                    parent = element
                continue
            if name == "row" and parent is not None:
                parent.clear()  # rows already read: keep the memory flat
            if name != "c":
                continue
            reference = element.get("r")
            column = coordinate_to_tuple(reference)[1] if reference else column + 1
            children = {_local(child.tag): child for child in element}
            if "f" not in children:
                continue
            kind, value = element.get("t", "n"), children.get("v")
            text = value.text if value is not None else None
            if kind == "e" and text:
                problem = FormulaResult(text)
            elif not text and kind not in ("str", "inlineStr"):  # an empty text result is a result
                problem = FormulaResult()
            else:
                continue
            count += 1
            if count > limit:
                raise TooManyFormulaProblems(count)
            found.setdefault(row, {})[column] = problem
    return found

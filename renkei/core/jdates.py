"""Japanese date helpers: fiscal years (April–March), imperial eras, formatting and parsing.

Pure standard library; safe to import without Django.

Era start dates follow the conventional Gregorian dates (明治 1868-10-23 … 令和 2019-05-01).
Dates before 1873 are treated as proleptic Gregorian; the lunisolar calendar is not modelled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ERAS",
    "Era",
    "JapaneseDateError",
    "era_for_date",
    "era_year_for_fiscal_year",
    "fiscal_year",
    "fiscal_year_bounds",
    "format_date_ja",
    "format_fiscal_year",
    "parse_date",
    "parse_fiscal_year",
]


class JapaneseDateError(ValueError):
    """A date or fiscal year could not be read or represented; carries Japanese and English messages."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(message_ja, message_en)
        self.message_ja = message_ja
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_ja} / {self.message_en}"


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese imperial era (元号)."""

    name_ja: str
    name_en: str
    letter: str
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "Meiji", "M", date(1868, 10, 23)),
    Era("大正", "Taisho", "T", date(1912, 7, 30)),
    Era("昭和", "Showa", "S", date(1926, 12, 25)),
    Era("平成", "Heisei", "H", date(1989, 1, 8)),
    Era("令和", "Reiwa", "R", date(2019, 5, 1)),
)

_BY_NAME: dict[str, Era] = {k: e for e in ERAS for k in (e.name_ja, e.letter)}
_ERA_NAMES = "|".join(e.name_ja for e in ERAS)
_ERA_LETTERS = "".join(e.letter for e in ERAS)
_YEAR = r"(?P<y>元|\d{1,2})"

_DATE_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"(?P<era>{_ERA_NAMES}){_YEAR}年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日",
        rf"(?P<era>[{_ERA_LETTERS}]){_YEAR}(?P<sep>[./-])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})",
        r"(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日",
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
    )
)
_FY_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"(?P<era>{_ERA_NAMES}){_YEAR}年度",
        rf"(?P<era>[{_ERA_LETTERS}]){_YEAR}(?:年度)?",
        r"(?:FY)?(?P<y>\d{4})(?:年度)?",
    )
)

_STYLES = ("ja", "ja_digits", "short", "en", "ja_western")


def fiscal_year(d: date) -> int:
    """Japanese fiscal year (April 1 – March 31) containing ``d``."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: (April 1 of fy, March 31 of fy + 1)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def _era_end(era: Era) -> date | None:
    """First day *after* ``era`` (the next era's start), or None for the current era."""
    i = ERAS.index(era)
    return ERAS[i + 1].start if i + 1 < len(ERAS) else None


def era_for_date(d: date) -> tuple[Era, int]:
    """Era in force on ``d`` and its 1-based era year (year 1 is 元年)."""
    for era in reversed(ERAS):
        if d >= era.start:
            return era, d.year - era.start.year + 1
    raise JapaneseDateError(
        f"元号の範囲外の日付です: {d.isoformat()}", f"Date is before the Meiji era: {d.isoformat()}"
    )


def era_year_for_fiscal_year(fy: int) -> tuple[Era, int]:
    """Era label of fiscal year ``fy`` (government convention).

    The fiscal year takes the era of the calendar year ``fy`` as it stood at year end, so an era
    beginning between April and December renames the whole fiscal year (FY2019 = 令和元年度), while
    one beginning in January–March names only the next fiscal year (FY1988 = 昭和63年度,
    FY1989 = 平成元年度).
    """
    for era in reversed(ERAS):
        if fy >= era.start.year:
            return era, fy - era.start.year + 1
    raise JapaneseDateError(f"元号の範囲外の年度です: {fy}", f"Fiscal year is before the Meiji era: {fy}")


def _era_year_ja(era: Era, year: int) -> str:
    return f"{era.name_ja}{'元' if year == 1 else year}年"


def format_fiscal_year(fy: int, *, style: str = "ja") -> str:
    """Format a fiscal year: ja 令和元年度, ja_digits 令和1年度, short R1, en FY2019, ja_western 2019年度."""
    if style not in _STYLES:
        raise ValueError(f"Unknown fiscal year style {style!r}; expected one of {', '.join(_STYLES)}")
    if style == "en":
        return f"FY{fy}"
    if style == "ja_western":
        return f"{fy}年度"
    era, year = era_year_for_fiscal_year(fy)
    if style == "short":
        return f"{era.letter}{year}"
    if style == "ja_digits":
        return f"{era.name_ja}{year}年度"
    return f"{_era_year_ja(era, year)}度"


def format_date_ja(d: date, *, era: bool = True) -> str:
    """Format ``d`` as 令和3年3月17日 (元年 for year 1), or 2021年3月17日 with ``era=False``."""
    if not era:
        return f"{d.year}年{d.month}月{d.day}日"
    e, year = era_for_date(d)
    return f"{_era_year_ja(e, year)}{d.month}月{d.day}日"


def _normalise(text: str) -> str:
    """NFKC-normalise (full-width digits, ㍻/㋿ ligatures) and remove all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _era_and_year(groups: dict[str, str]) -> tuple[Era | None, int]:
    era = _BY_NAME[groups["era"].upper()] if groups.get("era") else None
    return era, 1 if groups["y"] == "元" else int(groups["y"])


def parse_date(text: str) -> date:
    """Parse a Japanese or western date (era kanji or letter forms, y/m/d, 年月日, YYYYMMDD).

    Full-width characters and whitespace are tolerated. Raises JapaneseDateError for unreadable
    text, impossible dates, and era dates outside the era's span (e.g. 令和元年4月30日).
    """
    s = _normalise(text)
    for pattern in _DATE_PATTERNS:
        if match := pattern.fullmatch(s):
            break
    else:
        raise JapaneseDateError(f"日付として読み取れません: {text!r}", f"Not a recognisable date: {text!r}")
    era, year = _era_and_year(match.groupdict())
    if era is not None:
        year += era.start.year - 1
    try:
        result = date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        raise JapaneseDateError(
            f"存在しない日付です: {text!r}", f"Not a valid calendar date: {text!r}"
        ) from None
    if era is not None:
        end = _era_end(era)
        if result < era.start or (end is not None and result >= end):
            raise JapaneseDateError(
                f"{era.name_ja}の期間外の日付です: {text!r}",
                f"Date is outside the {era.name_en} era: {text!r}",
            )
    return result


def parse_fiscal_year(text: str) -> int:
    """Parse a fiscal year: 令和5年度, 令和元年度, R5, FY2023, 2023年度 or 2023 (full-width tolerated).

    An era label is accepted when that era was in force during some part of the fiscal year, so the
    widely used 平成31年度 is read as FY2019, but 平成32年度 or 昭和64年度 are rejected.
    """
    s = _normalise(text)
    for pattern in _FY_PATTERNS:
        if match := pattern.fullmatch(s):
            break
    else:
        raise JapaneseDateError(
            f"年度として読み取れません: {text!r}", f"Not a recognisable fiscal year: {text!r}"
        )
    era, year = _era_and_year(match.groupdict())
    if era is None:
        return year
    fy = era.start.year + year - 1
    first, last = fiscal_year_bounds(fy)
    end = _era_end(era)
    if year < 1 or era.start > last or (end is not None and end <= first):
        raise JapaneseDateError(
            f"{era.name_ja}の期間外の年度です: {text!r}",
            f"Fiscal year is outside the {era.name_en} era: {text!r}",
        )
    return fy

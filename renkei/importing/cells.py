"""Cell parsers: turn what people type in Japanese spreadsheets into values, or raise `CellError`.

Each parser receives a non-empty value: a `str` from CSV, or whatever openpyxl gives for an .xlsx cell
(`str`, `int`, `float`, `bool`, `datetime`). Empty cells never reach a parser (the engine handles them).

Structured values (numbers, codes, dates, choices, e-mail, URLs) are NFKC-normalised first, so
full-width digits and letters (１２３, ＤＸ) are read as their ASCII forms. Free text is kept exactly
as written (髙, ①, half-width ｶﾅ): search normalises at indexing time, the record keeps the original.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation

from renkei.core.jdates import JapaneseDateError, parse_date
from renkei.core.keys import KEY_RE
from renkei.importing.problems import CellError

Parser = Callable[[Any], Any]

LIST_SEPARATORS = re.compile(r"[;、\n]")
# what makes a spreadsheet read a cell as a formula: exports escape it with an apostrophe, imports undo that
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_KEY = KEY_RE
_PHONE = re.compile(r"\+?[0-9()\- ]{6,30}")

TRUE_WORDS = frozenset(
    {"1", "true", "t", "yes", "y", "on", "○", "〇", "◯", "✓", "✔", "はい", "有", "あり", "対象", "可"}
)
FALSE_WORDS = frozenset(
    {"0", "false", "f", "no", "n", "off", "×", "✕", "✖", "いいえ", "無", "なし", "対象外", "不可", "-"}
)
FREE_WORDS = frozenset({"無料", "free", "なし", "0円", "¥0"})


def nfkc(value: Any) -> str:
    """The NFKC form of a cell as text, stripped (integers stay integers: 12.0 from Excel is '12')."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _too_long(length: int, max_length: int) -> CellError:
    return CellError(
        f"長すぎます（{length:,}文字、上限{max_length:,}文字）。",
        f"Too long ({length:,} characters; the limit is {max_length:,}).",
        code="too_long",
    )


def text(*, max_length: int | None = None) -> Parser:
    """Free text, kept as written (line breaks normalised to \\n)."""

    def parse(value: Any) -> str:
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        result = str(value).replace("\r\n", "\n").replace("\r", "\n")
        if max_length is not None and len(result) > max_length:
            raise _too_long(len(result), max_length)
        return result

    return parse


def code(*, max_length: int | None = None, upper: bool = False) -> Parser:
    """A short code: NFKC-normalised (full-width letters and digits become ASCII)."""

    def parse(value: Any) -> str:
        result = nfkc(value)
        result = result.upper() if upper else result
        if max_length is not None and len(result) > max_length:
            raise _too_long(len(result), max_length)
        return result

    return parse


def key(*, max_length: int = 120) -> Parser:
    """A natural key: lower-case letters, digits, '.', '_' and '-'."""

    def parse(value: Any) -> str:
        result = nfkc(value).lower()
        if len(result) > max_length:
            raise _too_long(len(result), max_length)
        if not _KEY.fullmatch(result):
            raise CellError(
                f"キーに使えるのは半角英小文字・数字と「.」「_」「-」だけです: {result!r}",
                f"A key may contain only lower-case letters, digits, '.', '_' and '-': {result!r}",
                code="key",
            )
        return result

    return parse


def integer(*, min_value: int | None = None, max_value: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("整数ではありません。", "Not a whole number.", code="integer")
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"整数ではありません: {value}", f"Not a whole number: {value}", code="integer")
        s = nfkc(value).replace(",", "").replace(" ", "")
        if not _INT.fullmatch(s):
            raise CellError(
                f"整数として読めません: {value!r}", f"Not a whole number: {value!r}", code="integer"
            )
        return _in_range(int(s), min_value, max_value)

    return parse


def _in_range(number: Any, min_value: Any, max_value: Any) -> Any:
    if min_value is not None and number < min_value:
        if min_value == 0:
            raise CellError(f"負の値は使えません: {number}", f"Must not be negative: {number}", code="range")
        raise CellError(
            f"{min_value}以上にしてください: {number}",
            f"Must be at least {min_value}: {number}",
            code="range",
        )
    if max_value is not None and number > max_value:
        raise CellError(
            f"{max_value}以下にしてください: {number}", f"Must be at most {max_value}: {number}", code="range"
        )
    return number


_YEN_UNITS = (("億", 100_000_000), ("万", 10_000), ("千", 1_000), ("百", 100))
_YEN_NOISE = re.compile(r"[¥円,\s]|税込み?|税抜き?|\(税込み?\)|程度|/人|/名|JPY|yen", re.IGNORECASE)


def yen(*, max_value: int | None = 100_000_000) -> Parser:
    """An amount in yen: 12000, 12,000, ¥12,000, 12,000円, １万２千円, 1.5万円, 無料 (= 0)."""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("金額ではありません。", "Not an amount.", code="yen")
        if isinstance(value, int | float):
            if isinstance(value, float) and not value.is_integer():
                raise CellError(f"円未満の金額です: {value}", f"Amounts are whole yen: {value}", code="yen")
            return _in_range(int(value), 0, max_value)
        raw = nfkc(value)
        if raw.lower() in FREE_WORDS:
            return 0
        s = _YEN_NOISE.sub("", raw)
        if s.startswith("-") and _DEC.fullmatch(s):
            raise CellError(f"負の金額は使えません: {raw}", f"Must not be negative: {raw}", code="range")
        total, rest = Decimal(0), s
        try:
            for unit, factor in _YEN_UNITS:
                if unit in rest:
                    head, rest = rest.split(unit, 1)
                    if not _DEC.fullmatch(head):
                        raise InvalidOperation
                    total += Decimal(head) * factor
            if rest:
                if not _DEC.fullmatch(rest):
                    raise InvalidOperation
                total += Decimal(rest)
            if s == "":
                raise InvalidOperation
        except InvalidOperation:
            raise CellError(
                f"金額として読めません: {raw!r}（例: 12000、12,000円、¥12,000、1万2千円、無料）",
                f"Not an amount in yen: {raw!r} (e.g. 12000, 12,000円, ¥12,000, 1万2千円, 無料)",
                code="yen",
            ) from None
        if total != total.to_integral_value():
            raise CellError(f"円未満の金額です: {raw}", f"Amounts are whole yen: {raw}", code="yen")
        return _in_range(int(total), 0, max_value)

    return parse


def decimal(
    *,
    max_digits: int,
    decimal_places: int,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
) -> Parser:
    quantum = Decimal(1).scaleb(-decimal_places)

    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise CellError("数値ではありません。", "Not a number.", code="decimal")
        s = repr(value) if isinstance(value, float) else nfkc(value).replace(",", "")
        if not _DEC.fullmatch(s):
            raise CellError(f"数値として読めません: {value!r}", f"Not a number: {value!r}", code="decimal")
        number = Decimal(s).quantize(quantum, rounding=ROUND_HALF_UP)
        if len(number.as_tuple().digits) > max_digits and number != 0:
            raise CellError(f"桁数が多すぎます: {value}", f"Too many digits: {value}", code="decimal")
        return _in_range(number, min_value, max_value)

    return parse


def boolean() -> Parser:
    """○/×, はい/いいえ, 有/無, yes/no, true/false, 1/0."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        s = nfkc(value).lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        raise CellError(
            f"はい・いいえとして読めません: {value!r}（○/×、はい/いいえ、yes/no、true/false、1/0）",
            f"Not a yes/no value: {value!r} (○/×, はい/いいえ, yes/no, true/false, 1/0)",
            code="boolean",
        )

    return parse


def date() -> Parser:
    """令和3年3月17日, R3.3.17, 2021/3/17, 2021-03-17, 20210317, or an Excel date cell."""

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return parse_date(str(value))
        except JapaneseDateError as exc:
            raise CellError(exc.message_ja, exc.message_en, code="date") from None

    return parse


def choice(choices: Iterable[tuple[Any, Any]], *, aliases: dict[str, Any] | None = None) -> Parser:
    """One of the model's choices, written as its value or its Japanese or English label."""
    choices = list(choices)
    lookup: dict[str, Any] = {}

    def build() -> None:
        for value, label in choices:
            for form in (value, label):
                lookup.setdefault(_fold(form), value)
            for lang in ("ja", "en"):
                with translation.override(lang):
                    lookup.setdefault(_fold(str(label)), value)
        for alias, value in (aliases or {}).items():
            lookup.setdefault(_fold(alias), value)

    def parse(value: Any) -> Any:
        if not lookup:
            build()
        found = lookup.get(_fold(value))
        if found is None:
            allowed = ", ".join(str(v) for v, _label in choices)
            raise CellError(
                f"使えない値です: {nfkc(value)!r}。使える値: {allowed}",
                f"Not an allowed value: {nfkc(value)!r}. Allowed: {allowed}",
                code="choice",
            )
        return found

    return parse


def _fold(value: Any) -> str:
    return re.sub(r"[\s_\-・]", "", nfkc(value).casefold())


def string_list(item: Parser | None = None, *, max_items: int = 100) -> Parser:
    """Several values in one cell, separated by ';', '；', '、' or line breaks."""

    def parse(value: Any) -> list[Any]:
        parts = [p.strip() for p in LIST_SEPARATORS.split(unicodedata.normalize("NFKC", str(value)))]
        result: list[Any] = []
        for part in parts:
            if not part:
                continue
            parsed = item(part) if item is not None else part
            if parsed not in result:
                result.append(parsed)
        if len(result) > max_items:
            raise CellError(
                f"項目が多すぎます（{len(result)}個、上限{max_items}個）。",
                f"Too many items ({len(result)}; the limit is {max_items}).",
                code="too_many",
            )
        return result

    return parse


def email(*, max_length: int = 254) -> Parser:
    def parse(value: Any) -> str:
        s = nfkc(value)
        try:
            validate_email(s)
        except ValidationError:
            raise CellError(
                f"メールアドレスとして正しくありません: {s!r}",
                f"Not a valid e-mail address: {s!r}",
                code="email",
            ) from None
        if len(s) > max_length:
            raise _too_long(len(s), max_length)
        return s

    return parse


def url(*, max_length: int = 200) -> Parser:
    validator = URLValidator(schemes=["http", "https"])

    def parse(value: Any) -> str:
        s = nfkc(value)
        try:
            validator(s)
        except ValidationError:
            raise CellError(
                f"URL として正しくありません（http:// または https:// で始めてください）: {s!r}",
                f"Not a valid URL (it must start with http:// or https://): {s!r}",
                code="url",
            ) from None
        if len(s) > max_length:
            raise _too_long(len(s), max_length)
        return s

    return parse


def phone(*, max_length: int = 30) -> Parser:
    def parse(value: Any) -> str:
        s = nfkc(value).replace("‐", "-").replace("−", "-").replace("ー", "-")
        if not _PHONE.fullmatch(s) or len(s) > max_length:
            raise CellError(
                f"電話番号として読めません: {s!r}", f"Not a telephone number: {s!r}", code="phone"
            )
        return s

    return parse

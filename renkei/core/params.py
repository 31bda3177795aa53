"""The one typed layer for query parameters, shared by the API (django-ninja) and the HTML pages.

Every route declares its parameters once, as a `Params` model built from the types below; the API
passes it to ninja (`Query[Model]`, which also documents it in OpenAPI), the pages call
`Model.from_request(request)`. Either way the same rules run:

- the raw query string: at most `MAX_QUERY_BYTES`, valid percent-escapes, valid UTF-8, no NUL;
- names: unknown names are refused (the pages ignore them: links get tracking parameters), a
  single-valued name may not repeat;
- values: `text` has a length and a word limit (each word costs a search term), `integer` takes
  ASCII digits only (``isdigit()`` accepts '²', which ``int()`` refuses) within bounds that a
  64-bit column holds, `choice` names its allowed values, `many` bounds the number of values.
  Each gives the pydantic rules of a type declared as ``Annotated[str, *text(...)]``: mypy checks
  the base type, pydantic applies the rules.

Bad input becomes `ParamErrors`: problems that name the parameter and carry their message in
Japanese and English (`renkei.core.messages.Msg`); the API answers 422 problem details, a page
shows the message. Nothing reaches the database unchecked, so nothing ends in a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import CoreSchema, PydanticCustomError

from renkei.core.messages import Msg

MAX_QUERY_BYTES = 16_384  # the whole raw query string
INT64_MAX = 2**63 - 1  # what SQLite's INTEGER and PostgreSQL's bigint hold
MAX_VALUES = 20  # values of one repeatable parameter
ERROR = "renkei_param"  # the pydantic error type of our own checks; the messages are in its context

_DIGITS = re.compile(r"-?[0-9]{1,19}")  # ASCII only: Python's \d and isdigit() accept other digits
_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


# --- problems ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParamProblem:
    """One bad parameter: its name ("" for the query as a whole), a kind and the message."""

    parameter: str
    kind: str  # unknown-parameter | repeated-parameter | invalid-value | malformed-query
    message: Msg

    def text(self, lang: str | None = None) -> str:
        return f"{self.parameter}: {self.message.text(lang)}" if self.parameter else self.message.text(lang)


class ParamErrors(Exception):
    """The request's parameters cannot be used; `problems` says why, each in both languages."""

    def __init__(self, problems: Sequence[ParamProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message.en for p in self.problems))

    @property
    def kind(self) -> str:
        kinds = {p.kind for p in self.problems}
        return kinds.pop() if len(kinds) == 1 else "invalid-parameters"


M = {
    "too_big": Msg(
        "クエリ文字列が長すぎます（{limit}バイトまで）。",
        "The query string is too long (at most {limit} bytes).",
    ),
    "escape": Msg(
        "クエリ文字列に不正なパーセントエンコードがあります。",
        "The query string has an invalid percent-escape.",
    ),
    "utf8": Msg("クエリ文字列がUTF-8ではありません。", "The query string is not valid UTF-8."),
    "nul": Msg("NUL文字は使えません。", "NUL characters are not allowed."),
    "unknown": Msg("このパラメーターはありません。", "There is no such parameter."),
    "repeated": Msg("このパラメーターは一度だけ指定できます。", "This parameter may be given only once."),
    "integer": Msg("半角数字の整数で指定してください。", "Give a whole number in ASCII digits."),
    "ge": Msg("{limit}以上の値を指定してください。", "Give a value of at least {limit}."),
    "le": Msg("{limit}以下の値を指定してください。", "Give a value of at most {limit}."),
    "chars": Msg("{limit}文字以内にしてください。", "Use at most {limit} characters."),
    "words": Msg("語の数は{limit}までです。", "Use at most {limit} words."),
    "values": Msg("値は{limit}個までです。", "Give at most {limit} values."),
    "choice": Msg("使える値は {allowed} です。", "Allowed values: {allowed}."),
    "pattern": Msg("形式が正しくありません。", "This value is not in the expected form."),
    "required": Msg("必須です。", "This parameter is required."),
    "boolean": Msg("true または false で指定してください。", "Give true or false."),
    "invalid": Msg("値が正しくありません。", "This value is not valid."),
}


def value_error(message: Msg) -> PydanticCustomError:
    """The error a value validator raises: pydantic carries both texts to `problems_from_errors`."""
    return PydanticCustomError(ERROR, message.en, {"ja": message.ja, "en": message.en})


def problem_from_error(error: Mapping[str, Any], parameter: str) -> list[ParamProblem]:
    """Our message for one pydantic error (pydantic's own constraint errors included)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == ERROR and "problems" in ctx:
        return list(ctx["problems"])
    if kind == ERROR:
        message = Msg(ctx["ja"], ctx["en"])
    elif kind in ("string_too_long",):
        message = M["chars"].format(limit=ctx.get("max_length"))
    elif kind in ("too_long",):
        message = M["values"].format(limit=ctx.get("max_length"))
    elif kind in ("greater_than_equal", "greater_than"):
        message = M["ge"].format(limit=ctx.get("ge", ctx.get("gt")))
    elif kind in ("less_than_equal", "less_than"):
        message = M["le"].format(limit=ctx.get("le", ctx.get("lt")))
    elif kind in ("literal_error", "enum"):
        message = M["choice"].format(allowed=ctx.get("expected", ""))
    elif kind == "missing":
        message = M["required"]
    elif kind.startswith("bool"):
        message = M["boolean"]
    elif kind.startswith("int"):
        message = M["integer"]
    elif kind == "string_pattern_mismatch":
        message = M["pattern"]
    elif kind == "extra_forbidden":
        return [ParamProblem(parameter, "unknown-parameter", M["unknown"])]
    else:
        message = M["invalid"]
    return [ParamProblem(parameter, "invalid-value", message)]


def problems_from_errors(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> list[ParamProblem]:
    """Problems from pydantic error dicts; `skip` leading parts of `loc` are not parameter names
    (ninja puts "query" first). A parameter that may be left out is a union with None: pydantic then
    also reports that the value is not None, which says nothing."""
    problems: list[ParamProblem] = []
    for error in errors:
        if error.get("type") == "none_required":
            continue
        loc = [str(part) for part in error.get("loc", ())[skip:] if not isinstance(part, int)]
        for problem in problem_from_error(error, loc[0] if loc else ""):
            if problem not in problems:
                problems.append(problem)
    return problems


# --- the raw query string ------------------------------------------------------------------------------


def query_string_problems(raw: bytes) -> list[ParamProblem]:
    """Problems of the raw query string as a whole: size, escapes, encoding, NUL."""
    if len(raw) > MAX_QUERY_BYTES:
        return [ParamProblem("", "malformed-query", M["too_big"].format(limit=MAX_QUERY_BYTES))]
    if _ESCAPE.search(raw):
        return [ParamProblem("", "malformed-query", M["escape"])]
    problems = []
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            decoded_name = unquote_to_bytes(name.replace(b"+", b" ")).decode()
            decoded_value = unquote_to_bytes(value.replace(b"+", b" ")).decode()
        except UnicodeDecodeError:
            return [ParamProblem("", "malformed-query", M["utf8"])]
        if "\x00" in decoded_name or "\x00" in decoded_value:
            problem = ParamProblem(decoded_name.replace("\x00", "\\0"), "invalid-value", M["nul"])
            if problem not in problems:
                problems.append(problem)
    return problems


def raw_query(request: HttpRequest) -> bytes:
    # WSGI hands the query string over as latin-1 text of the raw bytes (PEP 3333)
    return request.META.get("QUERY_STRING", "").encode("iso-8859-1", errors="replace")


# --- value types -----------------------------------------------------------------------------------------


def _ascii_integer(value: Any) -> Any:
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise value_error(M["integer"])
        return int(value)
    return value


Rules = tuple[object, ...]
"""Pydantic metadata for `Annotated`: a parameter type is declared as ``Annotated[base, *rules]``, so
that mypy sees the base type (str, int, bool, list[...]) and pydantic gets the checks and the docs."""


def integer(*, ge: int, le: int = INT64_MAX, description: str = "") -> Rules:
    """For ``Annotated[int, *integer(...)]``: a whole number in ASCII digits, ge <= n <= le (both
    within 64 bits)."""
    # Field first: constraints after a validator would not reach the JSON schema
    return (Field(ge=ge, le=le, description=description), BeforeValidator(_ascii_integer))


RecordId = Annotated[int, *integer(ge=1, description="A record's id.")]


# What Python's str.split() splits on (str.isspace()), spelt out: `\s` differs between regex engines
# (Python counts the separators \x1c-\x1f as space, Rust's and ECMAScript's do not), and a client
# checks the documented pattern with its own engine.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _word_pattern(max_words: int) -> str:
    # words are runs of non-space characters, as str.split() finds them
    space, word = f"[{_SPACE}]", f"[^{_SPACE}\\x00]"
    return rf"^{space}*(?:{word}+{space}+){{0,{max_words - 1}}}{word}*{space}*$"


def text(*, max_chars: int, max_words: int | None = None, description: str = "") -> Rules:
    """For ``Annotated[str, *text(...)]``: free text, at most `max_chars` characters and `max_words`
    words, no NUL."""
    words = re.compile(_word_pattern(max_words)) if max_words else None

    def check(value: str) -> str:
        if "\x00" in value:
            raise value_error(M["nul"])
        if words is not None and max_words is not None and not words.fullmatch(value):
            raise value_error(M["words"].format(limit=max_words))
        return value

    extra: dict[str, Any] = {"pattern": words.pattern} if words is not None else {"pattern": r"^[^\x00]*$"}
    if max_words:
        description = f"{description} At most {max_chars} characters and {max_words} words.".strip()
    return (
        AfterValidator(check),
        Field(max_length=max_chars, description=description, json_schema_extra=extra),
    )


def pattern(
    regex: str, *, max_chars: int, description: str = "", examples: Sequence[str] = (), format: str = ""
) -> Rules:
    """For ``Annotated[str, *pattern(...)]``: a short code or key of a known form (checked in Python
    with `re`, documented as `pattern`; `format` names values that no pattern describes, such as
    cursors)."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if "\x00" in value:
            raise value_error(M["nul"])
        if not compiled.fullmatch(value):
            raise value_error(M["pattern"])
        return value

    return (
        Field(
            max_length=max_chars,
            description=description,
            examples=list(examples) or None,
            json_schema_extra={"pattern": f"^(?:{regex})$", **({"format": format} if format else {})},
        ),
        AfterValidator(check),
    )


@dataclass(frozen=True, slots=True)
class _OneOf:
    """Pydantic validates and documents the value as ``Literal[*values]`` (an enum); the static type
    stays the base type of the `Annotated`, str (mypy cannot see values known only at run time)."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: object, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(Literal[self.values])


def choice(values: Iterable[str], *, description: str = "") -> Rules:
    """For ``Annotated[str, *choice(...)]``: one of a fixed list of values (documented as an enum)."""
    allowed = tuple(str(v) for v in values)

    def check(value: Any) -> Any:
        if value not in allowed:
            raise value_error(M["choice"].format(allowed=", ".join(allowed)))
        return value

    return (_OneOf(allowed), Field(description=description), BeforeValidator(check))


def many(*, max_items: int = MAX_VALUES, description: str = "") -> Rules:
    """For ``Annotated[list[Item], *many(...)]``: a repeatable parameter (``?mode=a&mode=b``), at most
    `max_items` values."""
    return (Field(max_length=max_items, description=description),)


def flag(*, description: str = "") -> Rules:
    """For ``Annotated[bool, *flag(...)]``: true or false (also 1/0)."""
    return (Field(description=description),)


Optional = SkipJsonSchema[None]  # `int | Optional = None`: may be left out, but `null` is no value


# --- the parameter models ----------------------------------------------------------------------------------


class Params(BaseModel):
    """The query parameters of one route. The API hands the model to ninja; pages call `from_request`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # names that are not fields but are allowed (e.g. the language switch); none by default
    also_allowed: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def names(cls) -> set[str]:
        return {field.alias or name for name, field in cls.model_fields.items()} | set(cls.also_allowed)

    @classmethod
    def repeatable(cls) -> set[str]:
        return {
            field.alias or name
            for name, field in cls.model_fields.items()
            if getattr(field.annotation, "__origin__", None) is list
        }

    @classmethod
    def from_request(cls, request: HttpRequest, *, strict: bool = False) -> Self:
        """The parameters of a page request, or ParamErrors. Unknown names are ignored unless `strict`
        (shared links carry tracking parameters) and empty values count as not given (an HTML form
        sends its empty fields)."""
        problems = query_problems(request, names=cls.names(), repeatable=cls.repeatable(), strict=strict)
        if problems:
            raise ParamErrors(problems)
        query = request.GET
        repeatable = cls.repeatable()
        data: dict[str, Any] = {}
        for name in cls.names() & set(query.keys()):
            values = [v for v in query.getlist(name) if v != ""]  # a form's empty field: not given
            if values:
                data[name] = values if name in repeatable else values[-1]
        try:
            return cls.model_validate(data, context={"request": request})
        except ValidationError as exc:
            raise ParamErrors(problems_from_errors(exc.errors(include_url=False))) from exc


def query_problems(
    request: HttpRequest, *, names: set[str], repeatable: set[str], strict: bool
) -> list[ParamProblem]:
    """Problems of the query string and of the names in it (unknown, or repeated when single-valued)."""
    problems = query_string_problems(raw_query(request))
    if problems:
        return problems
    for name in request.GET:
        if name not in names:
            if strict:
                problems.append(ParamProblem(name, "unknown-parameter", M["unknown"]))
        elif name not in repeatable and len(request.GET.getlist(name)) > 1:
            problems.append(ParamProblem(name, "repeated-parameter", M["repeated"]))
    return problems

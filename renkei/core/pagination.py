"""Cursor pagination for every list: keyset pages (stable under inserts) with signed cursors.

A list is ordered by a `Keyset`: columns that end in a unique one (the primary key). A page is the
first `limit` rows after the last row of the previous page, found by comparing those columns (not by
counting rows), so rows inserted or deleted meanwhile never shift a page: nothing is shown twice or
skipped. The cursor carries the last row's values, signed so that a client cannot hand us values of
the wrong type; a cursor that does not verify is a bad parameter (422), never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from django.core import signing
from django.db.models import F, Model, OrderBy, Q, QuerySet
from pydantic import AfterValidator, Field

from renkei.core.messages import Msg
from renkei.core.params import (
    Optional,
    ParamErrors,
    ParamProblem,
    Params,
    Rules,
    integer,
    value_error,
)

T = TypeVar("T", bound=Model)
Item = TypeVar("Item")  # a page may also hold what was made of the rows

CURSOR_MAX_CHARS = 600
CURSOR_PATTERN = r"[A-Za-z0-9_\-:.]+"
BAD_CURSOR = Msg(
    "このカーソルは使えません。最初のページから読み直してください。",
    "This cursor cannot be used: start again from the first page.",
)


@dataclass(frozen=True, slots=True)
class Key:
    """One ordering column: a lookup path, its direction, and whether it may be NULL (NULLs last)."""

    path: str
    descending: bool = False
    nullable: bool = False

    def order_by(self) -> OrderBy:
        expression = F(self.path)
        if self.descending:
            return expression.desc(nulls_last=True) if self.nullable else expression.desc()
        return expression.asc(nulls_last=True) if self.nullable else expression.asc()

    def value_of(self, obj: Any) -> Any:
        for part in self.path.split("__"):
            obj = None if obj is None else getattr(obj, part)
        return obj

    def after(self, value: Any) -> Q | None:
        """Rows strictly after `value` in this column alone (None: no row is, NULLs being last)."""
        if value is None:
            return None
        beyond = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        return beyond | Q(**{f"{self.path}__isnull": True}) if self.nullable else beyond

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})


class Keyset:
    """A total order of a list: `Key`s ending in a unique column."""

    def __init__(self, name: str, *keys: Key) -> None:
        self.name = name  # part of the signature: a cursor of one list is refused by another
        self.keys = keys

    def order(self, qs: QuerySet[T]) -> QuerySet[T]:
        return qs.order_by(*(key.order_by() for key in self.keys))

    def after(self, values: Sequence[Any]) -> Q:
        """Rows after the row whose key values are `values` (lexicographic order)."""
        condition = Q(pk__in=[])
        same = Q()
        for key, value in zip(self.keys, values, strict=True):
            if (beyond := key.after(value)) is not None:
                condition |= same & beyond
            same &= key.equal(value)
        return condition

    # cursors ---------------------------------------------------------------------------------------

    def cursor(self, obj: Any) -> str:
        return encode_cursor(self.name, [_plain(key.value_of(obj)) for key in self.keys])

    def values(self, cursor: str) -> list[Any]:
        values = decode_cursor(self.name, cursor)
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise ParamErrors([ParamProblem("cursor", "invalid-value", BAD_CURSOR)])
        return values


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def encode_cursor(name: str, payload: Any) -> str:
    return signing.dumps(payload, salt=f"renkei.cursor.{name}", compress=True)


def decode_cursor(name: str, cursor: str) -> Any:
    try:
        return signing.loads(cursor, salt=f"renkei.cursor.{name}")
    except signing.BadSignature as exc:
        raise ParamErrors([ParamProblem("cursor", "invalid-value", BAD_CURSOR)]) from exc


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    count: int
    next_cursor: str | None


def keyset_page(qs: QuerySet[T], keyset: Keyset, *, cursor: str | None, limit: int) -> Page[T]:
    """The `limit` rows after `cursor` (from the start when None), the total count, and the next
    cursor when more rows follow."""
    count = qs.count()
    ordered = keyset.order(qs)
    if cursor:
        ordered = ordered.filter(keyset.after(keyset.values(cursor)))
    rows = list(ordered[: limit + 1])
    items = rows[:limit]
    next_cursor = keyset.cursor(items[-1]) if len(rows) > limit else None
    return Page(items=items, count=count, next_cursor=next_cursor)


# --- parameters --------------------------------------------------------------------------------------


_CURSOR = re.compile(CURSOR_PATTERN)


def _check_cursor(value: str) -> str:
    if len(value) > CURSOR_MAX_CHARS or not _CURSOR.fullmatch(value):
        raise value_error(BAD_CURSOR)
    return value


def cursor(name: str) -> Rules:
    """For ``Annotated[str, *cursor(name)]``: the `cursor` parameter of the list `name`. Documented by
    its format alone, "cursor-<name>": a client cannot make one up, it takes it from the previous
    page's `next` link (the form is checked here all the same, and the signature when the page is
    read)."""
    return (
        Field(
            description="Where the page starts: the cursor in the previous page's `next` link; leave out for the first page.",
            json_schema_extra={"format": f"cursor-{name}"},
        ),
        AfterValidator(_check_cursor),
    )


Limit = Annotated[int, *integer(ge=1, le=1000, description="Items per page (1-1000).")]
PageNumber = Annotated[int, *integer(ge=1, le=1_000_000, description="Page number.")]


class CursorParams(Params):
    """`cursor` and `limit`: how every list of the API is paged (each list declares its `cursor`,
    `Annotated[str, *cursor(keyset.name)]`, so that a cursor of one list is not taken for another's)."""

    cursor: str | Optional = None
    limit: Limit = 100


class PageParams(Params):
    """`page`: how the HTML lists are paged (page numbers people click)."""

    page: PageNumber = 1

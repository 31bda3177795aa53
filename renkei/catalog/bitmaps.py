"""Facet posting bitmaps: facet counts for any matching set in microseconds, whatever the catalog size.

For every facet value (mode=online, provider=42, field=7, ...) we keep the set of program ids that
have it as a compressed bitmap (pyroaring's `FrozenBitMap`, the Roaring format, in C). A search turns
its text match into one such bitmap, and each facet count is then
`matching.intersection_cardinality(value)`: well under a microsecond per value, instead of a GROUP BY
over every matching row per facet. Program ids must fit in 32 bits.

The bitmaps are derived from `ProgramIndex` and the field/skill through tables, cached per process
and patched or rebuilt when the index token (`SearchState`) changes. High-cardinality
facets keep the `TOP_VALUES` most common values; a selected value outside them is loaded on demand.
See docs/decisions/0002-search-index.md.
"""

from __future__ import annotations

import heapq
import json
import sys
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.functions import Length
from pyroaring import FrozenBitMap

from renkei.catalog.facets import FACETS, SUBSIDY, FacetSpec
from renkei.catalog.models import ProgramIndex, SearchChange, SearchState, Status

TOP_VALUES = 500  # per facet; a facet list shows the most frequent values anyway
PATCH_CHANGES = 50  # at most this many partial re-indexes are patched in; more, and the bitmaps are rebuilt
PATCH_PROGRAMS = 2000  # ... touching at most this many programs
_lock = threading.Lock()
_cache: dict[tuple[str, str], FacetBitmaps] = {}


Bits = FrozenBitMap  # immutable: `a &= b` makes a new set, so cached sets are never changed in place
EMPTY = FrozenBitMap()


def bits_from_ids(ids: Iterable[int]) -> Bits:
    """The set of the given ids."""
    return FrozenBitMap(ids)


def bits_from_joined(joined: str | None) -> Bits:
    """The set of a comma-separated id list (what group_concat / string_agg return).

    One aggregated string instead of a row per id, parsed by the C JSON decoder: for 28k ids about
    2 ms of SQLite and 1.5 ms of Python, against 15 ms for fetching a row per id.
    """
    if not joined:
        return EMPTY
    return FrozenBitMap(json.loads(f"[{joined}]"))


def bits_from_int32(data: bytes | memoryview | None) -> Bits:
    """The set of ids packed as big-endian unsigned 32-bit integers (PostgreSQL's `int4send`)."""
    if not data:
        return EMPTY
    ids = array("I")
    ids.frombytes(bytes(data))
    if sys.byteorder == "little":
        ids.byteswap()
    return FrozenBitMap(ids)


def joined(bits: Bits) -> str:
    """The ids of a set as one comma-separated list (for one statement parameter: a JSON or SQL array)."""
    return ",".join(map(str, bits))


def ids_from_bits(bits: Bits) -> list[int]:
    """The ids of a set, ascending."""
    return list(bits)


def walk(order: Iterable[int], bits: Bits, *, offset: int, limit: int) -> list[int]:
    """Ids of `bits` in the order of `order`: the `limit` after the first `offset`."""
    has = bits.__contains__
    out: list[int] = []
    seen = 0
    for i in order:
        if has(i):
            if seen >= offset:
                out.append(i)
                if len(out) >= limit:
                    break
            seen += 1
    return out


def bits_from_sql(sql: str, params: list[Any]) -> Bits:
    """The set of the ids a one-column SQL query returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bits_from_ids(row[0] for row in cursor.fetchall())


# Orders of the whole index: a page is read by walking one of them and keeping the ids in the
# matching bitset. "focus" ranks the programs whose title matches a query: shorter titles are about
# the words more than long ones (what bm25's length normalisation does), then newest first.
ORDERS: dict[str, tuple[Any, ...]] = {
    "focus": (Length("sort_title_ja").asc(), F("created").desc(), F("program_id").desc()),
    "newest": (F("created").desc(), F("program_id").desc()),
    "start": (F("next_start").asc(nulls_last=True), F("program_id").asc()),
    "fee": (F("fee_yen").asc(nulls_last=True), F("program_id").asc()),
    "title_ja": (F("sort_title_ja").asc(), F("program_id").asc()),
    "title_en": (F("sort_title_en").asc(), F("program_id").asc()),
}


@dataclass
class FacetBitmaps:
    token: str
    epoch: str
    seq: int
    universe: Bits  # every indexed program
    published: Bits
    located: Bits  # programs with coordinates
    values: dict[str, dict[str, Bits]]  # facet key -> raw value -> programs
    extra: dict[tuple[str, str], Bits] = field(default_factory=dict)  # values loaded on demand
    orders: dict[str, array] = field(default_factory=dict)  # sort -> program ids in that order
    positions: dict[str, array] = field(default_factory=dict)  # sort -> place of each id in that order
    memo: dict[str, object] = field(default_factory=dict)  # derived per token (relevance's tag index)

    def order(self, sort: str) -> array:
        """Every indexed program id in the order of `sort`, loaded once per index token."""
        ids = self.orders.get(sort)
        if ids is None:
            rows = ProgramIndex.objects.order_by(*ORDERS[sort]).values_list("program_id", flat=True)
            ids = self.orders[sort] = array("q", rows)
        return ids

    def position(self, sort: str) -> array:
        """For each program id, its place in the order of `sort` (ids not indexed: past the end)."""
        places = self.positions.get(sort)
        if places is None:
            order = self.order(sort)
            places = array("q", [len(order)]) * (max(order, default=0) + 1)
            for place, pk in enumerate(order):
                places[pk] = place
            self.positions[sort] = places
        return places

    def take(self, sort: str, bits: Bits, *, offset: int, limit: int) -> list[int]:
        """The ids of `bits` in the order of `sort`: the `limit` that follow the first `offset`.

        A dense set is read by walking the order until the page is full (about (offset + limit) *
        size / matches steps); a sparse one by listing its ids and picking the first ones by place.
        """
        matches = len(bits)
        if offset >= matches or limit <= 0:
            return []
        order, wanted = self.order(sort), offset + limit
        if wanted * len(order) < 2 * matches * matches:
            return walk(order, bits, offset=offset, limit=limit)
        places = self.position(sort)
        beyond = len(places)
        first = heapq.nsmallest(wanted, bits, key=lambda i: places[i] if i < beyond else beyond)
        return first[offset:]

    def take_after(self, sort: str, bits: Bits, *, after: int, limit: int) -> list[int]:
        """The first `limit` ids of `bits` whose place in the order of `sort` comes after place `after`
        (-1: from the start); as `take`, by walking the order or by picking the sparse set's ids."""
        if after < 0:
            return self.take(sort, bits, offset=0, limit=limit)
        if not bits or limit <= 0:
            return []
        order, places = self.order(sort), self.position(sort)
        if limit * len(order) < 2 * len(bits) * len(bits):
            return walk(islice(order, after + 1, None), bits, offset=0, limit=limit)
        beyond = len(places)
        later = [i for i in bits if i < beyond and places[i] > after]
        return heapq.nsmallest(limit, later, key=places.__getitem__)

    def value_bits(self, facet: FacetSpec, raw: str, loader: Any) -> Bits:
        bits = self.values.get(facet.key, {}).get(raw)
        if bits is None:
            bits = self.extra.get((facet.key, raw))
            if bits is None:
                bits = self.extra[(facet.key, raw)] = loader() & self.universe
        return bits


def _state() -> tuple[str, str, int]:
    """(token, epoch, seq) of the index: one primary-key query."""
    row = SearchState.objects.filter(pk=SearchState.PROGRAMS).values_list("token", "epoch", "seq").first()
    return row or ("", "", 0)


def facet_bitmaps() -> FacetBitmaps:
    """The bitmaps for the current index: one small query when cached; after partial re-indexes the
    cached ones are patched with the programs they touched; otherwise rebuilt."""
    token, epoch, seq = _state()
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    cached = _cache.get(key)
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.token != token:
            patched = _patched(cached, token, epoch, seq) if cached is not None else None
            cached = _cache[key] = patched or _build(token, epoch, seq)
    return cached


def _patched(old: FacetBitmaps, token: str, epoch: str, seq: int) -> FacetBitmaps | None:
    """`old` brought up to date with the partial re-indexes since it was made, or None when that is not
    possible: a full re-index came between, `old` saw a state that was rolled back (its token is not in
    the log), the log no longer has every change, or they touched too many programs."""
    if not epoch or old.epoch != epoch or not 0 < seq - old.seq <= PATCH_CHANGES:
        return None
    changes = list(
        SearchChange.objects.filter(key=SearchState.PROGRAMS, seq__gte=old.seq, seq__lte=seq)
        .order_by("seq")
        .values_list("seq", "token", "program_ids")
    )
    known = {s: t for s, t, _ in changes}
    if old.token != (known.get(old.seq) if old.seq else epoch):
        return None
    later = [joined for s, _, joined in changes if s > old.seq]
    if len(later) != seq - old.seq:
        return None
    ids = sorted({int(i) for joined in later for i in joined.split(",") if i})
    if len(ids) > PATCH_PROGRAMS:
        return None
    return _patch(old, ids, token=token, seq=seq)


def _patch(old: FacetBitmaps, ids: list[int], *, token: str, seq: int) -> FacetBitmaps:
    """A new FacetBitmaps (the old one may be in use by other threads): the bits of `ids` cleared
    everywhere, then set again from their current index rows."""
    gone = bits_from_ids(ids)
    table = ProgramIndex._meta.db_table
    columns = ["program_id", "status", "has_location"] + [f.column for f in FACETS if f.through is None]
    rows = _rows(f"SELECT {', '.join(columns)} FROM {table} WHERE program_id IN ({_marks(ids)})", ids)
    present = {row[0] for row in rows}
    universe = (old.universe - gone) | bits_from_ids(present)
    published = (old.published - gone) | bits_from_ids(r[0] for r in rows if r[1] == Status.PUBLISHED)
    located = (old.located - gone) | bits_from_ids(r[0] for r in rows if r[2])
    added: dict[str, dict[str, list[int]]] = {facet.key: {} for facet in FACETS}
    plain = [f for f in FACETS if f.through is None]
    for row in rows:
        for facet, value in zip(plain, row[3:], strict=True):
            if (raw := _raw(facet, value)) != "":
                added[facet.key].setdefault(raw, []).append(row[0])
    for facet in FACETS:
        if facet.through is not None:
            sql = (
                f"SELECT program_id, {facet.column} FROM {facet.through} WHERE program_id IN ({_marks(ids)})"
            )
            for pk, value in _rows(sql, ids):
                if pk in present:
                    added[facet.key].setdefault(_raw(facet, value), []).append(pk)
    values: dict[str, dict[str, Bits]] = {}
    for facet in FACETS:
        current = {raw: bits - gone for raw, bits in old.values.get(facet.key, {}).items()}
        for raw, pks in added[facet.key].items():
            current[raw] = current.get(raw, EMPTY) | bits_from_ids(pks)
        values[facet.key] = {raw: bits for raw, bits in current.items() if bits}
    return FacetBitmaps(
        token=token, epoch=old.epoch, seq=seq, universe=universe, published=published, located=located,
        values=values,
    )  # fmt: skip


def _marks(ids: list[int]) -> str:
    return ",".join(["%s"] * len(ids))


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aggregate(column: str, table: str, *, limit: int | None = None) -> list[tuple[Any, str]]:
    """(value, "id,id,...") for each value of `column`: the database groups, Python only parses."""
    ids = "group_concat(program_id)" if connection.vendor == "sqlite" else "string_agg(program_id::text, ',')"
    sql = f"SELECT {column}, {ids} FROM {table} GROUP BY {column}"
    if limit is not None:
        sql += f" ORDER BY COUNT(*) DESC, {column} LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _raw(facet: FacetSpec, value: Any) -> str:
    if facet is SUBSIDY:
        return "1" if value else "0"
    return "" if value is None else str(value)


def _build(token: str, epoch: str = "", seq: int = 0) -> FacetBitmaps:
    table = ProgramIndex._meta.db_table
    by_status = _aggregate("status", table)
    published = next((bits_from_joined(j) for status, j in by_status if status == Status.PUBLISHED), EMPTY)
    universe = FrozenBitMap.union(EMPTY, *(bits_from_joined(j) for _, j in by_status))
    located = next((bits_from_joined(j) for v, j in _aggregate("has_location", table) if v), EMPTY)
    values: dict[str, dict[str, Bits]] = {}
    for facet in FACETS:
        rows = _aggregate(facet.column, facet.through or table, limit=TOP_VALUES)
        if facet.through is not None:  # through rows may name programs that are not indexed (yet)
            values[facet.key] = {_raw(facet, v): bits_from_joined(j) & universe for v, j in rows}
        else:
            values[facet.key] = {_raw(facet, v): bits_from_joined(j) for v, j in rows if _raw(facet, v) != ""}
    return FacetBitmaps(
        token=token, epoch=epoch, seq=seq, universe=universe, published=published, located=located,
        values=values,
    )  # fmt: skip

"""PostgreSQL: the programs of every index term as one Roaring bitmap (a postings list).

`catalog_program_tsv` keeps each program's terms as tsvectors. A GIN index on them holds no columns,
so a lookup visits one heap row per matching program (28k rows for a common word at 100k programs).
The postings turn the tsvectors around: one row per (term, field) holding the set of programs that
have the term, serialised in the portable Roaring format (pyroaring). A search reads the rows of its
terms in one statement, a few kilobytes each, and combines them in Python with the AND / OR / NOT a
tsquery would apply; the answers are the same (tested against `@@ to_tsquery` on the tsvectors).

Fields: `ANY` (the whole document), `TITLE` (the title alone) and `SHORT` (title and summary), the
three tsvector columns.

Writes. Rewriting the bitmaps of every term of a saved program would rewrite ~550 rows, the common
words' kilobytes among them (~0.45 s at 100k programs). Instead, a partial re-index marks its programs
*stale* and copies their current terms into a small *delta* table (term, field, program id), all in SQL
in the same transaction: a search takes a term's programs as base − stale + delta. A full re-index
(and one of more than `PATCH_PROGRAMS` programs, or one that leaves more stale programs than a tenth of
the catalog, at least `STALE_MIN` and at most `STALE_MAX`) rebuilds the base from the tsvectors and
empties both. So the postings never lag behind the tsvector table, and a rolled-back transaction takes
its changes with it. See docs/decisions/0002-search-index.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection
from pyroaring import BitMap, FrozenBitMap

from renkei.catalog.bitmaps import bits_from_int32
from renkei.text import Group, Query, Term

TABLE = "catalog_program_postings"  # term, field, bits (the base)
DELTA_TABLE = "catalog_program_postings_delta"  # term, field, program_id (the stale programs' terms)
STALE_TABLE = "catalog_program_postings_stale"  # program_id (programs re-indexed since the base was built)
TSV_TABLE = "catalog_program_tsv"
ANY, TITLE, SHORT = 0, 1, 2
COLUMNS = {ANY: "document", TITLE: "title_vector", SHORT: "rank_vector"}  # field -> tsvector column
READ_BATCH = 500  # programs per statement when reading their terms (2,000: +170 MB peak at 100k programs)
PATCH_PROGRAMS = 2000  # a partial re-index of more programs rebuilds the base instead
# ... and so does one that leaves more stale programs than a tenth of the catalog (a rebuild costs about
# 0.26 ms a program), within these bounds
STALE_MIN = 100
STALE_MAX = 5000

EMPTY = FrozenBitMap()
Postings = dict[tuple[str, int], FrozenBitMap]  # (term, field) -> programs


# --- reading ---------------------------------------------------------------------------------------


def _prefix_end(prefix: str) -> str:
    """The first string after every string starting with `prefix` (in code point order, which is the
    byte order of UTF-8 and so of the "C" collation of the term columns)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _condition(terms: Iterable[Term]) -> tuple[str, list[str | list[str]]]:
    """A WHERE condition on `term` for exact terms and prefixes (each prefix one range of the key)."""
    unique = set(terms)
    exact = sorted(t.text for t in unique if not t.prefix)
    prefixes = sorted(t.text for t in unique if t.prefix)
    conditions: list[str] = []
    params: list[str | list[str]] = []  # the exact terms as one array parameter, then prefix bounds
    if exact:
        conditions.append("term = ANY(%s)")
        params.append(exact)
    for prefix in prefixes:
        conditions.append("(term >= %s AND term < %s)")
        params += [prefix, _prefix_end(prefix)]
    return " OR ".join(conditions), params


def fetch(terms: Iterable[Term]) -> Postings:
    """The postings of `terms` (every field; a prefix term brings every term it starts), in one
    statement: base, delta and the stale set. Terms without programs are missing from the result."""
    condition, params = _condition(terms)
    if not condition:
        return {}
    packed = "string_agg(int4send(program_id), ''::bytea)"
    sql = (
        f"SELECT term, field, bits, false FROM {TABLE} WHERE {condition} "
        f"UNION ALL SELECT term, field, {packed}, true FROM {DELTA_TABLE} WHERE {condition} "
        "GROUP BY term, field "
        f"UNION ALL SELECT NULL, NULL, {packed}, true FROM {STALE_TABLE}"
    )
    base: Postings = {}
    added: Postings = {}
    stale = EMPTY
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        for term, field, data, is_packed in cursor.fetchall():
            if term is None:
                stale = bits_from_int32(data)
            elif is_packed:
                added[(term, field)] = bits_from_int32(data)
            else:
                base[(term, field)] = FrozenBitMap.deserialize(bytes(data))
    if not stale:
        return base
    current = {key: bits - stale for key, bits in base.items()}
    for key, bits in added.items():
        current[key] = current.get(key, EMPTY) | bits
    return current


class Evaluator:
    """Evaluates queries on postings fetched once: a search asks for its match, then for the title and
    title + summary tiers of the same terms, and a second fetch would be a second round trip."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.postings = fetch(
            t
            for g in (*query.include, *query.exclude)
            for m in (g, *g.members)  # an OR's members: each is looked up when one has a phrase
            for alt in (*m.alternatives, m.exact)  # the word as written: for ranking
            for t in alt
        )
        self._prefixed: dict[tuple[str, int], FrozenBitMap] = {}

    def term(self, term: Term, field: int) -> FrozenBitMap:
        if not term.prefix:
            return self.postings.get((term.text, field), EMPTY)
        key = (term.text, field)
        bits = self._prefixed.get(key)
        if bits is None:
            found = [b for (text, f), b in self.postings.items() if f == field and text.startswith(term.text)]
            bits = self._prefixed[key] = FrozenBitMap.union(EMPTY, *found)
        return bits

    def group(self, group: Group, field: int) -> FrozenBitMap:
        """Programs matching any alternative of `group` (each: all of its terms)."""
        found = []
        for alternative in group.alternatives:
            sets = sorted((self.term(t, field) for t in alternative), key=len)
            found.append(FrozenBitMap.intersection(*sets) if len(sets) > 1 else sets[0])
        return FrozenBitMap.union(EMPTY, *found)

    def all_of(self, groups: Sequence[Group], field: int) -> FrozenBitMap:
        sets = sorted((self.group(g, field) for g in groups), key=len)
        return FrozenBitMap.intersection(*sets) if len(sets) > 1 else sets[0]

    def any_of(self, groups: Sequence[Group], field: int) -> FrozenBitMap:
        return FrozenBitMap.union(EMPTY, *(self.group(g, field) for g in groups))

    def match(self, query: Query, field: int = ANY) -> FrozenBitMap:
        """Programs matching every included group in `field` and no excluded group anywhere."""
        bits = self.all_of(query.include, field)
        if query.exclude and bits:
            bits = bits - self.any_of(query.exclude, ANY)
        return bits


# --- writing ---------------------------------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _terms_of(ids: Sequence[int]) -> Iterator[tuple[int, list[list[str]]]]:
    """(program id, [terms of each field]) for the indexed programs among `ids`."""
    arrays = ", ".join(f"tsvector_to_array({COLUMNS[f]})" for f in (ANY, TITLE, SHORT))
    with connection.cursor() as cursor:
        for chunk in _batches(ids, READ_BATCH):
            cursor.execute(
                f"SELECT program_id, {arrays} FROM {TSV_TABLE} WHERE program_id = ANY(%s)", [chunk]
            )
            yield from ((program_id, fields) for program_id, *fields in cursor.fetchall())


def _collect(rows: Iterable[tuple[int, list[list[str]]]]) -> list[dict[str, BitMap]]:
    """For each field, term -> programs. Ids are gathered in lists per batch (an append is cheaper than
    a bitmap insert) and added to the bitmaps a batch at a time."""
    sets: list[dict[str, BitMap]] = [{} for _ in COLUMNS]
    for chunk in _batches(rows, READ_BATCH):
        found: list[dict[str, list[int]]] = [{} for _ in COLUMNS]
        for program_id, fields in chunk:
            for lists, terms in zip(found, fields, strict=True):
                for term in terms:
                    ids = lists.get(term)
                    if ids is None:
                        lists[term] = [program_id]
                    else:
                        ids.append(program_id)
        for totals, lists in zip(sets, found, strict=True):
            for term, ids in lists.items():
                bits = totals.get(term)
                if bits is None:
                    totals[term] = BitMap(ids)
                else:
                    bits.update(ids)
    return sets


def _serialise(bits: BitMap) -> bytes:
    bits.run_optimize()  # runs of consecutive ids (common words) in a few bytes each
    return bits.serialize()


def rebuild() -> None:
    """Replace the base with one made from the tsvector table; empty the delta and the stale set.
    DELETE, not TRUNCATE: searches keep reading the old postings until this transaction commits
    instead of waiting for it."""
    with connection.cursor() as cursor:
        for table in (TABLE, DELTA_TABLE, STALE_TABLE):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"SELECT program_id FROM {TSV_TABLE} ORDER BY program_id")
        ids = [row[0] for row in cursor.fetchall()]
    sets = _collect(_terms_of(ids))
    with connection.cursor() as cursor, cursor.copy(f"COPY {TABLE} (term, field, bits) FROM STDIN") as copy:
        for field, terms in enumerate(sets):
            for term, bits in terms.items():
                copy.write_row((term, field, _serialise(bits)))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def update(ids: Sequence[int]) -> None:
    """After the tsvector rows of `ids` were rewritten (or deleted): mark them stale and copy their
    current terms into the delta, or rebuild when too many programs would be stale."""
    if len(ids) > PATCH_PROGRAMS:
        rebuild()
        return
    ids = list(ids)
    terms = " UNION ALL ".join(
        f"SELECT unnest(tsvector_to_array({column})), {field}, program_id FROM {TSV_TABLE} "
        "WHERE program_id = ANY(%s)"
        for field, column in COLUMNS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {STALE_TABLE} SELECT unnest(%s::int[]) ON CONFLICT DO NOTHING", [ids])
        cursor.execute(f"DELETE FROM {DELTA_TABLE} WHERE program_id = ANY(%s)", [ids])
        cursor.execute(
            f"INSERT INTO {DELTA_TABLE} (term, field, program_id) {terms} ON CONFLICT DO NOTHING",
            [ids] * len(COLUMNS),
        )
        # the stale count, and the planner's estimate of the catalog size (-1 before it was first analysed)
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {STALE_TABLE}), "
            f"(SELECT reltuples FROM pg_class WHERE oid = '{TSV_TABLE}'::regclass)"
        )
        stale, programs = cursor.fetchone()
    if stale > min(STALE_MAX, max(STALE_MIN, int(programs) // 10)):
        rebuild()

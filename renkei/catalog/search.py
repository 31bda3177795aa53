"""The program search index: our own terms in SQLite FTS5 or a PostgreSQL tsvector, and facet rows.

Writing: `program_index_rebuild()` turns programs into (a) one `ProgramIndex` row of facet values and
sort keys and (b) three term columns (title, summary, everything else) made by
`renkei.text.index_terms`, stored in `catalog_program_fts` (SQLite) or `catalog_program_tsv`
(PostgreSQL). Services call it after every write to a program; `renkei reindex` rebuilds everything.

Reading: the back-end turns a parsed query (`renkei.text.parse_query`) into bitsets of program ids
(`match_bits`, `excluded_bits`, and `title_bits` / `short_bits` for the relevance tiers), one statement each, for the
selectors to combine with the facet bitmaps (`renkei.catalog.bitmaps`).
See docs/decisions/0003-search-index.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from renkei.catalog import bitmaps
from renkei.catalog.models import FeeBand, Program, ProgramIndex, ProgramRun, SearchChange, SearchState
from renkei.taxonomy.models import Concept
from renkei.text import Group, Query, Term, index_terms, normalise, to_fts5, to_fts5_exclusions, to_tsquery

FTS_TABLE = "catalog_program_fts"  # SQLite: title, summary, body (matching)
RANK_TABLE = "catalog_program_rank_fts"  # SQLite: title, summary (ranking)
TSV_TABLE = "catalog_program_tsv"  # PostgreSQL: document (A title, B summary, D body), rank_vector (A, B),
# title_vector (A)
BATCH = 500
OPTIMIZE_AFTER = 2000  # programs: after re-indexing this many, merge FTS segments / refresh statistics


@dataclass(frozen=True, slots=True)
class IndexDocument:
    program_id: int
    title: str
    summary: str
    body: str


def _terms(*texts: str) -> str:
    return " ".join(term for text in texts if text for term in index_terms(text))


def _concept_texts(concepts: Iterable[Concept]) -> list[str]:
    texts: list[str] = []
    for concept in concepts:
        texts.extend([concept.label_ja, concept.label_en, concept.synonyms_ja, concept.synonyms_en])
    return texts


def program_document(program: Program) -> IndexDocument:
    """The terms of one program (provider, unit, fields and skills should be prefetched)."""
    provider, unit = program.provider, program.unit
    body = [
        program.description_ja,
        program.description_en,
        program.code,
        provider.name_ja,
        provider.name_en,
        provider.short_name_ja,
        provider.short_name_en,
        program.venue_name_ja,
        program.venue_name_en,
        program.venue_address_ja,
        program.subsidy_note_ja,
        program.subsidy_note_en,
        *_concept_texts(program.fields.all()),
        *_concept_texts(program.skills.all()),
    ]
    if unit is not None:
        body += [unit.name_ja, unit.name_en]
    return IndexDocument(
        program_id=program.pk,
        title=_terms(program.title_ja, program.title_en),
        summary=_terms(program.summary_ja, program.summary_en),
        body=_terms(*body),
    )


def _sort_key(title: str) -> str:
    return normalise(title)[:100]


def program_index_row(program: Program, *, today: dt.date | None = None) -> ProgramIndex:
    """The facet values and sort keys of one program (runs should be prefetched)."""
    today = today or timezone.localdate()
    runs = sorted(program.runs.all(), key=lambda run: run.starts_on)
    upcoming = next((run for run in runs if run.starts_on >= today), None)
    month_run = upcoming or (runs[0] if runs else None)
    return ProgramIndex(
        program_id=program.pk,
        status=program.status,
        provider_id=program.provider_id,
        unit_id=program.unit_id,
        mode=program.mode,
        level=program.level,
        prefecture=program.prefecture,
        municipality_code=program.municipality_code,
        fee_band=FeeBand.of(program.fee_yen).value,
        fee_yen=program.fee_yen,
        start_month=f"{month_run.starts_on:%Y-%m}" if month_run else "",
        next_start=upcoming.starts_on if upcoming else None,
        subsidy=program.subsidy_kyouiku_kunren,
        is_sample=program.is_sample,
        has_location=program.latitude is not None and program.longitude is not None,
        created=program.created_at,
        sort_title_ja=_sort_key(program.title_ja),
        sort_title_en=_sort_key(program.title_en or program.title_ja),
    )


# --- back-ends -------------------------------------------------------------------------------------


class _Backend:
    """Writes the term tables and answers two questions: which programs match, and how well."""

    def clear(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        """After a large re-index: merge index segments (SQLite) or refresh planner statistics (PostgreSQL)."""

    def delete(self, ids: list[int]) -> None:
        raise NotImplementedError

    def insert(self, documents: list[IndexDocument]) -> None:
        raise NotImplementedError

    def match_bits(self, query: Query) -> bitmaps.Bits:
        """Bitset of the programs matching the positive part of `query` (its exclusions applied)."""
        raise NotImplementedError

    def excluded_bits(self, query: Query) -> bitmaps.Bits:
        """Bitset of the programs matching any excluded group of `query`."""
        raise NotImplementedError

    def title_bits(self, query: Query) -> bitmaps.Bits:
        """The programs whose title alone matches the positive part of `query` (first relevance tier)."""
        raise NotImplementedError

    def short_bits(self, query: Query) -> bitmaps.Bits:
        """The programs whose title and summary together match the positive part of `query` (second
        tier; asked for only when the first does not fill the page)."""
        raise NotImplementedError

    @staticmethod
    def _bits(sql: str, params: list[Any]) -> tuple[bitmaps.Bits, ...]:
        """Run a query returning one row of comma-joined id lists; their bitsets."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return tuple(map(bitmaps.bits_from_joined, row))


class _Sqlite(_Backend):
    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(f"DELETE FROM {RANK_TABLE}")

    def delete(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, BATCH):
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM {RANK_TABLE} WHERE rowid IN ({marks})", chunk)

    def insert(self, documents: list[IndexDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                [(d.program_id, d.title, d.summary, d.body) for d in documents],
            )
            cursor.executemany(
                f"INSERT INTO {RANK_TABLE} (rowid, title, summary) VALUES (%s, %s, %s)",
                [(d.program_id, d.title, d.summary) for d in documents],
            )

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, RANK_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def _matching(self, *lookups: tuple[str, str]) -> tuple[bitmaps.Bits, ...]:
        """Bitsets of the rows of each (FTS5 table, MATCH expression), in one statement."""
        parts = [f"(SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH %s)" for table, _ in lookups]
        return self._bits("SELECT " + ", ".join(parts), [expression for _, expression in lookups])

    def match_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching((FTS_TABLE, to_fts5(query)))[0]

    def excluded_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching((FTS_TABLE, to_fts5_exclusions(query)))[0]

    def title_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching((RANK_TABLE, f"{{title}} : ({to_fts5(Query(include=query.include))})"))[0]

    def short_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching((RANK_TABLE, to_fts5(Query(include=query.include))))[0]


class _Postgres(_Backend):
    def clear(self) -> None:
        with (
            connection.cursor() as cursor
        ):  # not DELETE: a full re-index would leave every old row as dead space
            cursor.execute(f"TRUNCATE {TSV_TABLE}")

    def delete(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, 5000):
                cursor.execute(f"DELETE FROM {TSV_TABLE} WHERE program_id = ANY(%s)", [chunk])

    def insert(self, documents: list[IndexDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TSV_TABLE} (program_id, document, rank_vector, title_vector) SELECT %s, t || s || "
                "setweight(to_tsvector('simple', %s), 'D'), t || s, t FROM "
                "(SELECT setweight(to_tsvector('simple', %s), 'A') t, setweight(to_tsvector('simple', %s), 'B') s) v",
                [(d.program_id, d.body, d.title, d.summary) for d in documents],
            )

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TSV_TABLE}")
            cursor.execute(f"ANALYZE {ProgramIndex._meta.db_table}")

    def _matching(self, *lookups: tuple[str, str]) -> tuple[bitmaps.Bits, ...]:
        """Bitsets of the rows whose (column, tsquery) match, in one statement, through the GIN indexes.
        The planner prices a sequential scan of this table by its few heap pages and does not see that
        every row must be fetched from TOAST and decompressed, so for common words it picks a scan ~50x
        slower than the index (see ADR 0003)."""
        # the ids as big-endian 32-bit integers in one bytea: 3 ms less than text for 28k ids
        parts = [
            f"(SELECT string_agg(int4send(program_id::int4), ''::bytea) FROM {TSV_TABLE} "
            f"WHERE {column} @@ to_tsquery('simple', %s))"
            for column, _ in lookups
        ]
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute("SELECT " + ", ".join(parts), [tsquery for _, tsquery in lookups])
                row = cursor.fetchone()
            finally:
                # a failed statement aborts the transaction, and aborting it undoes the SET as well
                with contextlib.suppress(DatabaseError):
                    cursor.execute("RESET enable_seqscan")
        return tuple(map(bitmaps.bits_from_int32, row))

    def match_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching(("document", to_tsquery(query)))[0]

    def excluded_bits(self, query: Query) -> bitmaps.Bits:
        return self.match_bits(Query(include=(_any_of(query.exclude),)))

    def title_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching(("title_vector", to_tsquery(Query(include=query.include))))[0]

    def short_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching(("rank_vector", to_tsquery(Query(include=query.include))))[0]


def _any_of(groups: Iterable[Group]) -> Group:
    """One group that matches when any of `groups` does (their alternatives, ORed)."""
    alternatives: list[tuple[Term, ...]] = [alt for group in groups for alt in group.alternatives]
    return Group(tuple(alternatives), " OR ".join(group.text for group in groups))


def backend() -> _Backend:
    vendor = connection.vendor
    if vendor == "sqlite":
        return _Sqlite()
    if vendor == "postgresql":
        return _Postgres()
    raise NotImplementedError(f"No program search index for the {vendor} database")


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- writing ---------------------------------------------------------------------------------------


def _programs_for_indexing(ids: list[int]) -> list[Program]:
    return list(
        Program.objects.filter(pk__in=ids)
        .select_related("provider", "unit")
        .prefetch_related(
            "fields", "skills", Prefetch("runs", queryset=ProgramRun.objects.order_by("starts_on"))
        )
    )


def _write(programs: list[Program], engine: _Backend, today: dt.date) -> None:
    ProgramIndex.objects.bulk_create([program_index_row(p, today=today) for p in programs])
    engine.insert([program_document(p) for p in programs])


def program_index_rebuild(
    *, programs: Iterable[Program | int] | None = None, today: dt.date | None = None
) -> int:
    """Re-index the given programs (objects or ids), or all of them; deleted ones leave the index.

    Returns the number of programs indexed. Runs in one transaction.
    """
    engine = backend()
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        if programs is None:
            ProgramIndex.objects.all().delete()
            engine.clear()
            ids = list(Program.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted({p if isinstance(p, int) else p.pk for p in programs})
            for chunk in _chunks(ids, BATCH):
                ProgramIndex.objects.filter(pk__in=chunk).delete()
            engine.delete(ids)
        for chunk in _chunks(ids, BATCH):
            batch = _programs_for_indexing(chunk)
            _write(batch, engine, today)
            count += len(batch)
        if count >= OPTIMIZE_AFTER:
            engine.optimize()
        _record_change(None if programs is None else ids)
    return count


KEEP_CHANGES = 200  # partial re-indexes remembered for processes that patch their caches


def _record_change(ids: list[int] | None) -> None:
    """Tell every process that the index changed (their facet bitmaps compare the token), and how:
    a full re-index starts a new epoch; a partial one is logged so caches can be patched."""
    token = uuid.uuid4().hex
    key = SearchState.PROGRAMS
    if ids is None:
        SearchChange.objects.filter(key=key).delete()
        updated = SearchState.objects.filter(pk=key).update(token=token, epoch=token, seq=0)
        if not updated:
            SearchState.objects.create(key=key, token=token, epoch=token, seq=0)
        return
    # the row lock taken by this update orders concurrent re-indexes until they commit
    if not SearchState.objects.filter(pk=key).update(token=token, seq=F("seq") + 1):
        SearchState.objects.create(key=key, token=token, epoch=token, seq=0)
        return
    seq = SearchState.objects.filter(pk=key).values_list("seq", flat=True).get()
    SearchChange.objects.create(key=key, seq=seq, token=token, program_ids=",".join(map(str, ids)))
    SearchChange.objects.filter(key=key, seq__lte=seq - KEEP_CHANGES).delete()


def program_index_check() -> dict[str, int]:
    """Counts for `renkei reindex --check`: programs, index rows, text rows."""
    table = FTS_TABLE if connection.vendor == "sqlite" else TSV_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        (text_rows,) = cursor.fetchone()
    return {
        "programs": Program.objects.count(),
        "index_rows": ProgramIndex.objects.count(),
        "text_rows": text_rows,
    }

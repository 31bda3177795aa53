"""The program search index: our own terms in SQLite FTS5 or a PostgreSQL tsvector, and facet rows.

Writing: `program_index_rebuild()` turns programs into (a) one `ProgramIndex` row of facet values and
sort keys and (b) three term columns (title, summary, everything else) made by
`renkei.text.index_terms`, stored in `catalog_program_fts` (SQLite) or `catalog_program_tsv`
(PostgreSQL, which derives its postings bitmaps from them: `renkei.catalog.postings`), and (c) one
`ProgramText` row, the texts' words in order (`renkei.text.phrase_text`) on which a quoted phrase of
several words is checked. Services call it after every write to a program; `renkei reindex` rebuilds
everything.

Reading: the back-end turns a parsed query (`renkei.text.parse_query`) into bitsets of program ids
(`match_bits`, `excluded_bits`, and `group_bits` of one word in the title or title + summary for the
ranking, `renkei.catalog.relevance`) for the selectors to combine with the facet bitmaps
(`renkei.catalog.bitmaps`): one FTS5 statement each on SQLite, one postings read per query on
PostgreSQL. A quoted phrase of several words is found by its terms, among them a pair term per two
adjacent words of one text (`"data science"`: `ヲdataヲscience`, which alone decides a phrase of two
words); any other phrase (three words or more, a Japanese run at an end) is then checked on the
candidates' `ProgramText` in one statement (`_Backend.match_bits`). A sample program's notices that it
is sample data are not indexed; the level and mode labels and the provider's and unit's kana names are.
See docs/decisions/0002-search-index.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from renkei.catalog import bitmaps, postings
from renkei.catalog.models import (
    FeeBand,
    Program,
    ProgramIndex,
    ProgramRun,
    ProgramText,
    SearchChange,
    SearchState,
)
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept
from renkei.text import Group, Phrase, Query, index_terms, normalise, phrase_text, to_fts5, to_fts5_exclusions

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
    text: str = ""  # the phrase text (renkei.text.phrase_text) of every text above, each apart


SHARED_TEXT_MAX = 120  # characters: texts this short (names, labels, synonyms, titles) recur across programs


@functools.lru_cache(maxsize=8192)
def _shared_text_terms(text: str) -> str:
    return " ".join(index_terms(text))


def _text_terms(text: str) -> str:
    """The index terms of one text, space-separated (memoised for short texts, which many programs share:
    provider and unit names, concept labels and synonyms, venues)."""
    return _shared_text_terms(text) if len(text) <= SHARED_TEXT_MAX else " ".join(index_terms(text))


def _terms(*texts: str) -> str:
    # no term is empty, so joining the texts' joined terms is joining all the terms
    return " ".join(joined for text in texts if text and (joined := _text_terms(text)))


@functools.lru_cache(maxsize=8192)
def _shared_phrase_part(text: str) -> str:
    return phrase_text(text)[1:-1]


def _phrase_parts(*texts: str) -> str:
    """The texts' words for phrases, each text apart (`|`-joined, not framed; memoised for short texts)."""
    parts = (
        _shared_phrase_part(text) if len(text) <= SHARED_TEXT_MAX else phrase_text(text)[1:-1]
        for text in texts
        if text
    )
    return "|".join(part for part in parts if part)


def _framed(*parts: str) -> str:
    joined = "|".join(part for part in parts if part)
    return f"|{joined}|" if joined else ""


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _provider_terms(
    name_ja: str, name_en: str, short_name_ja: str, short_name_en: str, name_kana: str = ""
) -> str:
    return _terms(name_ja, name_en, short_name_ja, short_name_en, name_kana)


def _unit_terms(name_ja: str, name_en: str, name_kana: str = "") -> str:
    return _terms(name_ja, name_en, name_kana)  # a unit's short names are not indexed


# Sentences that say a program is made-up sample data: shown on the page, not searched (every sample
# program says so, and "データ" would otherwise find all of them).
SAMPLE_NOTICE = re.compile(
    r"[^。．.!?！？]*(?:サンプルデータ|実在の講座ではありません|実在しません|sample data|not a real)"
    r"[^。．.!?！？]*[。．.!?！？]?",
    re.IGNORECASE,
)


def without_sample_notice(text: str) -> str:
    """`text` without the sentences that only say it is sample data."""
    return SAMPLE_NOTICE.sub("", text).strip() if text else text


@functools.lru_cache(maxsize=64)
def _choice_labels(model_field: str, value: str) -> tuple[str, ...]:
    """The labels people see for a level or mode value, in Japanese and English (`MDASH リテラシーレベル`,
    `オンデマンド`), so a search for a label finds its programs."""
    choices = dict(Program.Level.choices if model_field == "level" else Program.Mode.choices)
    label = choices.get(value)  # a lazy translation
    if label is None:
        return ()
    texts = []
    for language in ("ja", "en"):
        with translation.override(language):
            texts.append(str(label))
    return tuple(dict.fromkeys(texts))


@functools.lru_cache(maxsize=64)
def _choice_terms(model_field: str, value: str) -> str:
    return _terms(*_choice_labels(model_field, value))


def _concept_terms(label_ja: str, label_en: str, synonyms_ja: str, synonyms_en: str) -> str:
    # synonyms are one per line, each a text of its own (no pair term across two of them)
    return _terms(label_ja, label_en, *synonyms_ja.splitlines(), *synonyms_en.splitlines())


def concept_terms_by_id(ids: Iterable[int]) -> dict[int, str]:
    """The index terms of the labels and synonyms of the concepts `ids` (for ranking by tags)."""
    rows = Concept.objects.filter(pk__in=list(ids)).values_list(
        "pk", "label_ja", "label_en", "synonyms_ja", "synonyms_en"
    )
    return {pk: _concept_terms(*texts) for pk, *texts in rows}


@dataclass(frozen=True, slots=True)
class Related:
    """The index terms and the phrase parts (`_phrase_parts`) of a provider, unit or concept."""

    terms: str
    text: str


def _document(
    program: Program, provider: Related, concepts: Iterable[Related], unit: Related | None
) -> IndexDocument:
    """A program's document from its own columns and the terms and texts of its provider, concepts and
    unit. A sample program's notices that it is sample data are left out."""
    clean = without_sample_notice if program.is_sample else str
    concepts = list(concepts)
    provider_terms, unit_terms = provider.terms, unit.terms if unit is not None else ""
    concept_terms = [c.terms for c in concepts]
    own = (
        program.title_ja,
        program.title_en,
        clean(program.summary_ja),
        clean(program.summary_en),
        clean(program.description_ja),
        clean(program.description_en),
        program.code,
        program.venue_name_ja,
        program.venue_name_en,
        program.venue_address_ja,
        program.subsidy_note_ja,
        program.subsidy_note_en,
        *_choice_labels("level", program.level),
        *_choice_labels("mode", program.mode),
    )
    text = _framed(
        _phrase_parts(*own),
        provider.text,
        *(c.text for c in concepts),
        unit.text if unit is not None else "",
    )
    body = _join(
        _terms(clean(program.description_ja), clean(program.description_en), program.code),
        provider_terms,
        _terms(
            program.venue_name_ja,
            program.venue_name_en,
            program.venue_address_ja,
            program.subsidy_note_ja,
            program.subsidy_note_en,
        ),
        *concept_terms,  # fields, then skills, each in the concepts' default order
        unit_terms,
        _choice_terms("level", program.level),
        _choice_terms("mode", program.mode),
    )
    return IndexDocument(
        program_id=program.pk,
        title=_terms(program.title_ja, program.title_en),
        summary=_terms(clean(program.summary_ja), clean(program.summary_en)),
        body=body,
        text=text,
    )


def _provider(name_ja: str, name_en: str, short_name_ja: str, short_name_en: str, name_kana: str) -> Related:
    texts = (name_ja, name_en, short_name_ja, short_name_en, name_kana)
    return Related(_provider_terms(*texts), _phrase_parts(*texts))


def _unit(name_ja: str, name_en: str, name_kana: str) -> Related:
    return Related(_unit_terms(name_ja, name_en, name_kana), _phrase_parts(name_ja, name_en, name_kana))


def _concept(label_ja: str, label_en: str, synonyms_ja: str, synonyms_en: str) -> Related:
    # synonyms are one per line: each a text of its own for phrases ("computer science" then "data
    # science" is no "science data")
    synonyms = (*synonyms_ja.splitlines(), *synonyms_en.splitlines())
    return Related(
        _concept_terms(label_ja, label_en, synonyms_ja, synonyms_en),
        _phrase_parts(label_ja, label_en, *synonyms),
    )


def program_document(program: Program) -> IndexDocument:
    """The terms of one program (provider, unit, fields and skills should be prefetched).

    `program_index_rebuild` makes the same documents in batches (`_Loader`), tokenising each provider,
    unit and concept once.
    """
    provider, unit = program.provider, program.unit
    concepts = [*program.fields.all(), *program.skills.all()]
    return _document(
        program,
        _provider(
            provider.name_ja,
            provider.name_en,
            provider.short_name_ja,
            provider.short_name_en,
            provider.name_kana,
        ),
        [_concept(c.label_ja, c.label_en, c.synonyms_ja, c.synonyms_en) for c in concepts],
        _unit(unit.name_ja, unit.name_en, unit.name_kana) if unit is not None else None,
    )


def _sort_key(title: str) -> str:
    return normalise(title)[:100]


def program_index_row(program: Program, *, today: dt.date | None = None) -> ProgramIndex:
    """The facet values and sort keys of one program (runs should be prefetched)."""
    starts = sorted(run.starts_on for run in program.runs.all())
    return _index_row(program, starts, today or timezone.localdate())


def _index_row(program: Program, starts: list[dt.date], today: dt.date) -> ProgramIndex:
    """The index row of a program whose runs start on `starts` (sorted)."""
    upcoming = next((start for start in starts if start >= today), None)
    month_start = upcoming or (starts[0] if starts else None)
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
        start_month=f"{month_start:%Y-%m}" if month_start else "",
        next_start=upcoming,
        subsidy=program.subsidy_kyouiku_kunren,
        is_sample=program.is_sample,
        has_location=program.latitude is not None and program.longitude is not None,
        created=program.created_at,
        sort_title_ja=_sort_key(program.title_ja),
        sort_title_en=_sort_key(program.title_en or program.title_ja),
    )


# --- back-ends -------------------------------------------------------------------------------------


PHRASE_TABLE = ProgramText._meta.db_table
PHRASE_MEMO = "phrase "  # FacetBitmaps.memo key prefix: (programs checked, programs holding the phrase)
PHRASE_MEMO_MAX = 256  # phrases remembered per process and index token


class _Backend:
    """Writes the term tables and answers two questions: which programs match, and how well.

    A group with a phrase to check (`Group.checked`) is found by its terms, then checked on the phrase
    texts of those candidates only (`_holding`): `match_bits` and `excluded_bits` do it for every
    back-end around the term lookups of each (`_match_terms`, `_excluded_terms`, `_group_terms`).
    """

    def clear(self) -> None:
        raise NotImplementedError

    def optimize(self) -> None:
        """After a large re-index: merge index segments (SQLite) or refresh planner statistics (PostgreSQL)."""

    def finish(self) -> None:
        """After the documents are written: bring derived structures up to date (PostgreSQL postings)."""

    def delete(self, ids: list[int]) -> None:
        raise NotImplementedError

    def insert(self, documents: list[IndexDocument]) -> None:
        raise NotImplementedError

    def match_bits(self, query: Query) -> bitmaps.Bits:
        """Bitset of the programs matching the positive part of `query` (its exclusions applied)."""
        if not query.checked:
            return self._match_terms(query)
        plain = tuple(g for g in query.exclude if not g.checked)
        bits = self._match_terms(Query(query.include, plain))
        for group in query.include:
            if group.checked and bits:
                bits = self._checked(query, group, bits, found=True)
        for group in query.exclude:
            if group.checked and bits:
                bits = bits - self._checked(query, group, bits)
        return bits

    def excluded_bits(self, query: Query) -> bitmaps.Bits:
        """Bitset of the programs matching any excluded group of `query`."""
        plain = tuple(g for g in query.exclude if not g.checked)
        bits = self._excluded_terms(Query(exclude=plain)) if plain else bitmaps.EMPTY
        for group in query.exclude:
            if group.checked:
                bits = bits | self._checked(query, group, self._group_terms(query, group))
        return bits

    def _checked(
        self, query: Query, group: Group, within: bitmaps.Bits, *, found: bool = False
    ) -> bitmaps.Bits:
        """The programs of `within` that match `group` with its phrases checked (`found`: all of `within`
        match the group's terms already)."""
        if group.members:
            bits = bitmaps.EMPTY
            for member in group.members:
                bits = bits | self._checked(query, member, within)
            return bits
        if not found:
            within = within & self._group_terms(query, group)
        return (
            self._held(group.check, within)
            if group.check is not None and not group.decided and within
            else within
        )

    def _held(self, phrase: Phrase, within: bitmaps.Bits) -> bitmaps.Bits:
        """The programs of `within` holding `phrase`: what this process checked for this index token is
        remembered (`FacetBitmaps.memo`), so the next page, a facet ticked or the same phrase searched
        again checks only programs not checked yet."""
        memo = bitmaps.facet_bitmaps().memo
        key = PHRASE_MEMO + phrase.pattern
        remembered = memo.get(key)
        checked, holding = remembered if isinstance(remembered, tuple) else (bitmaps.EMPTY, bitmaps.EMPTY)
        todo = within - checked
        if todo:
            if key not in memo and sum(k.startswith(PHRASE_MEMO) for k in memo) >= PHRASE_MEMO_MAX:
                for old in [k for k in memo if k.startswith(PHRASE_MEMO)]:
                    del memo[old]
            holding = holding | self._holding(phrase, todo)
            memo[key] = (checked | todo, holding)
        return holding & within

    def _holding(self, phrase: Phrase, within: bitmaps.Bits) -> bitmaps.Bits:
        """The programs of `within` whose phrase text holds `phrase` (one statement)."""
        raise NotImplementedError

    def _match_terms(self, query: Query) -> bitmaps.Bits:
        """`match_bits` by the terms alone."""
        raise NotImplementedError

    def _excluded_terms(self, query: Query) -> bitmaps.Bits:
        """`excluded_bits` by the terms alone."""
        raise NotImplementedError

    def _group_terms(self, query: Query, group: Group) -> bitmaps.Bits:
        """The programs matching the terms of `group` (one group of `query`) anywhere."""
        raise NotImplementedError

    def title_bits(self, query: Query) -> bitmaps.Bits:
        """The programs whose title alone matches the positive part of `query` (first relevance tier)."""
        raise NotImplementedError

    def short_bits(self, query: Query) -> bitmaps.Bits:
        """The programs whose title and summary together match the positive part of `query` (second
        tier; asked for only when the first does not fill the page)."""
        raise NotImplementedError

    def group_bits(self, query: Query, group: Group, field: str) -> bitmaps.Bits:
        """The programs whose `field` ("title", or "short": title and summary) matches `group`, one
        word of `query` (for ranking: `renkei.catalog.relevance`)."""
        raise NotImplementedError


def _phrase_condition(phrase: Phrase, contains: str, regex: str) -> tuple[str, list[str]]:
    """SQL that a phrase text holds `phrase`: any of its written forms as a substring, or (too many forms)
    its longest literal and its pattern. `contains` and `regex` are the back-end's conditions on `text`."""
    if phrase.needles:
        return "(" + " OR ".join([contains] * len(phrase.needles)) + ")", list(phrase.needles)
    return f"{contains} AND {regex}", [phrase.literal, phrase.pattern]


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

    def _matching(self, table: str, expression: str) -> bitmaps.Bits:
        """The rows of an FTS5 table matching `expression`, as one comma-joined id list."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH %s", [expression])
            (joined,) = cursor.fetchone()
        return bitmaps.bits_from_joined(joined)

    def _match_terms(self, query: Query) -> bitmaps.Bits:
        return self._matching(FTS_TABLE, to_fts5(query))

    def _excluded_terms(self, query: Query) -> bitmaps.Bits:
        return self._matching(FTS_TABLE, to_fts5_exclusions(query))

    def _group_terms(self, query: Query, group: Group) -> bitmaps.Bits:
        return self._matching(FTS_TABLE, to_fts5(Query(include=(group,))))

    def _holding(self, phrase: Phrase, within: bitmaps.Bits) -> bitmaps.Bits:
        # plain substrings (instr, in C) when the phrase has few written forms; else instr of its longest
        # literal, then Django's REGEXP function (Python's re) on what is left
        check, params = _phrase_condition(phrase, "instr(text, %s) > 0", "text REGEXP %s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT group_concat(program_id) FROM {PHRASE_TABLE} WHERE program_id IN "
                f"(SELECT value FROM json_each(%s)) AND {check}",
                ["[" + bitmaps.joined(within) + "]", *params],
            )
            (joined,) = cursor.fetchone()
        return bitmaps.bits_from_joined(joined)

    def title_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching(RANK_TABLE, f"{{title}} : ({to_fts5(Query(include=query.include))})")

    def short_bits(self, query: Query) -> bitmaps.Bits:
        return self._matching(RANK_TABLE, to_fts5(Query(include=query.include)))

    def group_bits(self, query: Query, group: Group, field: str) -> bitmaps.Bits:
        expression = to_fts5(Query(include=(group,)))
        return self._matching(RANK_TABLE, f"{{title}} : ({expression})" if field == "title" else expression)


class _Postgres(_Backend):
    """Terms in tsvector columns; queries are answered from the postings derived from them
    (`renkei.catalog.postings`), which `finish()` brings up to date in the same transaction."""

    def __init__(self) -> None:
        self._rebuild = False
        self._changed: list[int] = []
        self._evaluator: postings.Evaluator | None = None

    def clear(self) -> None:
        with (
            connection.cursor() as cursor
        ):  # not DELETE: a full re-index would leave every old row as dead space
            cursor.execute(f"TRUNCATE {TSV_TABLE}")
        self._rebuild = True

    def delete(self, ids: list[int]) -> None:
        self._changed += ids
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

    def finish(self) -> None:
        if self._rebuild:
            postings.rebuild()
        elif self._changed:
            postings.update(self._changed)

    def _postings(self, query: Query) -> postings.Evaluator:
        if self._evaluator is None or self._evaluator.query is not query:
            self._evaluator = postings.Evaluator(query)
        return self._evaluator

    def _match_terms(self, query: Query) -> bitmaps.Bits:
        return self._postings(query).match(query)

    def _excluded_terms(self, query: Query) -> bitmaps.Bits:
        return self._postings(query).any_of(query.exclude, postings.ANY)

    def _group_terms(self, query: Query, group: Group) -> bitmaps.Bits:
        return self._postings(query).group(group, postings.ANY)

    def _holding(self, phrase: Phrase, within: bitmaps.Bits) -> bitmaps.Bits:
        with connection.cursor() as cursor:
            check, params = _phrase_condition(phrase, "strpos(text, %s) > 0", "text ~ %s")
            cursor.execute(
                f"SELECT string_agg(program_id::text, ',') FROM {PHRASE_TABLE} "
                f"WHERE program_id = ANY(%s::bigint[]) AND {check}",
                ["{" + bitmaps.joined(within) + "}", *params],
            )
            (joined,) = cursor.fetchone()
        return bitmaps.bits_from_joined(joined)

    def title_bits(self, query: Query) -> bitmaps.Bits:
        return self._postings(query).all_of(query.include, postings.TITLE)

    def short_bits(self, query: Query) -> bitmaps.Bits:
        return self._postings(query).all_of(query.include, postings.SHORT)

    def group_bits(self, query: Query, group: Group, field: str) -> bitmaps.Bits:
        return self._postings(query).group(group, postings.TITLE if field == "title" else postings.SHORT)


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


class _Loader:
    """Loads batches of programs with what their index rows and documents need. Providers, units and
    concepts recur across programs: each is read and tokenised once per rebuild."""

    def __init__(self) -> None:
        self.organisations: dict[int, tuple[Related, Related]] = {}  # id → as a provider, as a unit
        self.concepts: dict[int, Related] = {}  # concept id → its labels and synonyms
        self.relations = (Program.fields.through, Program.skills.through)
        # the links in the order prefetching the relations gives (Concept's default ordering)
        self.concept_order = [
            f"-concept__{name[1:]}" if name.startswith("-") else f"concept__{name}"
            for name in Concept._meta.ordering or ()
        ]

    def _links(self, ids: list[int]) -> dict[int, list[int]]:
        """program id → its concept ids: fields, then skills."""
        links: dict[int, list[int]] = {}
        for through in self.relations:
            rows = through.objects.filter(program_id__in=ids).order_by(*self.concept_order)
            for program_id, concept_id in rows.values_list("program_id", "concept_id"):
                links.setdefault(program_id, []).append(concept_id)
        return links

    def _read_organisations(self, ids: set[int]) -> None:
        missing = ids - self.organisations.keys()
        rows = Organisation.objects.filter(pk__in=missing).values_list(
            "pk", "name_ja", "name_en", "short_name_ja", "short_name_en", "name_kana"
        )
        for pk, name_ja, name_en, short_name_ja, short_name_en, name_kana in rows:
            self.organisations[pk] = (
                _provider(name_ja, name_en, short_name_ja, short_name_en, name_kana),
                _unit(name_ja, name_en, name_kana),
            )

    def _read_concepts(self, ids: set[int]) -> None:
        missing = ids - self.concepts.keys()
        rows = Concept.objects.filter(pk__in=missing).values_list(
            "pk", "label_ja", "label_en", "synonyms_ja", "synonyms_en"
        )
        for pk, *texts in rows:
            self.concepts[pk] = _concept(*texts)

    def index_entries(self, ids: list[int], today: dt.date) -> tuple[list[ProgramIndex], list[IndexDocument]]:
        """The index rows and documents of the programs `ids` (those that exist)."""
        programs = list(Program.objects.filter(pk__in=ids).order_by("pk"))
        links = self._links(ids)
        starts: dict[int, list[dt.date]] = {}
        for program_id, start in ProgramRun.objects.filter(program_id__in=ids).values_list(
            "program_id", "starts_on"
        ):
            starts.setdefault(program_id, []).append(start)
        self._read_organisations(
            {p.provider_id for p in programs} | {p.unit_id for p in programs if p.unit_id}
        )
        self._read_concepts({c for concept_ids in links.values() for c in concept_ids})
        rows, documents = [], []
        for program in programs:
            rows.append(_index_row(program, sorted(starts.get(program.pk, [])), today))
            unit = self.organisations[program.unit_id][1] if program.unit_id is not None else None
            concepts = [self.concepts[c] for c in links.get(program.pk, [])]
            provider = self.organisations[program.provider_id][0]
            documents.append(_document(program, provider, concepts, unit))
        return rows, documents


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
            ProgramText.objects.all().delete()
            engine.clear()
            ids = list(Program.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted({p if isinstance(p, int) else p.pk for p in programs})
            for chunk in _chunks(ids, BATCH):
                ProgramIndex.objects.filter(pk__in=chunk).delete()
                ProgramText.objects.filter(pk__in=chunk).delete()
            engine.delete(ids)
        loader = _Loader()
        for chunk in _chunks(ids, BATCH):
            rows, documents = loader.index_entries(chunk, today)
            ProgramIndex.objects.bulk_create(rows)
            ProgramText.objects.bulk_create(
                [ProgramText(program_id=d.program_id, text=d.text) for d in documents if d.text]
            )
            engine.insert(documents)
            count += len(rows)
        if count >= OPTIMIZE_AFTER:
            engine.optimize()
        engine.finish()
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
    state = SearchState.objects.filter(pk=key)
    # no epoch yet (a database never fully re-indexed): this change starts one; caches rebuild once
    if state.filter(epoch="").update(token=token, epoch=token, seq=0):
        SearchChange.objects.filter(key=key).delete()  # changes logged before belong to no epoch
        return
    # the row lock taken by this update orders concurrent re-indexes until they commit
    if not state.update(token=token, seq=F("seq") + 1):
        SearchState.objects.create(key=key, token=token, epoch=token, seq=0)
        return
    seq = state.values_list("seq", flat=True).get()
    # keep the last KEEP_CHANGES; anything at or past this number is left from before an epoch began
    SearchChange.objects.filter(key=key).filter(Q(seq__lte=seq - KEEP_CHANGES) | Q(seq__gte=seq)).delete()
    SearchChange.objects.create(key=key, seq=seq, token=token, program_ids=",".join(map(str, ids)))


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

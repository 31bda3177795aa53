"""PostgreSQL postings: base − stale + delta always equals what the tsvector table implies (after saves,
deletes, large re-indexes, a stale set grown too large and rolled-back transactions), and queries answered
from them equal the tsvector table's own answers (`@@ to_tsquery`) for every field, prefix terms and
exclusions, with and without stale programs."""

from __future__ import annotations

import random
import re

import pytest
from catalog_corpus import EN_WORDS, JA_WORDS, corpus_values
from django.db import connection, transaction
from pyroaring import BitMap

from renkei.catalog import postings, search, services
from renkei.catalog.models import Program
from renkei.text import Group, Query, parse_query, to_tsquery

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="postings are the PostgreSQL back-end"),
]


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _base() -> dict[tuple[str, int], list[int]]:
    return {
        (t, f): list(BitMap.deserialize(bytes(b))) for t, f, b in _rows(f"SELECT * FROM {postings.TABLE}")
    }


def _stale() -> set[int]:
    return {pk for (pk,) in _rows(f"SELECT program_id FROM {postings.STALE_TABLE}")}


def _table() -> dict[tuple[str, int], list[int]]:
    """What the three tables say, read row by row: base − stale + delta."""
    stale = _stale()
    current = {key: set(ids) - stale for key, ids in _base().items()}
    for term, field, pk in _rows(f"SELECT term, field, program_id FROM {postings.DELTA_TABLE}"):
        current.setdefault((term, field), set()).add(pk)
    return {key: sorted(ids) for key, ids in current.items() if ids}


def _expected() -> dict[tuple[str, int], list[int]]:
    """The postings the tsvector table implies, computed by PostgreSQL alone."""
    expected: dict[tuple[str, int], list[int]] = {}
    with connection.cursor() as cursor:
        for field, column in postings.COLUMNS.items():
            cursor.execute(
                f"SELECT lexeme, array_agg(program_id ORDER BY program_id) FROM {postings.TSV_TABLE}, "
                f"unnest(tsvector_to_array({column})) lexeme GROUP BY lexeme"
            )
            expected.update({(term, field): ids for term, ids in cursor.fetchall()})
    return expected


def _tsquery(column: str, query: Query) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT program_id FROM {postings.TSV_TABLE} WHERE {column} @@ to_tsquery('simple', %s)",
            [to_tsquery(query)],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def corpus(owner_org, other_org):
    rng = random.Random(11)
    programs = []
    for i in range(120):
        values = corpus_values(rng, i) | {"status": "published"}
        program = Program(provider=(owner_org, other_org)[i % 2], code=f"P{i:03d}", **values)
        program.save()
        programs.append(program)
    services.programs_reindex()
    return programs


@pytest.fixture(params=["fresh", "edited"])
def searched(request, corpus, owner_org):
    """The corpus as a full re-index left it, or after saves and a delete (stale programs)."""
    if request.param == "edited":
        for program in corpus[:8]:
            program.title_ja = f"{program.title_ja} 品質 データ"
            program.summary_ja = "看護と観光の入門"
            services.program_save(program=program, actor=None)
        services.program_delete(program=corpus[8], actor=None)
        assert len(_stale()) == 9
    return corpus


QUERIES = [
    *JA_WORDS[:12],
    *EN_WORDS[:6],
    "農",
    "品質 -経営",
    "データ OR 看護",
    "-データ",
    "-データ -品質",
    '"データ 分析"',
    "pyth",
    "da",
    "シュミレーション",
    "ＤＸ",
    "存在しない語",
]


def test_queries_equal_the_tsvector_index(searched):
    found = 0
    for text in QUERIES:
        query = parse_query(text)
        evaluator = postings.Evaluator(query)
        if query.include:
            include = Query(include=query.include)
            expected = _tsquery("document", query)
            found += bool(expected)
            assert set(evaluator.match(query)) == expected, text
            assert set(evaluator.all_of(query.include, postings.TITLE)) == _tsquery(
                "title_vector", include
            ), text
            assert set(evaluator.all_of(query.include, postings.SHORT)) == _tsquery("rank_vector", include), (
                text
            )
        if query.exclude:
            either = Query(include=(Group(tuple(a for g in query.exclude for a in g.alternatives)),))
            assert set(evaluator.any_of(query.exclude, postings.ANY)) == _tsquery("document", either), text
    assert found >= 15  # most queries match something: the comparisons are not of empty sets


def test_full_reindex_builds_every_postings_list(corpus):
    table = _table()
    assert table == _expected()
    assert len({term for term, _ in table}) > 200  # a real vocabulary, not an empty comparison


def test_saves_and_deletes_go_to_the_delta(corpus, owner_org):
    program = corpus[0]
    program.title_ja = "養蜂とジビエの特別講座"  # new terms, and the old title's terms leave
    base = _base()
    with CaptureWrites() as writes:
        services.program_save(program=program, actor=None)
    deleted = corpus[1].pk
    services.program_delete(program=corpus[1], actor=None)
    new = Program(provider=owner_org, code="NEW", title_ja="養蜂入門", status="published")
    services.program_save(program=new, actor=None)
    assert writes.tables == {postings.DELTA_TABLE, postings.STALE_TABLE}  # the base is not rewritten
    assert _base() == base
    assert _stale() == {program.pk, deleted, new.pk}
    table = _table()
    assert table == _expected()
    assert table[("養蜂b", postings.TITLE)] == sorted([program.pk, new.pk])
    assert all(deleted not in ids for ids in table.values())


def test_a_large_reindex_rebuilds_the_base(corpus, monkeypatch):
    monkeypatch.setattr(postings, "PATCH_PROGRAMS", 5)
    services.program_save(program=corpus[11], actor=None)
    for program in corpus[:10]:
        Program.objects.filter(pk=program.pk).update(title_ja=f"再構築テスト {program.code}")
    search.program_index_rebuild(programs=[p.pk for p in corpus[:10]])
    assert _stale() == set()
    assert _rows(f"SELECT count(*) FROM {postings.DELTA_TABLE}") == [(0,)]
    table = _table()
    assert table == _expected()
    assert len(table[("再構b", postings.TITLE)]) == 10


def test_too_many_stale_programs_rebuild_the_base(corpus, monkeypatch):
    monkeypatch.setattr(postings, "STALE_MAX", 3)
    for program in corpus[:3]:
        services.program_save(program=program, actor=None)
    assert len(_stale()) == 3
    corpus[3].title_ja = "四つ目の保存"
    services.program_save(program=corpus[3], actor=None)
    assert _stale() == set()
    assert _table() == _expected()
    assert _base()[("四ツb", postings.TITLE)] == [corpus[3].pk]


def test_reindexing_a_whole_small_catalog_rebuilds_instead_of_filling_the_delta(corpus):
    # what loading the demo does: one partial re-index of every program (120 here, over STALE_MIN)
    search.program_index_rebuild(programs=[p.pk for p in corpus[:50]])
    assert len(_stale()) == 50  # under the threshold: delta
    search.program_index_rebuild(programs=[p.pk for p in corpus])
    assert _stale() == set()
    assert _rows(f"SELECT count(*) FROM {postings.DELTA_TABLE}") == [(0,)]
    assert _table() == _expected()


def test_a_rolled_back_save_leaves_the_postings_as_they_were(corpus):
    services.program_save(program=corpus[4], actor=None)  # one stale program already
    before = (_base(), _stale(), _table())
    program = corpus[3]
    seen = []

    def save_then_fail() -> None:
        with transaction.atomic():
            program.title_ja = "巻き戻される題名"
            services.program_save(program=program, actor=None)
            seen.append(("巻キb", postings.TITLE) in _table())
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert seen == [True]
    assert (_base(), _stale(), _table()) == before


WRITE = re.compile(r"^\s*(?:INSERT INTO|DELETE FROM|UPDATE|COPY|TRUNCATE)\s+(\w+)", re.IGNORECASE)


class CaptureWrites:
    """Records which postings tables statements write to."""

    def __enter__(self) -> CaptureWrites:
        self.tables: set[str] = set()
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)

    def _record(self, execute, sql, params, many, context):
        if (match := WRITE.match(sql)) and match[1].startswith(postings.TABLE):
            self.tables.add(match[1])
        return execute(sql, params, many, context)

"""program_index_rebuild reads programs in batches, tokenising each provider, unit and concept once; its
index rows and documents must be exactly those of program_index_row / program_document on one prefetched
program at a time (on the database in use)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from catalog_corpus import corpus_runs, corpus_values, ja_text
from django.db import connection

from renkei.catalog import search as search_index
from renkei.catalog.models import Program, ProgramIndex
from renkei.taxonomy.models import Concept, Scheme

pytestmark = pytest.mark.django_db

LONG_SYNONYMS = "\n".join(
    ["データサイエンス", "データ科学", "データ分析学", "統計的データ解析", "計量書誌学", "data science"] * 8
)


@pytest.fixture
def varied_catalog(owner_org, other_org, make_program):
    from factories import OrganisationFactory, UnitFactory

    rng = random.Random(20260401)
    # schemes created in the reverse of their key order, concepts in the reverse of their sort order
    later, earlier = (
        Scheme.objects.create(key="z-skills", name_ja="技能"),
        Scheme.objects.create(key="a-fields"),
    )
    concepts = []
    for i in range(12):
        concepts.append(
            Concept.objects.create(
                scheme=later if i % 3 else earlier,
                code=f"c-{i:02d}",
                kind="field" if i % 2 else "skill",
                sort_order=(12 - i) % 5,
                label_ja=ja_text(rng, 1),
                label_en=f"Concept {i}" if i % 4 else "",
                synonyms_ja=LONG_SYNONYMS if i == 5 else ja_text(rng, 2),
                synonyms_en="data science\ninformatics" if i % 2 else "",
            )
        )
    third = OrganisationFactory(
        key="third-u", name_ja="第三工業大学", name_en="", short_name_ja="三工大", short_name_en="TIT"
    )
    unit = UnitFactory(  # also a provider: its short names count for its own programs only
        parent=owner_org, name_ja="社会連携センター", name_en="Centre for Partnerships", short_name_ja="連携C"
    )
    today = dt.date(2026, 4, 1)
    for i in range(40):
        provider = [owner_org, other_org, third, unit][i % 4]
        values = corpus_values(rng, i)
        if i % 4 == 0:
            values["description_ja"] = ja_text(rng, 40)  # long: not memoised
        if i % 5 == 0:
            values["description_en"] = "Hands-on exercises for working adults, Python 3 and Excel."
        if i % 6 == 0:
            values.update(venue_name_ja="本部キャンパス", venue_address_ja="山形市小白川町1-4-12")
        if i % 7 == 0:
            values.update(
                subsidy_note_ja="教育訓練給付の対象です。", subsidy_note_en="Eligible for the benefit."
            )
        make_program(
            provider,
            f"P-{i:02d}",
            unit=unit if provider == owner_org and i % 8 == 4 else None,
            fields=[c for c in rng.sample(concepts, rng.randint(0, 4)) if c.kind == "field"],
            skills=[c for c in rng.sample(concepts, rng.randint(0, 5)) if c.kind == "skill"],
            runs=corpus_runs(rng, today),
            **values,
        )
    return today


def _values(row: ProgramIndex) -> dict:
    return {field.attname: getattr(row, field.attname) for field in ProgramIndex._meta.concrete_fields}


def test_batches_give_the_rows_and_documents_of_one_program_at_a_time(varied_catalog):
    # given
    today = varied_catalog
    ids = sorted(Program.objects.values_list("pk", flat=True))
    programs = (
        Program.objects.filter(pk__in=ids)
        .order_by("pk")
        .select_related("provider", "unit")
        .prefetch_related("fields", "skills", "runs")
    )
    expected_rows = [_values(search_index.program_index_row(p, today=today)) for p in programs]
    expected_documents = [search_index.program_document(p) for p in programs]
    # when: three batches sharing one loader (providers and concepts read by the first batch are reused)
    loader = search_index._Loader()
    rows, documents = [], []
    for chunk in (ids[:7], ids[7:25], ids[25:]):
        chunk_rows, chunk_documents = loader.index_entries(chunk, today)
        rows += [_values(row) for row in chunk_rows]
        documents += chunk_documents
    # then
    assert [d.program_id for d in documents] == ids
    assert documents == expected_documents
    assert rows == expected_rows
    assert any("書誌b" in d.body.split() for d in documents)  # the long synonyms were indexed
    assert any(p.unit_id for p in programs)
    assert any(p.provider.parent_id for p in programs)
    assert any(r["next_start"] is None and r["start_month"] for r in rows)  # runs only in the past


def _stored() -> list[tuple]:
    """(program id, title, summary, body) as stored: the FTS5 columns, or the tsvectors as text."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, title, summary, body FROM {search_index.FTS_TABLE} ORDER BY rowid")
        else:
            cursor.execute(
                f"SELECT program_id, document::text, rank_vector::text FROM {search_index.TSV_TABLE} "
                "ORDER BY program_id"
            )
        return cursor.fetchall()


def _as_stored(document: search_index.IndexDocument) -> tuple:
    if connection.vendor == "sqlite":
        return (document.program_id, document.title, document.summary, document.body)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (t || s || setweight(to_tsvector('simple', %s), 'D'))::text, (t || s)::text FROM "
            "(SELECT setweight(to_tsvector('simple', %s), 'A') t, setweight(to_tsvector('simple', %s), 'B') s) v",
            [document.body, document.title, document.summary],
        )
        return (document.program_id, *cursor.fetchone())


def test_rebuild_stores_what_program_document_makes(varied_catalog):
    # given
    today = varied_catalog
    programs = (
        Program.objects.order_by("pk")
        .select_related("provider", "unit")
        .prefetch_related("fields", "skills", "runs")
    )
    expected_rows = [_values(search_index.program_index_row(p, today=today)) for p in programs]
    expected_texts = [_as_stored(search_index.program_document(p)) for p in programs]
    # when
    count = search_index.program_index_rebuild(today=today)
    # then
    assert count == len(expected_rows)
    assert [_values(row) for row in ProgramIndex.objects.order_by("pk")] == expected_rows
    assert _stored() == expected_texts

"""Renkei's starter taxonomy: the content of its file (loading it: tests/integration/taxonomy)."""

from __future__ import annotations

import pytest

from renkei.taxonomy.readers.starter import read_starter

# --- the file (no database) --------------------------------------------------------------------------


def test_starter_has_every_kind_in_expected_numbers() -> None:
    data = read_starter()
    kinds: dict[str, int] = {}
    for concept in data.concepts:
        kinds[concept.kind] = kinds.get(concept.kind, 0) + 1
    assert data.scheme.key == "renkei-starter"
    assert 15 <= kinds["field"] <= 25
    assert 40 <= kinds["skill"] <= 70
    assert kinds["curriculum_unit"] == 29


def test_every_starter_concept_has_japanese_and_english_labels() -> None:
    missing = [c.code for c in read_starter().concepts if not (c.label_ja and c.label_en)]
    assert missing == []


def test_starter_codes_are_unique_and_parents_exist() -> None:
    concepts = read_starter().concepts
    codes = [c.code for c in concepts]
    assert len(codes) == len(set(codes))
    assert {c.parent for c in concepts if c.parent} <= set(codes)


def test_mdash_literacy_level_has_sections_and_units() -> None:
    # given
    concepts = {c.code: c for c in read_starter().concepts}
    children: dict[str, list[str]] = {}
    for c in concepts.values():
        if c.parent:
            children.setdefault(c.parent, []).append(c.code)
    # then: level -> section -> unit
    assert concepts["mdash-lit"].parent is None
    assert children["mdash-lit"] == ["mdash-lit-1", "mdash-lit-2", "mdash-lit-3", "mdash-lit-4"]
    assert [len(children[f"mdash-lit-{n}"]) for n in range(1, 5)] == [6, 3, 2, 9]
    assert concepts["mdash-lit-1-1"].label_ja == "社会で起きている変化"
    assert concepts["mdash-lit-2-1"].label_ja == "データを読む"
    assert concepts["mdash-lit-4-1"].label_ja == "統計および数理基礎"
    assert concepts["mdash-lit-4-9"].label_ja == "データ活用実践（教師なし学習）"
    assert children["mdash-app"] == ["mdash-app-1", "mdash-app-2", "mdash-app-3"]
    assert [concepts[c].label_ja for c in children["mdash-app"]] == [
        "データサイエンス基礎",
        "データエンジニアリング基礎",
        "AI基礎",
    ]


def test_mdash_sections_are_not_looked_for_in_text() -> None:
    concepts = {c.code: c for c in read_starter().concepts}
    assert [code for code, c in concepts.items() if not c.auto_tag] == [
        "mdash-lit-1",
        "mdash-lit-2",
        "mdash-lit-3",
        "mdash-lit-4",
    ]


@pytest.mark.parametrize(
    ("code", "synonym"),
    [
        ("skill-simulation", "シュミレーション"),
        ("skill-server", "サーバ構築"),
        ("skill-dx", "デジタルトランスフォーメーション"),
        ("skill-dx", "ＤＸ"),
        ("skill-excel", "エクセル"),
    ],
)
def test_starter_lists_common_variants_as_synonyms(code: str, synonym: str) -> None:
    concept = next(c for c in read_starter().concepts if c.code == code)
    assert synonym in concept.synonyms_ja

"""Renkei's starter taxonomy: its content, and loading it (idempotent, audited)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from renkei.core.audit import AuditContextMissing
from renkei.core.models import AuditEntry
from renkei.taxonomy.models import Concept, Scheme
from renkei.taxonomy.readers.starter import read_starter
from renkei.taxonomy.services import taxonomy_load_starter

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


# --- loading -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_starter_creates_scheme_concepts_and_hierarchy() -> None:
    # when
    report = taxonomy_load_starter()
    # then
    scheme = Scheme.objects.get(key="renkei-starter")
    assert report.created == Concept.objects.filter(scheme=scheme).count() == len(read_starter().concepts)
    assert "数理・データサイエンス・AI" in scheme.attribution
    unit = Concept.objects.select_related("parent__parent").get(scheme=scheme, code="mdash-lit-3-2")
    assert unit.kind == Concept.Kind.CURRICULUM_UNIT
    assert (unit.parent.code, unit.parent.parent.code) == ("mdash-lit-3", "mdash-lit")
    assert Concept.objects.get(scheme=scheme, code="skill-simulation").synonyms_ja.splitlines() == [
        "シュミレーション",
        "数値シミュレーション",
    ]


@pytest.mark.django_db
def test_load_starter_audits_each_row_once() -> None:
    # when
    report = taxonomy_load_starter()
    # then: one entry per concept and one for the scheme; no update entries for parent links
    assert AuditEntry.objects.count() == report.created + 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).exists()


@pytest.mark.django_db
def test_load_starter_twice_writes_nothing() -> None:
    # given
    taxonomy_load_starter()
    entries = AuditEntry.objects.count()
    # when
    report = taxonomy_load_starter()
    # then
    assert AuditEntry.objects.count() == entries
    assert (report.writes, report.created, report.updated) == (0, 0, 0)
    assert report.unchanged == len(read_starter().concepts)


@pytest.mark.django_db
def test_reload_restores_an_edited_concept_and_writes_only_it() -> None:
    # given
    taxonomy_load_starter()
    concept = Concept.objects.get(code="skill-python")
    concept.label_en = "Snake"
    concept.save()
    before = concept.updated_at
    last_entry = AuditEntry.objects.latest("id").id
    # when
    report = taxonomy_load_starter()
    # then: only that concept is written, and the audit log says what changed
    concept.refresh_from_db()
    assert (report.updated, report.created) == (1, 0)
    assert concept.label_en == "Python"
    assert concept.updated_at > before
    new_entries = AuditEntry.objects.filter(id__gt=last_entry)
    assert {(e.action, e.object_id) for e in new_entries} == {(AuditEntry.Action.UPDATE, str(concept.pk))}
    assert new_entries.latest("id").changes == {"label_en": ["Snake", "Python"]}


@pytest.mark.django_db
def test_concepts_no_longer_in_the_file_are_kept_and_reported() -> None:
    # given
    taxonomy_load_starter()
    Concept.objects.create(
        scheme=Scheme.objects.get(key="renkei-starter"), code="skill-retired", kind="skill", label_ja="廃止"
    )
    # when
    report = taxonomy_load_starter()
    # then
    assert report.stale == 1
    assert Concept.objects.filter(code="skill-retired").exists()


@pytest.mark.django_db
def test_load_starter_outside_an_audit_context_fails_closed(no_audit_context: Any) -> None:
    with pytest.raises(AuditContextMissing):
        no_audit_context(taxonomy_load_starter)
    assert not Scheme.objects.exists()


@pytest.mark.django_db
def test_loadtaxonomy_starter_command_writes_via_command() -> None:
    # when
    out = StringIO()
    call_command("loadtaxonomy", "starter", stdout=out)
    call_command("loadtaxonomy", "starter", stdout=out)
    # then
    assert set(AuditEntry.objects.values_list("via", "label").distinct()) == {("command", "loadtaxonomy")}
    assert (
        out.getvalue().splitlines()[-2].strip().startswith("renkei-starter: created 0, updated 0, unchanged")
    )

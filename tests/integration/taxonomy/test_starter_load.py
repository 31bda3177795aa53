"""Loading Renkei's starter taxonomy into the database: idempotent, audited, through the command too.

The file's content is tested without a database in tests/unit/taxonomy/test_starter.py.
"""

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

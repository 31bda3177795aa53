"""ESCO skills from CSV: Tabiya's layout and the ESCO portal's (synthetic), and the shared sample."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from renkei.taxonomy.readers.esco import read_esco
from renkei.taxonomy.records import ConceptRecord, TaxonomyFileError, without_cycles

ESCO = "http://data.europa.eu/esco"

# --- synthetic files -----------------------------------------------------------------------------------


def test_tabiya_layout_gives_skills_and_groups_with_uris_as_codes(tabiya_dir: Path) -> None:
    # when
    data = read_esco(tabiya_dir, version="9.9")
    # then
    concepts = {c.code: c for c in data.concepts}
    juggle = concepts[f"{ESCO}/skill/fake-1"]
    assert (juggle.kind, juggle.label_en, juggle.label_ja) == ("skill", "juggle spreadsheets", "")
    assert juggle.synonyms_en == ("keep spreadsheets aloft",)  # the preferred label is not repeated
    assert juggle.auto_tag
    botany = concepts[f"{ESCO}/skill/fake-2"]
    assert botany.kind == "knowledge"
    assert botany.description_en == "Plants that do not exist.\n\nNot real plants."
    assert botany.parent == f"{ESCO}/isced-f/9999"


def test_tabiya_groups_are_grouping_nodes(tabiya_dir: Path) -> None:
    concepts = {c.code: c for c in read_esco(tabiya_dir).concepts}
    group, field = concepts[f"{ESCO}/skill/fake-group"], concepts[f"{ESCO}/isced-f/9999"]
    assert (group.kind, group.auto_tag, group.parent) == ("skill", False, None)
    assert (field.kind, field.auto_tag) == ("field", False)


def test_tabiya_hierarchy_keeps_the_first_broader_concept(tabiya_dir: Path) -> None:
    # when
    data = read_esco(tabiya_dir)
    # then
    concepts = {c.code: c for c in data.concepts}
    assert concepts[f"{ESCO}/skill/fake-1"].parent == f"{ESCO}/skill/fake-group"
    assert concepts[f"{ESCO}/skill/fake-3"].parent == f"{ESCO}/skill/fake-1"  # skill under skill
    assert concepts[f"{ESCO}/skill/fake-4"].parent is None
    assert "1 further broader links left out" in data.notes[0]


def test_groups_come_first_then_skills_by_label(tabiya_dir: Path) -> None:
    labels = [c.label_en for c in sorted(read_esco(tabiya_dir).concepts, key=lambda c: c.sort_order)]
    assert labels == [
        "handling imaginary things",
        "imaginary sciences",
        "imaginary botany",
        "juggle spreadsheets",
        "juggle two spreadsheets",
        "orphan skill",
    ]


def test_tabiya_attribution_credits_esco_and_tabiya(tabiya_dir: Path) -> None:
    assert read_esco(tabiya_dir, version="9.9").scheme.attribution == (
        "This service uses the ESCO classification of the European Commission (ESCO v9.9, © European Union, "
        "reused under Commission Decision 2011/833/EU). The data is a modified subset converted to CSV by Tabiya "
        "(github.com/tabiya-tech/tabiya-esco-datasets-and-tools, MIT licence). The European Commission does not "
        "endorse this service."
    )


def test_portal_layout_reads_released_skills_with_hidden_labels(portal_dir: Path) -> None:
    # when
    data = read_esco(portal_dir / "skills_en.csv", version="9.9")
    # then
    concepts = {c.code: c for c in data.concepts}
    assert set(concepts) == {f"{ESCO}/skill/fake-a", f"{ESCO}/skill/fake-b", f"{ESCO}/skill/fake-k"}
    assert concepts[f"{ESCO}/skill/fake-a"].synonyms_en == (
        "whistle code",
        "code whistling",
        "wistle in code",
    )
    assert concepts[f"{ESCO}/skill/fake-b"].parent == f"{ESCO}/skill/fake-k"
    assert concepts[f"{ESCO}/skill/fake-k"].kind == "knowledge"
    assert "1 skills not released (status) left out" in data.notes
    assert "taken from the ESCO CSV download" in data.scheme.attribution
    assert "Tabiya" not in data.scheme.attribution


def test_a_folder_without_skills_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFileError, match=r"no skills\.csv"):
        read_esco(tmp_path)


def test_a_skills_file_without_the_expected_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "skills.csv").write_text("uri,label\nx,y\n", encoding="utf-8")
    with pytest.raises(TaxonomyFileError, match="missing columns"):
        read_esco(tmp_path)


def test_cycles_in_the_hierarchy_are_broken() -> None:
    # given: a -> b -> c -> a, and d -> a
    records = [
        ConceptRecord(code="a", kind="skill", label_en="a", parent="b"),
        ConceptRecord(code="b", kind="skill", label_en="b", parent="c"),
        ConceptRecord(code="c", kind="skill", label_en="c", parent="a"),
        ConceptRecord(code="d", kind="skill", label_en="d", parent="a"),
    ]
    # when
    kept, cut = without_cycles(records)
    # then
    assert cut == 1
    assert [r.parent for r in kept] == ["b", "c", None, "a"]


# --- the shared sample (skipped when ../shared/data is absent) -----------------------------------------


def test_sample_has_1000_skills_and_640_groups(esco_sample: Path) -> None:
    # when
    data = read_esco(esco_sample, version="1.1.1")
    # then
    counts = Counter((c.kind, c.auto_tag) for c in data.concepts)
    assert counts[("skill", True)] + counts[("knowledge", True)] == 1000
    assert (counts[("skill", True)], counts[("knowledge", True)]) == (792, 208)
    assert sum(n for (_, auto_tag), n in counts.items() if not auto_tag) == 640
    assert all(c.label_en and not c.label_ja for c in data.concepts)
    assert all(re.fullmatch(rf"{ESCO}/(skill|isced-f)/[\w-]+", c.code) for c in data.concepts)


def test_sample_attribution_is_the_readme_text(esco_sample: Path, esco_readme: str) -> None:
    # given: the README's attribution, a quoted paragraph
    lines = [line.strip() for line in esco_readme.splitlines()]
    quoted = " ".join(line.removeprefix(">").strip() for line in lines if line.startswith(">"))
    # when
    credit = read_esco(esco_sample, version="1.1.1").scheme.attribution
    # then
    assert credit == quoted

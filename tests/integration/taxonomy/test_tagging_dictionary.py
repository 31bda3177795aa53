"""The skill tagger's dictionary built from the concepts in the database, cached until they change.

Matching text against a dictionary is tested without a database in tests/unit/taxonomy/test_tagging.py.
"""

from __future__ import annotations

import pytest

from renkei.taxonomy.models import Concept, Scheme
from renkei.taxonomy.selectors import concept_dictionary
from renkei.taxonomy.services import taxonomy_load_starter
from renkei.taxonomy.tagging import ConceptDictionary, concepts_in_text


def codes(text: str, dictionary: ConceptDictionary) -> list[str]:
    return [match.code for match in concepts_in_text(text, concepts=dictionary)]


@pytest.mark.django_db
def test_dictionary_is_built_once_and_rebuilt_when_concepts_change() -> None:
    # given
    taxonomy_load_starter()
    first = concept_dictionary()
    # when nothing changes
    assert concept_dictionary() is first
    # when a concept gains a synonym
    concept = Concept.objects.get(code="skill-welding")
    concept.synonyms_ja += "\nろう付け"
    concept.save()
    second = concept_dictionary()
    # then
    assert second is not first
    assert codes("ろう付けの実習", second) == ["skill-welding"]


@pytest.mark.django_db
def test_dictionary_leaves_out_concepts_not_to_tag_and_filters_kinds() -> None:
    # given
    taxonomy_load_starter()
    concept = Concept.objects.get(code="skill-welding")
    concept.auto_tag = False
    concept.save()
    # when
    everything = concept_dictionary()
    fields = concept_dictionary(kinds=["field"])
    # then
    assert "skill-welding" not in codes("溶接の実習", everything)
    assert everything.size == Concept.objects.filter(auto_tag=True).count()
    assert codes("看護学とPython", fields) == ["field-medicine-nursing"]


@pytest.mark.django_db
def test_dictionary_of_several_schemes() -> None:
    # given
    taxonomy_load_starter()
    other = Scheme.objects.create(key="other", name_ja="他の分類")
    Concept.objects.create(scheme=other, code="o-kimono", kind="skill", label_ja="着付け")
    # when
    dictionary = concept_dictionary(scheme_keys=["renkei-starter", "other"])
    # then
    assert codes("着付けとPython", dictionary) == ["o-kimono", "skill-python"]
    assert codes("着付け", concept_dictionary()) == []

"""Admin pages for taxonomies and concepts, and the rules a concept's broader link must follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from renkei.taxonomy.models import Concept, Scheme
from renkei.taxonomy.services import taxonomy_load_starter


@pytest.fixture
def starter_loaded(db: None) -> Scheme:
    taxonomy_load_starter()
    return Scheme.objects.get(key="renkei-starter")


@pytest.mark.parametrize("query", ["シュミレーション", "skill-simulation", "Simulation"])
def test_concept_search_covers_code_labels_and_synonyms(
    client: Any, superuser: Any, starter_loaded: Scheme, query: str
) -> None:
    client.force_login(superuser)
    response = client.get(reverse("admin:taxonomy_concept_changelist"), {"q": query})
    assert response.status_code == 200
    assert "skill-simulation" in response.content.decode()


def test_concept_list_filters_by_scheme_and_kind(client: Any, superuser: Any, starter_loaded: Scheme) -> None:
    client.force_login(superuser)
    response = client.get(
        reverse("admin:taxonomy_concept_changelist"),
        {"scheme__id__exact": starter_loaded.pk, "kind__exact": "curriculum_unit"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "mdash-lit-2-1" in page
    assert "skill-python" not in page


def test_parent_autocomplete_finds_concepts(client: Any, superuser: Any, starter_loaded: Scheme) -> None:
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "taxonomy",
            "model_name": "concept",
            "field_name": "parent",
            "term": "リテラシーレベル",
        },
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert "リテラシーレベル" in texts


def test_scheme_list_shows_concept_counts(client: Any, superuser: Any, starter_loaded: Scheme) -> None:
    client.force_login(superuser)
    response = client.get(reverse("admin:taxonomy_scheme_changelist"))
    assert response.status_code == 200
    assert str(starter_loaded.concepts.count()) in response.content.decode()


def test_concept_change_page_renders(client: Any, superuser: Any, starter_loaded: Scheme) -> None:
    client.force_login(superuser)
    concept = Concept.objects.get(code="mdash-lit-1-1")
    response = client.get(reverse("admin:taxonomy_concept_change", args=[concept.pk]))
    assert response.status_code == 200


def test_broader_concept_must_be_in_the_same_taxonomy(starter_loaded: Scheme) -> None:
    # given
    other = Scheme.objects.create(key="other", name_ja="他の分類")
    concept = Concept(scheme=other, code="o-1", kind="skill", label_ja="何か")
    concept.parent = Concept.objects.get(code="mdash-lit")
    # when / then
    with override("en"), pytest.raises(ValidationError, match="same taxonomy") as error:
        concept.full_clean()
    assert list(error.value.message_dict) == ["parent"]


def test_a_concept_cannot_be_its_own_ancestor(starter_loaded: Scheme) -> None:
    # given: the literacy level placed under one of its own units
    level = Concept.objects.get(code="mdash-lit")
    level.parent = Concept.objects.get(code="mdash-lit-1-1")
    # when / then
    with override("en"), pytest.raises(ValidationError, match="broader than itself") as error:
        level.full_clean()
    assert list(error.value.message_dict) == ["parent"]

"""Shared teaching content is searched through the one text pipeline, as programs and organisations are."""

from __future__ import annotations

import pytest
from factories import OrganisationFactory

from renkei.catalog.models import TeachingContent
from renkei.catalog.selectors import content_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def contents() -> None:
    provider = OrganisationFactory(key="content-u")
    for code, title_ja, title_en in [
        ("C1", "数理・データサイエンス入門", "Introduction to data science"),
        ("C2", "データ分析演習", "Data analysis exercises"),
        ("C3", "ＤＸ推進の基礎", "Basics of DX"),
        ("C4", "統計学の考え方", "Thinking in statistics"),
    ]:
        TeachingContent.objects.create(
            provider=provider, code=code, title_ja=title_ja, title_en=title_en, status="published"
        )


def _codes(q: str) -> list[str]:
    return sorted(c.code for c in content_list(user=None, q=q))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("データ", ["C1", "C2"]),
        ("数理", ["C1"]),  # two characters of Japanese
        ("データ -演習", ["C1"]),  # an exclusion
        ("dx", ["C3"]),  # half-width, lower case against full-width ＤＸ
        ("statistics", ["C4"]),
        ("データ OR 統計", ["C1", "C2", "C4"]),
        ("c2", ["C2"]),  # the code
        ("", ["C1", "C2", "C3", "C4"]),
    ],
)
def test_content_search_speaks_japanese(contents, q, expected) -> None:
    assert _codes(q) == expected

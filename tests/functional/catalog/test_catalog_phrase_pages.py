"""A quoted phrase through the API and the search page: the same set, the same count (issue 10)."""

from __future__ import annotations

import re

import pytest
from support.html import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(owner_org, make_program):
    make_program(owner_org, "ADJ", title_ja="データサイエンス入門", title_en="Introduction to Data Science")
    make_program(owner_org, "PUNCT", title_ja="手法", description_en="We teach data-science methods.")
    make_program(owner_org, "APART", title_ja="政治学", title_en="Data for political science")
    make_program(owner_org, "BORDER", title_ja="統計", title_en="Big data", summary_en="Science for all")


def _page_codes(html: str) -> set[str]:
    return set(re.findall(r'href="/programs/owner-u/([A-Z-]+)/"', html))


@pytest.mark.parametrize(
    ("query", "found"),
    [('"data science"', {"ADJ", "PUNCT"}), ("data science", {"ADJ", "PUNCT", "APART", "BORDER"})],
)
def test_the_api_and_the_page_give_the_same_set(programs, client, query, found):
    body = client.get("/api/v1/programs", {"q": query, "limit": 100}).json()
    assert {item["code"] for item in body["items"]} == found
    assert body["total"] == len(found)
    mode = next(f for f in body["facets"] if f["key"] == "mode")
    assert sum(v["count"] for v in mode["values"]) == len(found)
    html = client.get("/programs/search/", {"q": query}).content.decode()
    assert _page_codes(html) == found
    [count] = texts(html, "p", "results-count")
    assert count.startswith(f"{len(found)} 件のプログラム")

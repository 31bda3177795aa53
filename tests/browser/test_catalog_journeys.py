"""The catalog as a learner uses it: search in Japanese, narrow with a facet, open a program, see the map."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def result_count(page: Page) -> int:
    text = page.locator(".results-count").inner_text()
    return int(re.search(r"\d+", text).group())


def test_search_in_japanese_narrow_with_a_facet_and_open_a_program(
    page: Page, base_url: str, screenshot: Screenshot
):
    # given: the catalog's landing page, browsed by field first
    page.goto(f"{base_url}/programs/")
    assert page.locator("html").get_attribute("lang") == "ja"
    # when: a learner types a two-character word; results update as they type (HTMX)
    page.goto(f"{base_url}/programs/search/")
    page.locator("#q").fill("品質")
    expect(page.locator(".results-count")).to_contain_text("品質")
    total = result_count(page)
    assert total > 0
    titles = page.locator(".program-cards h3").all_inner_texts()
    assert titles
    assert all("【サンプル】" in title for title in titles)  # sample data is marked as such
    # and: narrows by a mode facet that has results
    facet = page.locator('fieldset[data-facet="mode"] label').filter(has_not=page.locator(".zero")).first
    expected = int(facet.locator(".facet-count").inner_text())
    facet.locator("input").check()
    expect(page.locator(".selected-filters")).to_be_visible()
    assert result_count(page) == expected <= total
    assert "mode=" in page.url  # the address can be shared
    screenshot(page, "catalog-search-ja")
    # when: they open the first program
    page.locator(".program-cards h3 a").first.click()
    page.wait_for_load_state()
    # then: the program page says it is sample data and carries schema.org Course JSON-LD
    expect(page.locator(".sample-banner .badge-sample")).to_be_visible()
    data = json.loads(
        page.locator('script[type="application/ld+json"]').first.inner_text()
    )  # the page's own node comes first
    assert data["@type"] == "Course"
    assert data["provider"]["name"]
    screenshot(page, "catalog-program-ja")


def test_the_map_shows_programs_and_outlines_without_internet(
    page: Page, base_url: str, screenshot: Screenshot
):
    # when
    page.goto(f"{base_url}/programs/map/")
    # then: markers (single programs or clusters) and provider markers appear over the shipped outlines
    expect(page.locator(".cluster-marker, path.leaflet-interactive").first).to_be_visible()
    assert page.locator("path.land").count() >= 47  # prefecture outlines shipped with Renkei
    assert "国土数値情報" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".provider-marker").count() > 0
    expect(page.locator("#map-status")).not_to_be_empty()
    screenshot(page, "catalog-map-ja")
    # and: a facet filters the map as it filters the list
    before = page.locator("#map-status").inner_text()
    page.locator('fieldset[data-facet="mode"] input[value="onsite"]').check()
    expect(page.locator("#map-status")).not_to_have_text(before)


def test_the_search_works_without_javascript(page_without_js: Page, base_url: str):
    # given a browser without JavaScript: the plain form submits by GET
    page = page_without_js
    page.goto(f"{base_url}/programs/search/")
    page.locator("#q").fill("データ")
    page.locator("#program-search button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "q=" in page.url
    assert result_count(page) > 0


def test_english_search_finds_english_titles(page: Page, base_url: str):
    page.goto(f"{base_url}/en/programs/search/?q=data")
    assert page.locator("html").get_attribute("lang") == "en"
    assert result_count(page) > 0
    assert all("[Sample]" in title for title in page.locator(".program-cards h3").all_inner_texts())

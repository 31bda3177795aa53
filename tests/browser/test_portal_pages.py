"""The public pages people click first: home, network pages, an organisation page, in both languages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

if TYPE_CHECKING:
    from tests.browser.conftest import Traffic

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]

DEMO_NETWORKS = {
    "東北創成国立大学アライアンス",
    "やまがた社会共創プラットフォーム",
    "大学の国際化促進フォーラム",
    "わきたつ東北戦略会議",
}
ALLIANCE_UNIVERSITIES = {
    "弘前大学",
    "岩手大学",
    "東北大学",
    "宮城教育大学",
    "秋田大学",
    "山形大学",
    "福島大学",
    "新潟大学",
}
ALLIANCE_PATH = "/networks/tohoku-sosei-alliance/"


def lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def member_rows(page: Page) -> list[dict[str, str]]:
    """The members table's rows, one dict per row (columns by position: headings are translated)."""
    table = page.get_by_test_id("members-table")
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))"
    )
    keys = ("organisation", "kind", "role", "category", "since", "source")
    return [dict(zip(keys, cells, strict=True)) for cells in rows]


def open_network_from_home(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/")
    page.locator(".card h3").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def main_text(page: Page) -> str:
    return page.locator("main").inner_text()


def test_home_lists_the_four_demo_networks_in_japanese(
    page: Page, base_url: str, screenshot: Screenshot
) -> None:
    # when
    page.goto(f"{base_url}/")

    # then
    assert lang(page) == "ja"
    assert set(page.locator(".card h3").all_inner_texts()) == DEMO_NETWORKS
    for name in DEMO_NETWORKS:
        assert page.get_by_role("link", name=name, exact=True).is_visible()
    screenshot(page, "home-ja")


def test_alliance_page_lists_members_and_bylaws(page: Page, base_url: str, screenshot: Screenshot) -> None:
    # when: a visitor clicks the alliance on the home page
    open_network_from_home(page, base_url, "東北創成国立大学アライアンス")

    # then
    assert page.url == f"{base_url}{ALLIANCE_PATH}"
    assert page.get_by_role("heading", level=1).inner_text() == "東北創成国立大学アライアンス"
    universities = [row for row in member_rows(page) if row["category"] == "加盟大学"]
    assert {row["organisation"] for row in universities} == ALLIANCE_UNIVERSITIES
    assert len(universities) == 8
    assert all(row["since"].startswith("令和3年3月12日") for row in universities), universities
    documents = page.locator("section[aria-labelledby=documents]")
    assert "東北創成国立大学アライアンス要綱" in documents.locator("h3").first.inner_text()
    article_6 = documents.locator(".document-text p").filter(has_text="第6条")
    article_6.scroll_into_view_if_needed()  # the text scrolls inside its box: show article 6 in the shot
    assert article_6.is_visible()
    assert "第6条 運営会議に議長を置き、加盟大学等の代表者の互選によって定める。" in article_6.inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # sticky table headers would sit mid-table in the full-page shot
    screenshot(page, "network-alliance-ja")


def test_language_switch_links_between_japanese_and_english(
    page: Page, base_url: str, screenshot: Screenshot
) -> None:
    # given
    page.goto(f"{base_url}{ALLIANCE_PATH}")
    assert lang(page) == "ja"

    # when: the visitor clicks "English" in the header
    page.locator(".lang-switch").get_by_role("link", name="English").click()
    page.wait_for_url(f"{base_url}/en{ALLIANCE_PATH}")

    # then: the same network, in English
    assert lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Tohoku Sosei National University Alliance"
    assert page.locator(".page-header .alt-name").inner_text() == "東北創成国立大学アライアンス"
    assert page.locator("#members").inner_text() == "Members"
    assert page.locator(".lang-switch .current").inner_text() == "English"
    universities = [row for row in member_rows(page) if row["category"] == "member university"]
    assert len(universities) == 8
    assert all(row["since"] == "12 March 2021" for row in universities), universities
    assert "Hirosaki University" in {row["organisation"] for row in universities}
    screenshot(page, "network-alliance-en")

    # when: back to Japanese
    page.locator(".lang-switch").get_by_role("link", name="日本語").click()
    page.wait_for_url(f"{base_url}{ALLIANCE_PATH}")

    # then
    assert lang(page) == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "東北創成国立大学アライアンス"
    assert page.locator(".lang-switch .current").inner_text() == "日本語"


def test_yamagata_platform_shows_declared_counts_municipalities_and_division(
    page: Page, base_url: str, screenshot: Screenshot
) -> None:
    # when
    open_network_from_home(page, base_url, "やまがた社会共創プラットフォーム")

    # then: the counts the source declares
    figures = page.locator("section[aria-labelledby=figures] dl.stats > div").evaluate_all(
        "divs => divs.map(d => ["
        "  Array.from(d.querySelector('dt').childNodes).filter(n => n.nodeName !== 'SMALL')"
        "    .map(n => n.textContent).join('').trim(),"
        "  d.querySelector('dd').innerText.trim()])"
    )
    declared = dict(figures)  # label (without its "as of" date) -> value
    assert declared["加盟機関（合計）"] == "59"
    assert declared["高等教育機関（県内全て）"] == "13"
    assert declared["市町村（県内全て）"] == "35"
    assert declared["主要関係団体"] == "10"

    # and: all 35 municipalities are listed by name
    municipalities = [row for row in member_rows(page) if row["category"] == "市町村"]
    assert len(municipalities) == 35
    assert len({row["organisation"] for row in municipalities}) == 35
    assert {"山形市", "米沢市", "鶴岡市", "酒田市"} <= {row["organisation"] for row in municipalities}

    # and: the recurrent-education division with its participants
    division = page.locator("article.body-card").filter(has_text="リカレント教育推進部門")
    participants = division.locator("ul.participants > li")
    assert participants.count() == 17
    # participants sharing a role and responsibilities are listed together under them
    lead = division.locator(".participant-group").filter(
        has=page.get_by_role("link", name="山形大学", exact=True)
    )
    assert lead.locator("ul.participants > li").count() == 1
    assert "調査／プログラム開発／部門総括" in lead.inner_text()
    names = set(division.locator("ul.participants > li > a").all_inner_texts())
    assert {"山形県", "山形市", "東北芸術工科大学"} <= names
    screenshot(page, "network-yamagata-ja")


def test_organisation_page_lists_units_with_codes(page: Page, base_url: str, screenshot: Screenshot) -> None:
    from renkei.organisations.models import Organisation

    # when: from the forum's members table to the University of Tokyo
    open_network_from_home(page, base_url, "大学の国際化促進フォーラム")
    page.get_by_test_id("members-table").get_by_role("link", name="東京大学", exact=True).click()
    page.wait_for_url(f"{base_url}/organisations/utokyo/")

    # then
    assert page.get_by_role("heading", level=1).inner_text() == "東京大学"
    units: list[list[str]] = page.locator("#units ~ ul.unit-grid > li").evaluate_all(
        "items => items.map(li => [li.querySelector('.unit-code')?.innerText.trim() ?? '',"
        " li.querySelector('a > span:last-child').innerText.trim()])"
    )
    assert ["法", "法学政治学研究科"] in units
    assert ["医", "医学系研究科"] in units
    assert ["工", "工学系研究科"] in units
    assert len(units) == Organisation.objects.filter(parent__key="utokyo").count()
    screenshot(page, "organisation-utokyo-ja")


def test_pages_render_the_same_without_javascript(page: Page, page_without_js: Page, base_url: str) -> None:
    # given: the same pages in a context with JavaScript and in one without
    for path in ("/", ALLIANCE_PATH):
        page.goto(f"{base_url}{path}")
        page_without_js.goto(f"{base_url}{path}")

        # then: the same content, in Japanese
        assert lang(page_without_js) == "ja", path
        assert main_text(page_without_js) == main_text(page), path
        if path == "/":
            assert set(page_without_js.locator(".card h3").all_inner_texts()) == DEMO_NETWORKS
        else:
            assert member_rows(page_without_js) == member_rows(page)
            assert page_without_js.get_by_text("第6条 運営会議に議長を置き").count() == 1


def test_pages_load_without_errors_or_internet(page: Page, base_url: str, traffic: Traffic) -> None:
    # Every browser test fails on console errors and failed, blocked or 4xx/5xx requests (see the
    # `traffic` fixture); this one walks the pages no other test opens, in both languages.
    # when
    for path in ("/", "/networks/wakitatsu-tohoku/", "/organisations/", "/en/", "/en/organisations/utokyo/"):
        response = page.goto(f"{base_url}{path}")

        # then
        assert response is not None
        assert response.status == 200, path
        rule_counts = page.evaluate("Array.from(document.styleSheets, s => s.cssRules.length)")
        assert rule_counts, path
        assert rule_counts[0] > 0, path  # the stylesheet is applied, not just requested
    stylesheets = [r for r in traffic.responses if r.url.endswith("/renkei/site.css")]
    assert stylesheets, "the stylesheet was never requested"
    assert stylesheets[0].status == 200
    assert {r.status for r in stylesheets} <= {200, 304}
    assert traffic.problems == []

    # and: the page's own policy refuses a script's request to another host (connect-src 'self')
    outcome = page.evaluate("fetch('https://example.org/').then(() => 'fetched', () => 'refused')")
    assert outcome == "refused"
    assert traffic.blocked == []  # refused by the browser before it was sent
    assert any("Content Security Policy" in error for error in traffic.console_errors)
    traffic.clear()
    # and: the guard is on: a request to another host never leaves the machine (a navigation, which
    # the page's policy does not govern)
    with pytest.raises(PlaywrightError):
        page.goto("https://example.org/")
    assert traffic.blocked == ["blocked (not localhost): https://example.org/"]
    traffic.clear()

"""Every public page type on a phone (390 px) and a desktop (1366 px): no horizontal scroll, the
parts people need reachable, screenshots of the main pages at both widths (test-artifacts/), the API
docs offline, and the live search keeping its state (issue 10, "Pages on a phone and offline").

The browser context aborts every request to a host other than localhost (conftest), so each page here
is also proven to work without internet; `traffic` fails the test on any blocked or failed request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = {"390": PHONE, "1366": DESKTOP}
SHOTS = {"home", "network", "organisation", "search", "program", "map", "api-docs"}


def page_types() -> dict[str, str]:
    """One URL per public page type (read from the demo registry once it is loaded)."""
    from renkei.catalog.models import JointCurriculum, Program, TeachingContent

    program = (
        Program.objects.filter(status="published", runs__hours__isnull=False, runs__note_ja__gt="")
        .select_related("provider")
        .first()
    ) or Program.objects.filter(status="published", runs__isnull=False).select_related("provider").first()
    content = TeachingContent.objects.filter(status="published").first()
    curriculum = JointCurriculum.objects.select_related("network").first()
    assert program is not None
    assert content is not None
    assert curriculum is not None
    return {
        "home": "/",
        "network": "/networks/yamagata-platform/",
        "network-alliance": "/networks/tohoku-sosei-alliance/",
        "organisations": "/organisations/",
        "organisation": "/organisations/utokyo/",
        "organisation-prefecture": "/organisations/yamagata-pref/",
        "sources": "/sources/",
        "programs": "/programs/",
        "search": "/programs/search/?q=データ",
        "program": f"/programs/{program.provider.key}/{program.code}/",
        "providers": "/programs/providers/",
        "provider": f"/programs/providers/{program.provider.key}/",
        "contents": "/programs/contents/",
        "content": f"/programs/contents/{content.pk}/",
        "curricula": "/programs/curricula/",
        "curriculum": f"/programs/curricula/{curriculum.network.key}/{curriculum.key}/",
        "map": "/programs/map/",
        "api-docs": "/api/v1/docs",
        "english-program": f"/en/programs/{program.provider.key}/{program.code}/",
    }


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def in_view_horizontally(page: Page, selector: str) -> bool:
    """The element lies within the window's width (not cut off, not behind a hidden overflow)."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_fits_the_width(page: Page, base_url: str, screenshot: Screenshot, width: str):
    page.set_viewport_size(WIDTHS[width])
    overflowing = []
    for name, path in page_types().items():
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        if name == "api-docs":
            # served from the package's static files: it renders with every other host blocked
            page.locator(".swagger-ui .info .title").wait_for()
            assert "Renkei API" in page.locator(".swagger-ui .info .title").inner_text()
        if name == "map":
            page.locator(".leaflet-container").wait_for()
        if not no_horizontal_scroll(page):
            overflowing.append((name, page.evaluate("document.documentElement.scrollWidth")))
        if name == "program":
            # the run table: hours (時間数) and notes (備考) are on screen, not cut off
            row = ".schedule tbody tr:has(td:nth-child(6):not(:empty)):has(td:nth-child(5):not(:empty))"
            hours, note = f"{row} td:nth-child(5)", f"{row} td:nth-child(6)"
            assert in_view_horizontally(page, hours), width
            assert in_view_horizontally(page, note), width
            assert "時間" in page.locator(hours).inner_text()  # hours with their unit
        if name == "network" and width == "390":
            # the member table is readable: names are not broken one character per line
            first = page.get_by_test_id("members-table").locator("tbody tr td").first
            assert first.bounding_box()["width"] > 200
        if name == "home":
            nav = page.locator(".site-nav").bounding_box()
            assert nav is not None
            assert nav["height"] < 50  # the menu stays on one row
            assert page.locator(".site-header").bounding_box()["height"] < 130
        if name in SHOTS:
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, f"{name}-{width}")
    assert overflowing == []


def test_the_api_docs_work_offline(page: Page, base_url: str, traffic):
    page.goto(f"{base_url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    hosts = {r.url.split("/")[2] for r in traffic.responses}
    assert hosts == {base_url.split("/")[2]}  # every asset came from the site itself
    assert traffic.blocked == []


def test_the_redoc_page_works_offline_and_asks_no_other_host(page: Page, base_url: str, traffic):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base_url}/api/v1/redoc")
    expect(page.locator("h1").first).to_contain_text("Renkei API", timeout=60_000)  # a large document
    page.wait_for_load_state("networkidle")
    # ReDoc's menu logo comes from cdn.redoc.ly: it is never requested (nor refused with a console error)
    assert [url for url in requested if not url.startswith((base_url, "data:", "blob:"))] == []
    assert traffic.blocked == []


def test_the_live_search_keeps_its_state_on_a_phone(page: Page, base_url: str, screenshot: Screenshot):
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/programs/search/")
    page.wait_for_load_state("networkidle")
    # the filters are folded: the first result is on the first screen
    assert not page.locator("details.facets-panel").evaluate("d => d.open")
    assert page.locator(".program-card").first.bounding_box()["y"] < PHONE["height"]
    # when: a query is typed and a facet ticked
    with page.expect_response(lambda r: "q=" in r.url):
        page.fill("#q", "データ")
    page.locator("summary.facets-toggle").click()
    with page.expect_response(lambda r: "mode=" in r.url):
        page.locator("fieldset[data-facet=mode] input[type=checkbox]").first.check()
    # then: once htmx has pushed the new address, the language switch keeps the query and the facet
    # (the response arrives before the swap settles and the address is pushed: wait for that, not for it)
    english_link = page.locator(".lang-switch a[data-lang=en]")
    expect(english_link).to_have_attribute("href", re.compile("mode="))
    # and the panel stays open
    assert page.locator("details.facets-panel").evaluate("d => d.open")
    english = english_link.get_attribute("href")
    assert "/en/programs/search/" in english
    assert "mode=" in english
    assert "q=%E3%83%87%E3%83%BC%E3%82%BF" in english
    count = page.locator(".results-count strong").inner_text()
    page.locator(".lang-switch a[data-lang=en]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".results-count strong").inner_text() == count
    assert page.locator("#q").input_value() == "データ"
    # and "Next" brings the view to the top of the results
    page.locator(".pager a[rel=next]").scroll_into_view_if_needed()
    with page.expect_response(lambda r: "page=2" in r.url):
        page.locator(".pager a[rel=next]").click()
    page.wait_for_load_state("networkidle")
    results_top = "() => document.getElementById('search-results').getBoundingClientRect().top"
    for _ in range(20):  # scrolling is instant, but give the swap a moment to settle
        if abs(page.evaluate(results_top)) < 80:
            break
        page.wait_for_timeout(100)
    assert abs(page.evaluate(results_top)) < 80
    screenshot(page, "search-page-2-390")

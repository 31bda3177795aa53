"""Partnerships in a real browser: the matrix filtered by tier, a partner's timeline, an agreement with
its versions, the world map (offline), and the matrix on a phone without horizontal scrolling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def test_matrix_filter_timeline_versions_and_map(page: Page, base_url: str, screenshot: Screenshot) -> None:
    # given: the matrix of phase 3
    page.goto(f"{base_url}/partnerships/")
    rows = page.locator("#partnership-matrix tbody tr")
    expect(rows).to_have_count(16)
    expect(page.locator('[data-count="primary"]')).to_have_text("9")
    expect(page.locator('[data-count="prospective"]')).to_have_text("7")
    header = page.locator("#partnership-matrix thead th").first
    assert header.evaluate("th => getComputedStyle(th).position") == "sticky"
    assert page.locator('abbr[title="農学生命科学研究科"]').count() == 1  # full name on hover
    screenshot(page, "partnerships-matrix-ja")
    # when: filtered to the prospective partners
    page.select_option("select[name=tier]", "prospective")
    page.click(".matrix-filters button")
    expect(rows).to_have_count(7)
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.tier)")) == {"prospective"}
    screenshot(page, "partnerships-matrix-prospective-ja")
    # then: a partner's page shows its team and a timeline, newest first
    page.click("text=国立台湾大学")
    expect(page.locator("h1")).to_have_text("国立台湾大学")
    expect(page.locator(".team-list li")).to_have_count(8)
    expect(page.locator(".badge-lead")).to_have_count(1)
    dates = page.locator("#timeline time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert len(dates) > 5
    assert dates == sorted(dates, reverse=True)
    expect(page.locator(".chart svg")).to_have_count(1)
    screenshot(page, "partnerships-partner-ntu-ja")
    # and: the agreement with its versions (the amendment replaced version 1)
    page.click("text=東京大学・国立台湾大学 学生・教員交流協定（サンプル）")
    versions = page.locator("#versions > li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("改定")
    expect(page.locator(".badge-locked")).to_have_count(2)
    screenshot(page, "partnerships-agreement-versions-ja")
    # and: the world map draws every partner offline, coloured by tier
    page.goto(f"{base_url}/partnerships/map/")
    box = page.locator("#partner-map")
    expect(box).to_have_attribute("data-ready", "1")
    assert int(box.get_attribute("data-markers")) >= 16
    expect(page.locator("path.leaflet-interactive")).not_to_have_count(0)
    screenshot(page, "partnerships-map-ja")


def test_the_matrix_fits_a_phone(browser, demo, traffic, base_url: str, screenshot: Screenshot) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/partnerships/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "partnerships-matrix-phone-ja")
        page.goto(f"{base_url}/partnerships/utokyo-tsinghua/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "partnerships-partner-phone-ja")
        for path, name in (
            ("/en/partnerships/joint-degrees/", "joint-degrees-phone-en"),
            ("/partnerships/joint-degrees/", "joint-degrees-phone-ja"),
        ):
            page.goto(f"{base_url}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            labels = page.locator("#joint-figures dt").evaluate_all(
                "ds => ds.map(d => d.getBoundingClientRect().right)"
            )
            values = page.locator("#joint-figures dd").evaluate_all(
                "ds => ds.map(d => d.scrollWidth <= d.clientWidth)"
            )
            assert max(labels) <= 390, path  # the labels wrap
            assert all(values), path  # the yen figure fits its cell
            screenshot(page, f"partnerships-{name}")
    finally:
        context.close()


def test_the_map_legend_and_the_staff_dashboard_fit_a_phone(
    browser, demo, traffic, base_url: str, screenshot: Screenshot
) -> None:
    from django.test import Client
    from factories import AffiliationFactory, UserFactory

    from renkei.organisations.models import Organisation

    editor = AffiliationFactory(
        user=UserFactory(username="utokyo-editor"),
        organisation=Organisation.objects.get(key="utokyo"),
        role="editor",
    ).user
    client = Client()
    client.force_login(editor)
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    try:
        page = context.new_page()
        for path, lang in (("/partnerships/map/", "ja"), ("/en/partnerships/map/", "en")):
            page.goto(f"{base_url}{path}")
            # each dot on the line of its label: a legend item is one line high
            items = page.locator(".map-legend .legend-item")
            expect(items).to_have_count(2)
            heights = items.evaluate_all("xs => xs.map(x => x.getBoundingClientRect().height)")
            assert max(heights) < 30, (path, heights)
            screenshot(page, f"partnerships-map-legend-phone-{lang}")
        for path, lang in (("/partnerships/staff/", "ja"), ("/en/partnerships/staff/", "en")):
            page.goto(f"{base_url}{path}")
            # the renewal review's link on one line (it wrapped one character a line)
            links = page.locator("#renewals td.action a")
            assert links.count() > 0, path
            heights = links.evaluate_all("xs => xs.map(x => x.getBoundingClientRect().height)")
            assert max(heights) < 30, (path, heights)
            screenshot(page, f"partnerships-dashboard-phone-{lang}")
    finally:
        context.close()

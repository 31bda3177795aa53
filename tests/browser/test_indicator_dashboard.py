"""The Tohoku initiative's dashboard as an editor of Tohoku University uses it: read the charts and
numbers, switch to English, filter by category, make a report in the background and download its PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Screenshot = Callable[[Page, str], Path]


@pytest.fixture
def editor_page(page: Page, base_url: str, settings) -> Page:
    from factories import AffiliationFactory, UserFactory

    from renkei.organisations.models import Organisation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    editor = AffiliationFactory(
        user=UserFactory(username="tohoku-editor"),
        organisation=Organisation.objects.get(key="tohoku-u"),
        role="editor",
    ).user
    client = Client()
    client.force_login(editor)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def test_dashboard_language_filter_and_report_download(
    editor_page: Page, base_url: str, screenshot: Screenshot, traffic
) -> None:
    page = editor_page
    page.goto(f"{base_url}/indicators/initiatives/tohoku-global-initiative/")
    card = page.get_by_test_id("indicator-tohoku-international-students")
    assert "外国人留学生数は2,048人（平成25年度）から3,548人（令和元年度）に増加し" in card.inner_text()
    assert card.locator("svg").count() == 1
    assert "R5" in card.inner_text()
    screenshot(page, "indicators-dashboard-ja")
    # every number of every table is in sight, beside the chart on a desktop and under it on a phone
    # (the tables scrolled sideways, the actual column cut off, when each column was 9em at least)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        hidden = page.eval_on_selector_all(
            ".indicator-table",
            "tables => tables.filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)"
            ".map(t => t.closest('[data-testid]').dataset.testid)",
        )
        assert hidden == [], (width, hidden)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "indicators-dashboard-ja-desktop")
    page.set_viewport_size({"width": 390, "height": 900})
    card.scroll_into_view_if_needed()
    screenshot(page, "indicators-dashboard-ja-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("a[data-lang=en]")
    page.wait_for_url("**/en/indicators/**")
    assert (
        "International students increased from 2,048"
        in page.get_by_test_id("indicator-tohoku-international-students").inner_text()
    )
    page.get_by_test_id("category-support").click()
    assert page.get_by_test_id("indicator-tohoku-peer-supporters").is_visible()
    assert page.get_by_test_id("indicator-tohoku-international-students").count() == 0
    screenshot(page, "indicators-dashboard-en-support")
    page.get_by_test_id("report-generate").click()
    page.wait_for_url("**/indicators/reports/**")
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    path = download.value.path()
    assert path is not None
    assert Path(path).read_bytes().startswith(b"%PDF")
    # a download is a navigation the browser aborts: the only "failed request", on purpose
    assert all("/pdf/" in problem for problem in traffic.problems)
    traffic.clear()
    screenshot(page, "indicators-report-kept")

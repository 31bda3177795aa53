"""The open-data page as a visitor finds it: from the footer, on a desktop and on a phone; the ZIP
downloads and nothing overflows the screen sideways."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from renkei.formats import bundle

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_open_data_page_is_reached_from_the_footer_and_downloads_the_bundle(
    page: Page, base_url: str, screenshot: Screenshot, tmp_path: Path
) -> None:
    bundle.build()
    for width, lang, footer in ((1366, "", "オープンデータ"), (390, "/en", "Open data")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base_url}{lang}/")
        page.locator("footer").get_by_role("link", name=footer).click()
        page.wait_for_load_state()
        assert page.locator("table.opendata-files tbody tr").count() == len(bundle.TABLES)
        assert _fits_the_screen(page), width
        screenshot(page, f"open-data-{width}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the ZIP").click()
    target = tmp_path / "bundle.zip"
    info.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert "manifest.json" in names
    assert "README.md" in names

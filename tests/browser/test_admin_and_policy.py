"""Under the Content-Security-Policy: the admin signs in and edits with its scripts working, a paused
sign-in says why, and the error pages keep the site's look. Every test here also fails on a console
error, which is how Chromium reports anything the policy blocks (see `traffic` in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from renkei.core.audit import Via, audit_context

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PASSWORD = "a-long-demo-password"


@pytest.fixture
def editor_account(settings: object) -> str:
    from django.contrib.auth import get_user_model

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    with audit_context(via=Via.TEST):
        get_user_model().objects.create_superuser("browser-admin", email="", password=PASSWORD)
    return "browser-admin"


def test_the_admin_signs_in_and_edits_with_its_scripts(
    page: Page, base_url: str, editor_account: str, screenshot: Screenshot
):
    # given: the admin's login page, in Japanese
    response = page.goto(f"{base_url}/admin/login/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # when: signing in through the form
    page.fill("#id_username", editor_account)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base_url}/admin/")
    # and: opening an organisation, whose parent field is an autocomplete (jQuery, select2)
    page.goto(f"{base_url}/admin/organisations/organisation/?q=tohoku")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_load_state()
    expect(page.locator(".select2-container").first).to_be_visible()
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-search__field")).to_be_visible()
    # the first page of choices arrives before typing (select2 aborts a request that a keystroke overtakes)
    expect(page.locator(".select2-results__option:not(.loading-results)").first).to_be_visible()
    page.keyboard.type("山形")
    expect(page.locator(".select2-results__option").first).to_contain_text("山形")
    page.keyboard.press("Escape")
    # then: the inline forms' "add another" works (inlines.js)
    group = page.locator(".inline-group").first
    added = group.locator('[class*="dynamic-"]')  # the rows inlines.js adds are marked "dynamic-<prefix>"
    before = added.count()
    group.locator(".add-row a").click()
    expect(added).to_have_count(before + 1)
    screenshot(page, "admin-change-form-ja")


def test_a_paused_sign_in_is_explained_on_the_login_page(page: Page, base_url: str, editor_account: str):
    # given: ten failed sign-ins for the account
    from renkei.accounts.login_limits import record_failure

    for _ in range(10):
        record_failure(username=editor_account, address="198.51.100.20")
    # when: the right password
    page.goto(f"{base_url}/en/admin/login/")
    page.fill("#id_username", editor_account)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    # then: still on the login page, told why and until when
    expect(page.locator(".errornote")).to_contain_text("signing in is paused. Try again after")
    assert "/admin/login/" in page.url


def test_the_404_page_keeps_the_sites_look(page: Page, base_url: str, traffic, screenshot: Screenshot):
    response = page.goto(f"{base_url}/organisations/no-such-university/")
    assert response is not None
    assert response.status == 404
    # the 404 is the point here (Chromium reports it on the console as well)
    assert traffic.bad_status == [f"HTTP 404: {base_url}/organisations/no-such-university/"]
    assert [e for e in traffic.console_errors if "404" not in e] == []
    traffic.clear()
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("h1")).to_have_text("ページが見つかりません")
    expect(page.locator('section[lang="en"] h2')).to_have_text("Page not found")
    screenshot(page, "error-404")

"""The API token page as its owner uses it, on a desktop and on a phone: create a token (the secret
shown once), see it listed, revoke it. Nothing overflows the screen sideways."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def signed_in(page: Page, base_url: str) -> Page:
    """The page's browser signed in as an editor at Yamagata University (a session cookie)."""
    from factories import AffiliationFactory, UserFactory

    from renkei.organisations.models import Organisation

    editor = AffiliationFactory(
        user=UserFactory(username="yamagata-editor", display_name="山形 花子"),
        organisation=Organisation.objects.get(key="yamagata-u"),
        role="editor",
    ).user
    client = Client()
    client.force_login(editor)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_token_is_created_and_revoked_on_desktop_and_phone(
    signed_in: Page, base_url: str, screenshot: Screenshot
) -> None:
    page = signed_in
    # when: on a desktop, in Japanese, a token is created
    page.goto(f"{base_url}/account/tokens/")
    page.get_by_label("名称").fill("学務システム連携")
    page.get_by_label("機関").select_option(label="山形大学 (yamagata-u)")
    page.get_by_label("書き込み").check()
    page.get_by_role("button", name="トークンを作成する").click()
    page.wait_for_load_state()
    # then: its secret is shown once, and it is listed
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("rk_")
    assert len(secret) == 3 + 10 + 1 + 43
    assert page.locator(".token-card").count() == 1
    assert "有効" in page.locator(".token-card .badge").inner_text()
    assert _fits_the_screen(page)
    screenshot(page, "tokens-created-desktop-ja")
    # when: on a phone, in English, the list is opened again and the token revoked
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/en/account/tokens/")
    assert page.locator("#new-token").count() == 0  # shown once only
    assert _fits_the_screen(page)
    screenshot(page, "tokens-phone-en")
    page.get_by_role("button", name="Revoke “学務システム連携”").click()
    page.wait_for_load_state()
    # then
    assert "Revoked" in page.locator(".token-card .badge").inner_text()
    assert "is revoked" in page.locator(".notice").inner_text()
    assert page.locator(".token-card button").count() == 0
    assert _fits_the_screen(page)
    screenshot(page, "tokens-revoked-phone-en")

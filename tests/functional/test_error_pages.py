"""Error pages in the site's style, Japanese first then English; problem details under /api/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from renkei.portal import errors


def page(response: Any) -> str:
    return response.content.decode()


def assert_site_page(text: str, *, ja: str, en: str) -> None:
    """The site's frame (header, language switch, stylesheet), then Japanese, then English."""
    assert 'class="site-header"' in text
    assert "renkei/site.css" in text
    assert '<section class="error-message" lang="ja">' in text
    assert ja in text
    assert en in text
    assert text.index(ja) < text.index(en)
    assert "<h1>403 Forbidden</h1>" not in text
    assert "<h1>Not Found</h1>" not in text


def test_an_unknown_page_is_a_404_in_both_languages(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_page(page(response), ja="ページが見つかりません", en="Page not found")


def test_the_english_404_keeps_the_english_site_around_it(client, db):
    response = client.get("/en/organisations/no-such-organisation/")
    assert response.status_code == 404
    text = page(response)
    assert '<html lang="en">' in text
    assert_site_page(text, ja="ページが見つかりません", en="Page not found")


def test_a_page_someone_may_not_see_is_a_403_in_both_languages(client, outsider):
    # given: signed in, but editing nothing (imports are for editors)
    client.force_login(outsider)
    # when
    response = client.get("/import/")
    # then
    assert response.status_code == 403
    text = page(response)
    assert_site_page(text, ja="権限がありません", en="You may not see or change this")
    assert "別のアカウントでログイン" in text
    assert "Sign in with another account" in text


def test_a_form_without_its_csrf_token_is_a_403_that_says_to_reload(db):
    client = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_site_page(
        page(response), ja="ページを再読み込みしてから", en="Reload the page and send the form again"
    )


def test_a_request_for_another_host_is_a_400_in_both_languages(db):
    response = Client(SERVER_NAME="localhost", raise_request_exception=False).get(
        "/", HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    assert_site_page(page(response), ja="リクエストを処理できませんでした", en="could not be understood")


def test_the_500_page_renders_without_a_request_context(rf):
    # A server error may come from the database itself: the page uses no context processor.
    response = errors.server_error(rf.get("/somewhere/"))
    assert response.status_code == 500
    assert_site_page(
        page(response), ja="サーバーでエラーが発生しました", en="Something went wrong on our side"
    )


@pytest.mark.parametrize(("lang", "title"), [("ja", "見つかりません"), ("en", "Not Found")])
def test_an_unknown_api_address_is_a_problem_in_the_clients_language(client, db, lang, title):
    response = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 404
    assert body["title"] == title
    assert body["detail"]

"""Real headless-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

- The browser is Debian's /usr/bin/chromium, never a downloaded one (`playwright install` is not used).
- Every request to a host other than localhost is aborted, so the tests prove the pages work without
  internet. Every test also fails on a console error, a failed, blocked or 4xx/5xx request (`traffic`).
- The demo registry is loaded inside each test (live_server needs `transactional_db`).
- Screenshots go to test-artifacts/ at the repository root, named after the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module (launch() gives it a fresh temporary profile).

    Playwright's sync API runs an asyncio event loop in the test thread, and keeps it "running" (from
    asyncio's point of view) for as long as Playwright is started. Django's ORM sees that loop and
    raises SynchronousOnlyOperation, a guard against blocking an ASGI server's loop. Nothing else runs
    on Playwright's loop, so blocking it is harmless here: DJANGO_ALLOW_ASYNC_UNSAFE lets the tests
    load data, assert on the database and flush it between tests. The variable is set only while the
    browser runs, and Playwright is stopped at the end of the module, so other tests keep the guard.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"skipped: Debian's chromium not found at {CHROMIUM} (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(browser: Browser, transactional_db: None) -> None:
    """The demo registry of the four source documents (load_demo opens its own audit context)."""
    from renkei.demo.loader import load_demo

    load_demo()


@dataclass
class Traffic:
    """What went wrong on the wire or in the console while a context was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.failed, *self.bad_status, *self.blocked]

    def clear(self) -> None:
        for problems in (self.console_errors, self.page_errors, self.failed, self.bad_status, self.blocked):
            problems.clear()

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _on_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and urlsplit(request.url).path.endswith("/favicon.svg"):
            return  # Chromium fetches the icon last and cancels it when the page goes on (a 404 still counts)
        self.failed.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        self.responses.append(response)
        if response.status >= 400:
            self.bad_status.append(f"HTTP {response.status}: {response.url}")


def _open_context(browser: Browser, traffic: Traffic, **options: object) -> BrowserContext:
    context = browser.new_context(locale="ja-JP", viewport=VIEWPORT, **options)
    context.set_default_timeout(10_000)

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            traffic.blocked.append(f"blocked (not localhost): {route.request.url}")
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    context.on("page", traffic.watch)
    return context


@pytest.fixture
def traffic() -> Iterator[Traffic]:
    """Every browser test also fails on console errors, failed or blocked requests and HTTP errors.

    A test that provokes one on purpose asserts on it, then calls `traffic.clear()`.
    """
    traffic = Traffic()
    yield traffic
    assert traffic.problems == [], "\n".join(traffic.problems)


@pytest.fixture
def page(browser: Browser, demo: None, traffic: Traffic) -> Iterator[Page]:
    """A fresh Japanese-locale page with JavaScript; its console and network go to `traffic`."""
    context = _open_context(browser, traffic)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page_without_js(browser: Browser, demo: None, traffic: Traffic) -> Iterator[Page]:
    """Same as `page`, in a second context with JavaScript disabled."""
    context = _open_context(browser, traffic, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    """The live server's root, checked against ALLOWED_HOSTS (else every page would be a 400)."""
    from django.conf import settings

    host = urlsplit(live_server.url).hostname
    assert host in settings.ALLOWED_HOSTS, f"live server host {host!r} not in ALLOWED_HOSTS"
    return live_server.url


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, "home-ja")` writes test-artifacts/home-ja.png (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

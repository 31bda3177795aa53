"""The security-headers gate: every kind of response carries the same protections.

A page, an API response and a static file (served by WhiteNoise before most middleware runs) each get
Content-Security-Policy (no inline or eval'd script, no other host, not framed), X-Frame-Options DENY,
nosniff and Referrer-Policy; under RENKEI_HTTPS=1 also HSTS. The templates hold nothing the policy
would block, so what the policy says is what the pages need.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from renkei.core.middleware import content_security_policy

TEMPLATES = Path(__file__).resolve().parents[2] / "renkei" / "templates"
URLS = ["/", "/api/v1/organisations", "/static/renkei/site.css"]


def get(client: Any, url: str, **extra: Any) -> Any:
    """GET, closing the response (a static file is streamed from an open file)."""
    response = client.get(url, **extra)
    response.close()
    return response


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("url", URLS)
def test_pages_api_and_static_files_carry_the_security_headers(client, db, url):
    # when
    response = get(client, url)
    # then
    assert response.status_code == 200, url
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert not [s for sources in csp.values() for s in sources if "://" in s or s.startswith("http")]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def https_settings() -> dict[str, Any]:
    """The security settings as `RENKEI_HTTPS=1` makes them, read from a fresh interpreter."""
    code = (
        "import json, renkei.settings as s; print(json.dumps({n: getattr(s, n) for n in ["
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_CSP']}))"
    )
    env = {**os.environ, "RENKEI_HTTPS": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("url", URLS)
def test_under_https_every_response_carries_hsts(client, db, settings, url):
    # given: the settings of RENKEI_HTTPS=1
    https = https_settings()
    assert https["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert https["SECURE_SSL_REDIRECT"]
    assert https["SESSION_COOKIE_SECURE"]
    assert https["CSRF_COOKIE_SECURE"]
    for name, value in https.items():
        setattr(settings, name, value)
    # when
    response = get(client, url, secure=True)
    # then
    assert response.status_code == 200, url
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in directives(response["Content-Security-Policy"])
    # and plain HTTP is sent to HTTPS
    assert get(client, url).status_code == 301


def test_a_view_may_send_its_own_policy(rf):
    from django.http import HttpResponse

    from renkei.core.middleware import ContentSecurityPolicyMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert (
        ContentSecurityPolicyMiddleware(view)(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"
    )


def test_the_policy_text():
    policy = {"default-src": ["'self'"], "img-src": ["'self'", "data:"], "upgrade-insecure-requests": True}
    assert (
        content_security_policy(policy)
        == "default-src 'self'; img-src 'self' data:; upgrade-insecure-requests"
    )
    assert content_security_policy({"default-src": ["'self'"], "upgrade-insecure-requests": False}) == (
        "default-src 'self'"
    )


# --- what the policy would block is not in the templates --------------------------------------------------

DATA_SCRIPT = re.compile(r"""type=["']application/(ld\+)?json["']""")
# Documents that stand alone (downloaded and opened from disk, so their style must sit in the file) and
# are served with a policy of their own that lets that style apply and nothing load or run
# (renkei.portal.indicator_views.REPORT_CSP, tested in tests/functional/indicators/test_dashboard_pages.py).
STANDALONE_DOCUMENTS = {"portal/indicators/report_document.html"}


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_style_or_handler(path):
    text = path.read_text(encoding="utf-8")
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
    assert [tag for tag in inline_scripts if not DATA_SCRIPT.search(tag)] == [], "inline <script> runs code"
    if str(path.relative_to(TEMPLATES)) not in STANDALONE_DOCUMENTS:
        assert "<style" not in text, "inline <style> block"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "javascript:" not in text
    assert not re.search(r'hx-trigger="[^"]*\w\[', text), "htmx event filter (needs eval)"
    assert "hx-on" not in text, "htmx inline handler (needs eval)"
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text), "asset from another host"

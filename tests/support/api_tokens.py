"""API tokens for the tests, made by the accounts service as the portal page makes them, and the
requests that carry them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Every test starts with an empty request budget history (the throttle's cache is per process)."""
    from django.conf import settings

    if not settings.configured:  # pure unit tests run with -p no:django
        yield
        return
    from django.core.cache import caches

    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def api_token() -> Callable[..., str]:
    """`api_token(user, organisation, permissions=("read", "write"), days=30)` → the token's text."""

    def make(
        user: Any, organisation: Any, permissions: Iterable[str] = ("read", "write"), days: int = 30
    ) -> str:
        from django.utils import timezone

        from renkei.accounts.services import token_create

        _token, text = token_create(
            actor=user,
            organisation=organisation,
            name="test token",
            permissions=list(permissions),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return text

    return make


def bearer(text: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}", **headers}


def send(client: Any, method: str, url: str, body: Any = None, **headers: str) -> Any:
    """A JSON request through the test client (POST, PATCH, DELETE)."""
    call = getattr(client, method.lower())
    if body is None:
        return call(url, headers=headers)
    return call(url, data=json.dumps(body), content_type="application/json", headers=headers)

"""How long a write may wait for SQLite's write lock: a request briefly, other work patiently.

SQLite lets one writer in at a time; the others wait (see `renkei.core.sqlite_backend`). A person
in a browser should not wait minutes: after `WRITE_WAIT["request"]` seconds they get a page that says
the site is busy (503, with Retry-After). A command, a task or a background thread has nobody
watching a spinner and waits up to `WRITE_WAIT["other"]` seconds. `RequestWriteWaitMiddleware` marks a
request; everything else is "other". PostgreSQL has no such lock and ignores all this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

Kind = Literal["request", "other"]

DEFAULTS: dict[Kind, float] = {"request": 60.0, "other": 300.0}
RETRY_AFTER = 30  # seconds a refused request is told to wait (the Retry-After header of the 503)

_kind: ContextVar[Kind] = ContextVar("renkei_write_wait", default="other")


@contextmanager
def waiting_as(kind: Kind) -> Iterator[None]:
    """Run the block with the write-lock budget of `kind`."""
    token = _kind.set(kind)
    try:
        yield
    finally:
        _kind.reset(token)


def current_kind() -> Kind:
    return _kind.get()


def budget() -> float:
    """Seconds the current code may wait for the write lock in all (settings.WRITE_WAIT)."""
    from django.conf import settings

    kind = _kind.get()
    return float(getattr(settings, "WRITE_WAIT", DEFAULTS).get(kind, DEFAULTS[kind]))

"""Who is writing, and on whose behalf: the audit context every write runs in.

Writes to audited models fail closed: outside an audit context they raise `AuditContextMissing`.
Requests get a context from `AuditContextMiddleware`; commands and tasks open one themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditContextMissing(RuntimeError):
    """A write to an audited model happened outside any audit context."""


class Via(models.TextChoices):
    """The path a write came through."""

    ADMIN = "admin", _("admin")
    WEB = "web", _("web page")
    API = "api", _("API")
    COMMAND = "command", _("command")
    TASK = "task", _("background task")
    TEST = "test", _("test")


@dataclass
class AuditContext:
    via: str
    actor_getter: Callable[[], Any] = field(default=lambda: None)
    on_behalf_of_id: int | None = None
    label: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def actor(self) -> Any:
        """The user (or None); resolved lazily so read-only requests never load it."""
        user = self.actor_getter()
        return user if user is not None and getattr(user, "is_authenticated", False) else None


_current: ContextVar[AuditContext | None] = ContextVar("renkei_audit_context", default=None)


@contextmanager
def audit_context(
    *, via: str, actor: Any = None, on_behalf_of: Any = None, label: str = "", request_id: str = ""
) -> Iterator[AuditContext]:
    """Run the block as `actor` (a user or None), optionally on behalf of an organisation."""
    context = AuditContext(
        via=via,
        actor_getter=actor if callable(actor) else (lambda: actor),
        on_behalf_of_id=getattr(on_behalf_of, "pk", on_behalf_of),
        label=label,
        request_id=request_id or uuid.uuid4().hex,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_context() -> AuditContext:
    context = _current.get()
    if context is None:
        raise AuditContextMissing(
            "Audited write outside an audit context: wrap it in renkei.core.audit.audit_context()."
        )
    return context

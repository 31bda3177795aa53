"""Who is writing, on whose behalf, and through which service: the context every write runs in.

Writes to audited models fail closed: outside an audit context they raise `AuditContextMissing`;
outside a service (`renkei.core.services.service`) they raise `WriteOutsideService`, whatever path
they come through (admin, pages, API, imports, commands, tasks). Only a test's own setup (via
'test': factories and fixtures) writes rows directly. Requests get a context from
`AuditContextMiddleware`; commands and tasks open one themselves.
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


class WriteOutsideService(RuntimeError):
    """A write to an audited model that no service made: admin, pages, API, imports, loaders and
    commands all write through the services, so that the rules and the policy run on every path."""


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
_service: ContextVar[str] = ContextVar("renkei_service", default="")


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


@contextmanager
def in_service(name: str) -> Iterator[None]:
    """Mark the block as the work of the service `name` (the outermost service names a nested one's writes)."""
    token = _service.set(_service.get() or name)
    try:
        yield
    finally:
        _service.reset(token)


def current_service() -> str:
    """The name of the service the current write belongs to ('' outside any)."""
    return _service.get()


def write_context() -> AuditContext:
    """The context of a write about to happen: it must have an audit context and, unless it is a
    test's own setup, come from a service."""
    context = current_context()
    if not _service.get() and context.via != Via.TEST:
        raise WriteOutsideService(
            f"Write through '{context.via}' outside a service: call the entity's service "
            "(renkei/<app>/services.py) instead of saving the model directly."
        )
    return context

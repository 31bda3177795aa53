"""Helpers for the audit tests (tests/integration/test_audit.py, tests/functional/test_audit_admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from renkei.core.models import AuditEntry
from renkei.organisations.models import Identifier, Organisation


def entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("id")


def entries_after(last_id: int) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(id__gt=last_id).order_by("id")


def last_entry_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def logged(entries: models.QuerySet[AuditEntry]) -> set[tuple[str, str, str]]:
    """(model, object id, action) of each entry."""
    return {(e.content_type.model_class().__name__, e.object_id, e.action) for e in entries}


def table_state() -> dict[str, list[dict[str, Any]]]:
    """The rows of every table the write paths of test_audit.py touch (and of the audit log)."""
    tables = [Organisation, Identifier, Organisation.sources.through, AuditEntry]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}

"""Base models shared by every app: timestamps, audited writes, sources of facts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.db.models.deletion import Collector
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from renkei.core.audit import Via, current_service, write_context


class AuditEntry(models.Model):
    """One write: who, what, when (UTC), through which path, on behalf of which organisation."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when (UTC)"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    on_behalf_of_id = models.BigIntegerField(_("on behalf of (organisation id)"), null=True, blank=True)
    via = models.CharField(_("through"), max_length=20, choices=Via.choices)
    label = models.CharField(_("operation"), max_length=100, blank=True)
    service = models.CharField(_("service"), max_length=100, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.get_action_display()} {self.object_repr}"


_UNTRACKED = frozenset({"updated_at", "created_at"})  # timestamps: left out of the changes of an update


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time | Decimal):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def _masked(instance: Any, name: str, value: Any) -> Any:
    if name in getattr(instance, "audit_masked_fields", ()) and value:
        return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12]
    return value


def _field_values(instance: models.Model) -> dict[str, Any]:
    """The loaded concrete field values (deferred fields are left out, never fetched)."""
    deferred = instance.get_deferred_fields()
    return {
        f.attname: _masked(instance, f.attname, _plain(getattr(instance, f.attname)))
        for f in instance._meta.concrete_fields
        if f.attname not in deferred
    }


def _entries(
    instances: Sequence[models.Model], action: str, changes: Sequence[dict[str, Any]]
) -> list[AuditEntry]:
    context = write_context()
    service = current_service()
    actor = context.actor
    actor_label = actor.get_username() if actor is not None else context.via
    entries = []
    for instance, change in zip(instances, changes, strict=True):
        owner = context.on_behalf_of_id
        if owner is None and hasattr(instance, "audit_organisation_id"):
            owner = instance.audit_organisation_id()
        entries.append(
            AuditEntry(
                actor=actor,
                actor_label=actor_label,
                on_behalf_of_id=owner,
                via=context.via,
                label=context.label,
                service=service,
                request_id=context.request_id,
                action=action,
                content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
                object_id=str(instance.pk),
                object_repr=str(instance)[:300],
                changes=change,
            )
        )
    return entries


def _write(entries: list[AuditEntry], using: str) -> None:
    if entries:
        AuditEntry.objects.using(using).bulk_create(entries)


def audit_bulk_write(
    instances: Sequence[models.Model], action: str, changes: Sequence[dict[str, Any]], *, using: str
) -> None:
    """Record writes that a bulk writer made around the audited managers, one entry per instance.

    For rows the audited paths cannot see, such as the links of an auto-created many-to-many table
    written with its own `bulk_create` and `delete`: each entry is made in the current audit context
    (actor, path, label, request and on whose behalf, or else the instance's own organisation) and all
    are inserted at once. `changes` holds one dict per instance, in the form the other paths record:
    every field's value for a creation, `{field: [old, new]}` for an update, `{field: {"add": [...],
    "remove": [...]}}` for links. Call it inside the write's transaction; outside an audit context it
    raises `AuditContextMissing`, and the write is undone with it.
    """
    _write(_entries(list(instances), action, list(changes)), using)


def audit_deletion(objs: Any, using: str) -> None:
    """Write an entry for every audited row a deletion will remove, cascades included."""
    collector = Collector(using=using, origin=objs)
    collector.collect(objs)
    for model, instances in collector.data.items():
        if issubclass(model, AuditedModel) and instances:
            rows = list(instances)
            _write(_entries(rows, AuditEntry.Action.DELETE, [_field_values(r) for r in rows]), using)
    for qs in collector.fast_deletes:
        if issubclass(qs.model, AuditedModel):
            rows = list(qs)
            _write(_entries(rows, AuditEntry.Action.DELETE, [_field_values(r) for r in rows]), using)


def _remember(instance: AuditedModel, attnames: list[str], values: dict[str, Any]) -> None:
    """Make a later save of `instance` diff against the values just written in bulk."""
    if snapshot := getattr(instance, "_audit_snapshot", None):
        instance._audit_snapshot = {**snapshot, **values}
    elif (loaded := getattr(instance, "_audit_loaded", None)) is not None:
        instance._audit_loaded = {**loaded, **{name: getattr(instance, name) for name in attnames}}


_M = TypeVar("_M", bound=models.Model, covariant=True)


class AuditedQuerySet(models.QuerySet[_M]):
    """Bulk paths write audit entries too; none of them skips the log."""

    def update(self, **kwargs: Any) -> int:
        write_context()  # fail closed before touching the database
        rows = list(self.all())
        count = super().update(**kwargs)
        changes = [{key: _masked(row, key, _plain(value)) for key, value in kwargs.items()} for row in rows]
        _write(_entries(rows, AuditEntry.Action.UPDATE, changes), self.db)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        write_context()
        audit_deletion(list(self.all()), self.db)
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[_M]:
        write_context()
        created = super().bulk_create(objs, *args, **kwargs)
        rows = [obj for obj in created if obj.pk is not None]
        _write(_entries(rows, AuditEntry.Action.CREATE, [_field_values(r) for r in rows]), self.db)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        write_context()
        objs = list(objs)
        attnames = [self.model._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]  # concrete fields only: bulk_update refuses others
        before = self._values_before(objs, attnames)
        # Django's bulk_update goes through QuerySet.update(); run it on a plain queryset so each
        # row is logged once, with its field values rather than the CASE expression.
        count = models.QuerySet(self.model, using=self.db).bulk_update(objs, fields, *args, **kwargs)
        changed, changes = [], []
        for obj, old in zip(objs, before, strict=True):
            new = {name: _masked(obj, name, _plain(getattr(obj, name))) for name in attnames}
            change = {n: [old.get(n), v] for n, v in new.items() if n not in _UNTRACKED and old.get(n) != v}
            if change:
                changed.append(obj)
                changes.append(change)
            _remember(obj, attnames, new)
        _write(_entries(changed, AuditEntry.Action.UPDATE, changes), self.db)
        return count

    def _values_before(self, objs: list[models.Model], attnames: list[str]) -> list[dict[str, Any]]:
        """The stored values of these fields, as a save would diff against: what each instance was
        loaded with (or last saved), else read from the database in one query."""
        before: list[dict[str, Any] | None] = []
        for obj in objs:
            known = getattr(obj, "_audit_snapshot", None)
            if not known:
                loaded = getattr(obj, "_audit_loaded", None) or {}
                known = {
                    name: _masked(obj, name, _plain(loaded[name])) for name in attnames if name in loaded
                }
            before.append(known if all(name in known for name in attnames) else None)
        missing = [obj.pk for obj, known in zip(objs, before, strict=True) if known is None]
        stored: dict[Any, dict[str, Any]] = {}
        if missing:
            rows: models.QuerySet[Any, dict[str, Any]] = (
                models.QuerySet(self.model, using=self.db).filter(pk__in=missing).values("pk", *attnames)
            )
            stored = {row.pop("pk"): row for row in rows}
        return [
            known
            if known is not None
            else {name: _masked(obj, name, _plain(value)) for name, value in stored.get(obj.pk, {}).items()}
            for obj, known in zip(objs, before, strict=True)
        ]


class AuditedModel(models.Model):
    """A model whose every write leaves an `AuditEntry`, whatever path the write takes."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditedQuerySet.as_manager()

    # The row as loaded (from_db) and as last saved: what an update is compared with.
    _audit_loaded: dict[str, Any]
    _audit_snapshot: dict[str, Any]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        write_context()  # fail closed before touching the database
        before = None if self._state.adding else self._audit_before()  # None: a row is created
        super().save(*args, **kwargs)
        after = _field_values(self)
        if before is None:
            action, change = AuditEntry.Action.CREATE, after
        else:
            change = {
                name: [before.get(name), value]
                for name, value in after.items()
                if name in before and before[name] != value and name not in _UNTRACKED
            }
            if not change:
                self._audit_snapshot = after
                return
            action = AuditEntry.Action.UPDATE
        _write(_entries([self], action, [change]), kwargs.get("using") or self._state.db or "default")
        self._audit_snapshot = after

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        audit_deletion([self], using)
        return super().delete(*args, **kwargs)

    def audit_organisation_id(self) -> int | None:
        """The organisation a write to this row is made on behalf of, unless the context says."""
        return None

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> AuditedModel:
        instance = super().from_db(db, field_names, values)
        # Keep the loaded values as they are; they are compared (and converted) only if the row is saved.
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def _audit_before(self) -> dict[str, Any] | None:
        if snapshot := getattr(self, "_audit_snapshot", None):
            return snapshot
        loaded = getattr(self, "_audit_loaded", None)
        if loaded is None:
            return None
        return {name: _masked(self, name, _plain(value)) for name, value in loaded.items()}

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._audit_snapshot = {**(self._audit_before() or {}), **_field_values(self)}


class Source(AuditedModel):
    """A document that facts in the registry come from."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("URL"), blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Not from a real document: made up for the demo.")
    )
    used_for_ja = models.TextField(_("what was taken from it (Japanese)"), blank=True)
    used_for_en = models.TextField(_("what was taken from it (English)"), blank=True)

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"[{self.code}] {self.title}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def used_for(self) -> str:
        return localized(self, "used_for")


def localized(obj: Any, field: str) -> str:
    """The value of `<field>_<lang>` for the active language, falling back to Japanese."""
    lang = (get_language() or "ja")[:2]
    value = getattr(obj, f"{field}_{lang}", "") or ""
    return value or getattr(obj, f"{field}_ja", "") or getattr(obj, f"{field}_en", "") or ""


def _audit_m2m(sender: Any, instance: models.Model, action: str, pk_set: Any, **kwargs: Any) -> None:
    """Many-to-many changes on audited models are writes too (the only signal we use: audit plumbing)."""
    if not isinstance(instance, AuditedModel) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), sender.__name__
    )
    change = {field: {action.removeprefix("post_"): sorted(pk_set or [])}}
    _write(_entries([instance], AuditEntry.Action.UPDATE, [change]), kwargs.get("using") or "default")


models.signals.m2m_changed.connect(_audit_m2m, dispatch_uid="renkei.audit.m2m")

"""Applying, the second stage of an import: write exactly the plan, all or nothing.

`apply_plan()` writes a `Plan` in one transaction inside an audit context, after checking that the
stored rows are still what the plan saw. Work is batched: bulk inserts and updates, whose audit
entries are written in bulk too (`renkei.core.models.AuditedQuerySet`, `audit_bulk_write`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from renkei.core.audit import AuditContextMissing, Via, audit_context, current_context, in_service
from renkei.importing.plans import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Plan,
    Progress,
    RowChange,
    batched,
    build_instance,
    no_progress,
    read_stored,
)
from renkei.importing.problems import ImportRejected, Msg, Problem
from renkei.importing.spec import Column

STALE = Msg(
    "プレビューの後にデータが変更されました。もう一度プレビューしてください。何も書き込んでいません。",
    "The data changed after the preview. Preview the file again; nothing was written.",
)


@dataclass
class ApplyResult:
    created: int
    updated: int
    unchanged: int
    changes: list[RowChange]


def _written_pk(change: RowChange) -> int:
    """The id of the row a change writes: the plan's for an update, the insert's for a creation."""
    if change.pk is None:
        raise RuntimeError(f"Row {change.row} ({change.action}) has no database id.")
    return change.pk


class _Applier:
    def __init__(self, plan: Plan, progress: Progress) -> None:
        self.plan = plan
        self.spec = plan.spec
        self.progress = progress
        self.resolved = {name: dict(keys) for name, keys in plan.resolved.items()}
        self.done = 0
        self.total = len(plan.writes)
        self.self_refs = [
            c
            for c in self.spec.columns
            if c.ref is not None and c.ref.model is self.spec.model and c.name in plan.present
        ]
        self.many = [c for c in self.spec.columns if c.many and c.name in plan.present]

    def run(self) -> None:
        creates = [c for c in self.plan.changes if c.action == CREATE]
        updates = [c for c in self.plan.changes if c.action == UPDATE]
        self.progress("write", 0, self.total)
        for level in self._levels(creates):
            for chunk in batched(level, self.spec.batch_size):
                self.create(list(chunk))
        for chunk in batched(updates, self.spec.batch_size):
            self.update(list(chunk))
        written = [_written_pk(c) for c in self.plan.changes if c.action != UNCHANGED]
        if written:
            self.progress("finish", 0, None)
            self.spec.after_apply(written)

    def _levels(self, creates: list[RowChange]) -> list[list[RowChange]]:
        """Creations in waves, so a row created in this file exists before rows that refer to it."""
        if not self.self_refs or len(self.spec.key) != 1:
            return [creates]
        by_key = {c.key[0]: c for c in creates}
        depth: dict[Any, int] = {}

        def depth_of(change: RowChange, trail: frozenset = frozenset()) -> int:
            key = change.key[0]
            if key in depth:
                return depth[key]
            level = 0
            for column in self.self_refs:
                target = change.after.get(column.name)
                if target in trail or target == key:
                    raise ImportRejected(
                        [
                            Problem(
                                Msg(
                                    "行どうしの参照が循環しています。", "Rows refer to each other in a cycle."
                                ),
                                row=change.row,
                                column=self.plan.header(column.name),
                                code="cycle",
                            )
                        ]
                    )
                if target in by_key:
                    level = max(level, depth_of(by_key[target], trail | {key}) + 1)
            depth[key] = level
            return level

        levels: dict[int, list[RowChange]] = {}
        for change in creates:
            levels.setdefault(depth_of(change), []).append(change)
        return [levels[i] for i in sorted(levels)]

    def _still_absent(self, chunk: list[RowChange]) -> None:
        keys = [c.key for c in chunk]
        resolvable = [
            k
            for k in keys
            if all(
                self.spec.column(n).ref is None or k[i] in self.resolved[n]
                for i, n in enumerate(self.spec.key)
            )
        ]
        if not resolvable:
            return
        queryset = self.spec.model._default_manager.filter(self.spec.key_filter(resolvable, self.resolved))
        key_columns = [self.spec.column(n) for n in self.spec.key]
        wanted = set(resolvable)
        for _pk, values in read_stored(self.spec, queryset, key_columns):
            if tuple(values[n] for n in self.spec.key) in wanted:
                raise ImportRejected([Problem(STALE, code="stale")])

    def create(self, chunk: list[RowChange]) -> None:
        self._still_absent(chunk)
        instances = [build_instance(self.spec, change, self.resolved) for change in chunk]
        self.spec.prepare_instances(instances)
        self.spec.model._default_manager.bulk_create(instances)
        for change, instance in zip(chunk, instances, strict=True):
            change.pk = instance.pk
            if self.self_refs and len(self.spec.key) == 1:
                for column in self.self_refs:
                    self.resolved[column.name][change.key[0]] = instance.pk
        for column in self.many:
            self.write_many(
                column,
                [(i, [], c.after.get(column.name) or []) for c, i in zip(chunk, instances, strict=True)],
            )
        self.done += len(chunk)
        self.progress("write", self.done, self.total)

    def update(self, chunk: list[RowChange]) -> None:
        names = {name for change in chunk for name in change.after}
        columns = [self.spec.column(name) for name in sorted(names)]
        pks = [change.pk for change in chunk]
        current = dict(read_stored(self.spec, self.spec.model._default_manager.filter(pk__in=pks), columns))
        for change in chunk:
            stored = current.get(_written_pk(change))
            if stored is None or any(
                not self.spec.column(name).same(stored.get(name), before)
                for name, before in change.before.items()
            ):
                raise ImportRejected([Problem(STALE, row=change.row, code="stale")])
        objects = self.spec.model._default_manager.in_bulk(pks)
        groups: dict[tuple[str, ...], list[models.Model]] = {}
        many: dict[str, list[tuple[models.Model, list[Any], list[Any]]]] = {}
        now = timezone.now()
        for change in chunk:
            obj = objects[change.pk]
            fields = []
            for name, value in change.after.items():
                column = self.spec.column(name)
                if column.many:
                    many.setdefault(name, []).append((obj, change.before.get(name) or [], value or []))
                    continue
                if column.ref is not None:
                    attname = f"{column.field_name}_id"
                    value = self.resolved[name].get(value) if value not in (None, "") else None
                else:
                    attname = column.field_name
                setattr(obj, attname, value)
                fields.append(attname)
            if fields:
                if hasattr(obj, "updated_at"):
                    obj.updated_at = now
                    fields.append("updated_at")
                groups.setdefault(tuple(sorted(fields)), []).append(obj)
        self.spec.prepare_instances(list(objects.values()))
        for group, objs in groups.items():
            self.spec.model._default_manager.bulk_update(objs, list(group))
        for name, rows in many.items():
            self.write_many(self.spec.column(name), rows)
        self.done += len(chunk)
        self.progress("write", self.done, self.total)

    def write_many(self, column: Column, rows: list[tuple[models.Model, list[Any], list[Any]]]) -> None:
        """Make each row's links exactly the planned keys, in bulk, with one audit entry per changed row."""
        from renkei.core.models import (
            AuditedModel,
            AuditEntry,
            audit_bulk_write,
        )  # models: once apps are ready

        relation = self.spec.model._meta.get_field(column.field_name)
        if not isinstance(relation, models.ManyToManyField):
            raise ImproperlyConfigured(
                f"Column {column.name!r} has many=True but {self.spec.model.__name__}.{column.field_name} "
                f"is not a many-to-many field ({type(relation).__name__})."
            )
        through = relation.remote_field.through
        if through is None:  # set when the model is prepared: an explicit model or an automatic one
            raise RuntimeError(f"{self.spec.model.__name__}.{column.field_name} has no through model yet.")
        link_rows = through._default_manager
        source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
        keys = self.resolved[column.name]
        stored: dict[int, dict[int, int]] = {}  # source pk → {target pk: link pk}
        existing = [obj.pk for obj, before, _after in rows if before]
        if existing:
            links = link_rows.filter(**{f"{source}__in": existing}).values_list("pk", source, target)
            for link, source_pk, target_pk in links:
                stored.setdefault(source_pk, {})[target_pk] = link
        additions, removals, changed, changes = [], [], [], []
        for obj, _before, after in rows:
            current = stored.get(obj.pk, {})
            wanted = {keys[k] for k in after}
            add, remove = sorted(wanted - set(current)), sorted(set(current) - wanted)
            additions += [through(**{source: obj.pk, target: pk}) for pk in add]
            removals += [current[pk] for pk in remove]
            if add or remove:
                changed.append(obj)
                changes.append({column.field_name: {"add": add, "remove": remove}})
        for start in range(0, len(removals), 5000):
            link_rows.filter(pk__in=removals[start : start + 5000]).delete()
        if additions:
            link_rows.bulk_create(additions)
        if changed and not issubclass(through, AuditedModel):
            audit_bulk_write(
                changed, AuditEntry.Action.UPDATE, changes, using=self.spec.model._default_manager.db
            )


@contextlib.contextmanager
def _collector_skips_what_exists_now() -> Iterator[None]:
    """Keep every object alive now (above all the plan: several containers a row) out of the cyclic
    garbage collector's full collections while the plan is applied. The writes make many short-lived
    objects, so full collections come often, and each walked the whole plan again: applying 100k rows,
    55 of them took 19 of 165 s. Reference counting frees objects as usual; what is frozen returns to
    the collector at the end. Skipped when something is frozen already (a server may freeze before
    forking; freezing is per process and unfreezing would undo it)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def apply_plan(
    plan: Plan,
    *,
    actor: Any = None,
    via: str = Via.COMMAND,
    progress: Progress | None = None,
    label: str = "",
    on_behalf_of: int | None = None,
) -> ApplyResult:
    """Write the plan, all or nothing, as `actor` through `via`, on behalf of the organisation with id
    `on_behalf_of` (by default the enclosing audit context's; if neither names one, each audit entry
    names its row's own organisation). Raises `ImportRejected` if the stored rows changed since the
    plan was made (nothing is written then)."""
    if plan.applied:
        raise RuntimeError("This plan has already been applied.")
    if on_behalf_of is None:
        with contextlib.suppress(AuditContextMissing):
            on_behalf_of = current_context().on_behalf_of_id
    applier = _Applier(plan, progress or no_progress)
    label = (label or f"import {plan.spec.name}")[:100]
    try:
        with (
            audit_context(via=via, actor=actor, on_behalf_of=on_behalf_of, label=label),
            in_service("importing.apply_plan"),  # the import is the bulk write service of every spec
            transaction.atomic(),
            _collector_skips_what_exists_now(),
        ):
            applier.run()
    except IntegrityError as exc:
        raise ImportRejected(
            [
                Problem(
                    Msg(
                        f"データベースが書き込みを拒否しました（{exc}）。何も書き込んでいません。",
                        f"The database refused the write ({exc}); nothing was written.",
                    ),
                    code="integrity",
                )
            ]
        ) from None
    plan.applied = True
    counts = plan.counts
    return ApplyResult(counts[CREATE], counts[UPDATE], counts[UNCHANGED], plan.changes)

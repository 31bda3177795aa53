"""The plan an import makes and then applies, and the stored rows as a file would write them.

Shared by the stages: `renkei.importing.planning` makes a `Plan` (one `RowChange` per data row),
`renkei.importing.applying` writes it, and `renkei.importing.exporting` reads stored rows with
`read_stored`, in the same form the planner compares a file's rows with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet

from renkei.importing.spec import Column, ImportSpec, Ref

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
Progress = Callable[[str, int, int | None], None]


def batched(iterable: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """itertools.batched, which arrives in Python 3.12."""
    iterator = iter(iterable)
    while block := tuple(islice(iterator, size)):
        yield block


def no_progress(phase: str, done: int, total: int | None) -> None:
    return None


@dataclass(slots=True)
class RowChange:
    """What one data row does: create (`after` holds every column in the file), update (`before` and
    `after` hold the changed columns) or nothing."""

    row: int
    key: tuple[Any, ...]
    action: str
    pk: int | None = None
    after: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)

    def signature(self) -> tuple[Any, ...]:
        """Everything the change means, without the database id it gets when applied."""
        return (
            self.row,
            self.key,
            self.action,
            tuple(sorted((k, repr(self.before.get(k)), repr(v)) for k, v in self.after.items())),
        )


@dataclass
class Plan:
    spec: ImportSpec
    filename: str
    format: str
    encoding: str
    headers: dict[str, str]  # column name → the header as written in the file
    present: tuple[str, ...]
    changes: list[RowChange]
    resolved: dict[str, dict[str, int]]
    fingerprint: str = ""
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts

    @property
    def writes(self) -> list[RowChange]:
        return [c for c in self.changes if c.action != UNCHANGED]

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


# --- reading stored rows as the file would write them -------------------------------------------------


def _lookups(column: Column) -> list[str]:
    if column.ref is None:
        return [column.field_name]
    return [f"{column.field_name}__{path}" for path in column.ref.paths]


def _many_ref(column: Column) -> Ref:
    """The model a many-to-many column names rows of: `ref`, which such a column must declare."""
    if column.ref is None:
        raise ImproperlyConfigured(f"Column {column.name!r} has many=True but no ref (the model it names).")
    return column.ref


def read_stored(
    spec: ImportSpec, queryset: QuerySet, columns: Iterable[Column] | None = None, *, chunk: int = 2000
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(pk, {column name: value as a file would hold it}) for each row: foreign keys as natural keys,
    many-to-many as sorted lists of keys."""
    columns = list(columns if columns is not None else spec.columns)
    plain = [c for c in columns if not c.many]
    many = [c for c in columns if c.many]
    lookups: list[str] = []
    slices: list[tuple[Column, slice]] = []
    for column in plain:
        start = len(lookups) + 1
        lookups += _lookups(column)
        slices.append((column, slice(start, len(lookups) + 1)))
    rows = queryset.order_by("pk").values_list("pk", *lookups)
    for block in batched(rows.iterator(chunk_size=chunk), chunk):
        related: dict[str, dict[int, list[Any]]] = {}
        if many:
            pks = [row[0] for row in block]
            for column in many:
                ref = _many_ref(column)
                values: dict[int, list[Any]] = {}
                linked = spec.model._default_manager.filter(pk__in=pks).values_list("pk", *_lookups(column))
                for pk, *parts in linked:
                    key = ref.compose(parts)
                    if key is not None:
                        values.setdefault(pk, []).append(key)
                related[column.name] = values
        for row in block:
            values_by_name = {
                c.name: (c.ref.compose(row[part]) if c.ref is not None else row[part.start])
                for c, part in slices
            }
            for column in many:
                values_by_name[column.name] = sorted(related[column.name].get(row[0], []))
            yield row[0], values_by_name


def build_instance(spec: ImportSpec, change: RowChange, resolved: dict[str, dict[str, int]]) -> models.Model:
    """The unsaved instance a create would write, or for an update a stand-in carrying the pk and,
    in `import_changes`, the field values (references resolved to ids) the update would set."""
    values: dict[str, Any] = {}
    for name, value in change.after.items():
        column = spec.column(name)
        if column.many:
            continue
        if column.ref is not None:
            values[f"{column.field_name}_id"] = resolved[name].get(value) if value not in (None, "") else None
        else:
            values[column.field_name] = value
    if change.action != CREATE:
        instance = spec.model(pk=change.pk)
        instance._state.adding = False
        instance.import_changes = values  # type: ignore[attr-defined]
        return instance
    return spec.model(**values)

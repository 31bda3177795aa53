"""Plan → dry run → commit.

`plan_import()` reads the whole file in batches and decides, per row, create / update (with the field
differences) / unchanged, collecting every problem; it writes nothing and refuses the file if any
problem was found. `apply_plan()` writes exactly that plan in one transaction inside an audit context,
after checking that the stored rows are still what the plan saw. Work is batched: one query per batch
to resolve references, one to find stored rows, bulk inserts and updates (whose audit entries are also
written in bulk).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from renkei.core import policy
from renkei.core.audit import Via, audit_context, in_service
from renkei.importing.cells import nfkc
from renkei.importing.limits import Limits
from renkei.importing.problems import CellError, ImportRejected, Msg, Problem, Problems, file_problem
from renkei.importing.readers import Table, open_table
from renkei.importing.spec import Column, ImportSpec, RowContext

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
Progress = Callable[[str, int, int | None], None]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_FOLD = re.compile(r"[\s_\-・()（）]")
SHARED_MAX = 64  # characters: longer values rarely repeat


def batched(iterable: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """itertools.batched, which arrives in Python 3.12."""
    iterator = iter(iterable)
    while block := tuple(islice(iterator, size)):
        yield block


def _no_progress(phase: str, done: int, total: int | None) -> None:
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


def fold(header: Any) -> str:
    return _FOLD.sub("", nfkc(header).casefold()) if header is not None else ""


# --- reading stored rows as the file would write them -------------------------------------------------


def _lookups(column: Column) -> list[str]:
    if column.ref is None:
        return [column.field_name]
    return [f"{column.field_name}__{path}" for path in column.ref.paths]


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
                values: dict[int, list[Any]] = {}
                linked = spec.model._default_manager.filter(pk__in=pks).values_list("pk", *_lookups(column))
                for pk, *parts in linked:
                    key = column.ref.compose(parts)
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


# --- planning -------------------------------------------------------------------------------------------


class _Planner:
    def __init__(self, spec: ImportSpec, *, user: Any, limits: Limits, progress: Progress) -> None:
        self.spec = spec
        self.user = user if user is not None and not policy.is_superuser(user) else None
        self.limits = limits
        self.progress = progress
        self.problems = Problems()
        self.layout: list[tuple[int, Column]] = []
        self.ignored: set[int] = set()
        self.headers: dict[str, str] = {}
        self.width = 0
        self.refs = [c for c in spec.columns if c.ref is not None]
        self.resolved: dict[str, dict[str, int]] = {c.name: {} for c in self.refs}
        self.unknown: dict[str, dict[str, Msg]] = {c.name: {} for c in self.refs}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.pending_self: list[tuple[int, str, str]] = []
        self.absent: dict[str, set[str]] = {c.name: set() for c in self.refs}
        self.changes: list[RowChange] = []
        self.first_create: int | None = None
        self.shared: dict[Any, Any] = {}  # one object for each short value repeated across rows

    # header
    def map_header(self, header: list[Any]) -> None:
        spec = self.spec
        names: dict[str, Column] = {}
        for column in spec.columns:
            for form in (column.name, column.label_ja, column.label_en, *column.aliases):
                if form:
                    names.setdefault(fold(form), column)
        if len(header) > self.limits.max_columns:
            raise file_problem(
                f"列が多すぎます（{len(header)}列、上限{self.limits.max_columns}列）。",
                f"Too many columns ({len(header)}; the limit is {self.limits.max_columns}).",
                code="too_many_columns",
            )
        self.width = len(header)
        found: dict[str, int] = {}
        allowed = ", ".join(c.name for c in spec.columns)
        for index, raw in enumerate(header):
            written = "" if raw is None else str(raw).strip()
            if not written:
                self.ignored.add(index)
                continue
            column = names.get(fold(written))
            if column is None:
                self.problems.add(
                    Problem(
                        Msg(
                            f"不明な列です。使える列: {allowed}",
                            f"Unknown column. The columns are: {allowed}",
                        ),
                        column=written,
                        code="unknown_column",
                    )
                )
                continue
            if column.name in found:
                self.problems.add(
                    Problem(
                        Msg(
                            f"同じ列が2回あります（{found[column.name] + 1}列目と{index + 1}列目）。",
                            "The same column appears twice "
                            f"(columns {found[column.name] + 1} and {index + 1}).",
                        ),
                        column=written,
                        code="duplicate_column",
                    )
                )
                continue
            found[column.name] = index
            self.headers[column.name] = written
            self.layout.append((index, column))
        for column in spec.columns:
            if (column.name in spec.key or column.required) and column.name not in found:
                self.problems.add(
                    Problem(
                        Msg("必須の列がありません。", "A required column is missing."),
                        column=column.name,
                        code="missing_column",
                    )
                )
        if self.problems:
            raise ImportRejected(self.problems)

    # rows
    def parse(self, number: int, cells: list[Any]) -> RowContext | None:
        if not any(c is not None and str(c).strip() for c in cells):
            return None
        values: dict[str, Any] = {}
        errors: dict[str, CellError] = {}
        limit = self.limits.max_cell_chars
        for index, column in self.layout:
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, str):
                s = raw.strip()
                if len(s) > limit:
                    errors[column.name] = CellError(
                        f"セルが長すぎます（{len(s):,}文字、上限{limit:,}文字）。",
                        f"The cell is too long ({len(s):,} characters; the limit is {limit:,}).",
                        code="too_long",
                    )
                    continue
                if _CONTROL.search(s):
                    errors[column.name] = CellError(
                        "制御文字が含まれています。", "The cell contains control characters.", code="control"
                    )
                    continue
                if len(s) > 1 and s[0] == "'" and s[1] in FORMULA_START:
                    s = s[1:]  # our own export escaping, undone
                raw = s or None
            if raw is None:
                if column.blank and column.name not in self.spec.key:
                    values[column.name] = column.empty_value()
                else:
                    errors[column.name] = CellError("値が必要です。", "A value is required.", code="required")
                continue
            try:
                values[column.name] = self.share(column.parse(raw))
            except CellError as exc:
                errors[column.name] = exc
        for index in range(self.width, len(cells)):
            if cells[index] is not None and str(cells[index]).strip():
                self.add(
                    number,
                    None,
                    Msg(
                        f"見出しのない列（{index + 1}列目）に値があります。",
                        f"There is a value in column {index + 1}, which has no header.",
                    ),
                    "extra_cell",
                )
                break
        for index in self.ignored:
            if index < len(cells) and cells[index] is not None and str(cells[index]).strip():
                self.add(
                    number,
                    None,
                    Msg(
                        f"見出しが空の列（{index + 1}列目）に値があります。",
                        f"There is a value in column {index + 1}, whose header is empty.",
                    ),
                    "extra_cell",
                )
                break
        present = frozenset(c.name for _i, c in self.layout)
        return RowContext(row=number, values=values, present=present, errors=errors)

    def share(self, value: Any) -> Any:
        """The same object for equal short strings (codes, choices, keys) and integers, alone or in a list:
        a plan holds every row until it is applied, and most cells of a large file repeat a few values."""
        if type(value) is int or (type(value) is str and len(value) <= SHARED_MAX):
            return self.shared.setdefault(value, value)
        if type(value) is list:
            return [self.share(item) for item in value]
        return value

    def add(self, row: int | None, column: str | None, message: Msg, code: str) -> None:
        self.problems.add(
            Problem(message, row=row, column=self.headers.get(column, column) if column else None, code=code)
        )

    def key_of(self, context: RowContext) -> tuple[Any, ...] | None:
        if any(name in context.errors for name in self.spec.key):
            return None
        return tuple(context.values[name] for name in self.spec.key)

    def resolve(self, contexts: list[RowContext]) -> None:
        """Look up, in one query per reference column, the keys this batch names."""
        for column in self.refs:
            if column.name not in contexts[0].present:
                continue
            wanted: set[str] = set()
            for context in contexts:
                if column.name in context.errors:
                    continue
                value = context.values.get(column.name)
                for key in value if column.many else [value]:
                    if (
                        key not in (None, "")
                        and key not in self.resolved[column.name]
                        and (key not in self.unknown[column.name] and key not in self.absent[column.name])
                    ):
                        wanted.add(key)
            if wanted:
                found = column.ref.lookup(wanted)
                for key in wanted:
                    pks = found.get(key, [])
                    if len(pks) == 1:
                        self.resolved[column.name][key] = pks[0]
                    elif len(pks) > 1:
                        self.unknown[column.name][key] = Msg(
                            f"「{key}」は複数の行に当てはまります。区別できる書き方にしてください。",
                            f"“{key}” matches several rows; write it so that it names one.",
                        )
                    elif column.ref.model is not self.spec.model:
                        self.unknown[column.name][key] = Msg(
                            f"登録されていない値です: {key}",
                            f"No such {column.ref.model._meta.model_name}: {key}",
                        )
                    else:
                        self.absent[column.name].add(key)
            for context in contexts:
                if column.name in context.errors:
                    continue
                value = context.values.get(column.name)
                for key in value if column.many else [value]:
                    if key in (None, ""):
                        continue
                    if key in self.unknown[column.name]:
                        message = self.unknown[column.name][key]
                        context.errors[column.name] = CellError(message.ja, message.en, code="unknown_ref")
                    elif key not in self.resolved[column.name]:
                        self.pending_self.append((context.row, column.name, key))

    def stored(self, contexts: list[RowContext]) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        keys = [k for c in contexts if (k := self.key_of(c)) is not None and self._resolvable(k)]
        if not keys:
            return {}
        queryset = self.spec.model._default_manager.filter(self.spec.key_filter(keys, self.resolved))
        present = contexts[0].present
        columns = [c for c in self.spec.columns if not c.many or c.name in present]
        found = {}
        for pk, values in read_stored(self.spec, queryset, columns, chunk=self.spec.batch_size):
            found[tuple(values[name] for name in self.spec.key)] = (pk, values)
        return found

    def _resolvable(self, key: tuple[Any, ...]) -> bool:
        for index, name in enumerate(self.spec.key):
            column = self.spec.column(name)
            if column.ref is not None and key[index] not in self.resolved[name]:
                return False
        return True

    def batch(self, contexts: list[RowContext]) -> None:
        self.resolve(contexts)
        stored = self.stored(contexts)
        writes: list[tuple[RowContext, RowChange]] = []
        for context in contexts:
            key = self.key_of(context)
            if key is not None:
                first = self.seen.get(key)
                if first is not None:
                    context.errors.setdefault(
                        self.spec.key[-1],
                        CellError(
                            f"同じキーの行が既にあります（{first}行目）。",
                            f"The same key appears in row {first} too.",
                            code="duplicate_key",
                        ),
                    )
                else:
                    self.seen[key] = context.row
            pk, existing = stored.get(key, (None, None)) if key is not None else (None, None)
            context.existing = existing
            for name, error in self.spec.clean_row(context):
                context.errors.setdefault(name, error)
            if context.errors:
                for name, error in context.errors.items():
                    self.add(context.row, name, error.message, error.code)
                continue
            change = self.diff(context, key, pk, existing)
            self.changes.append(change)
            if change.action != UNCHANGED:
                writes.append((context, change))
        if self.user is not None and writes:
            self.check_permissions(writes)

    def diff(
        self, context: RowContext, key: tuple[Any, ...], pk: int | None, existing: dict | None
    ) -> RowChange:
        present = [c for _i, c in self.layout]
        if existing is None:
            if self.first_create is None:
                self.first_create = context.row
            after = {c.name: context.values[c.name] for c in present}
            return RowChange(context.row, key, CREATE, after=after)
        before, after = {}, {}
        for column in present:
            if column.name in self.spec.key:
                continue
            old, new = existing.get(column.name), context.values[column.name]
            if not column.same(old, new):
                before[column.name], after[column.name] = old, new
        return RowChange(context.row, key, UPDATE if after else UNCHANGED, pk=pk, after=after, before=before)

    def check_permissions(self, writes: list[tuple[RowContext, RowChange]]) -> None:
        pairs = [(context, build_instance(self.spec, change, self.resolved)) for context, change in writes]
        for (context, _change), verdict in zip(
            writes, self.spec.check_permissions(self.user, pairs), strict=True
        ):
            if verdict is not None:
                self.add(context.row, self.spec.key[0], verdict, "permission")

    def finish(self) -> None:
        if self.first_create is not None:
            present = {c.name for _i, c in self.layout}
            for column in self.spec.columns:
                if not column.blank and column.name not in present:
                    self.problems.add(Problem(Msg(
                        f"新しい行を作るにはこの列が必要です（最初の新しい行: {self.first_create}行目）。",
                        f"This column is needed to create new rows (the first new row is row {self.first_create}).",
                    ), column=column.name, code="missing_column"))  # fmt: skip
        file_keys = {key[0] for key in self.seen} if len(self.spec.key) == 1 else set()
        model = self.spec.model._meta.model_name
        for row, name, key in self.pending_self:
            if key not in file_keys:
                message = Msg(
                    f"登録されておらず、このファイルにもありません: {key}",
                    f"No such {model}, stored or in this file: {key}",
                )
                self.add(row, name, message, "unknown_ref")


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


def plan_table(
    spec: ImportSpec,
    table: Table,
    *,
    filename: str = "",
    user: Any = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Plan:
    limits = limits or Limits.from_settings()
    progress = progress or _no_progress
    planner = _Planner(spec, user=user, limits=limits, progress=progress)
    planner.map_header(table.header)
    done = 0
    progress("check", 0, table.total)
    try:
        for block in batched(table.rows, spec.batch_size):
            contexts = [c for number, cells in block if (c := planner.parse(number, list(cells))) is not None]
            if contexts:
                planner.batch(contexts)
            done += len(block)
            progress("check", done, table.total)
    except ImportRejected as exc:  # the reader gave up (e.g. too many rows): report it with the rest
        for problem in exc.problems:
            planner.problems.add(problem)
        raise ImportRejected(planner.problems) from None
    if not planner.seen and not planner.problems:
        raise file_problem(
            "データの行がありません（見出しだけです）。",
            "There are no data rows (only a header).",
            code="no_rows",
        )
    planner.finish()
    plan = Plan(
        spec=spec,
        filename=filename,
        format=table.format,
        encoding=table.encoding,
        headers=planner.headers,
        present=tuple(c.name for _i, c in planner.layout),
        changes=planner.changes,
        resolved=planner.resolved,
    )
    for row, name, message in spec.check_plan(plan):
        planner.add(row, name, message, "plan")
    if planner.problems:
        raise ImportRejected(planner.problems)
    digest = hashlib.sha256(f"{spec.name}|{plan.present}".encode())
    for change in plan.changes:
        digest.update(repr(change.signature()).encode())
    plan.fingerprint = digest.hexdigest()
    return plan


def plan_import(
    spec: ImportSpec,
    data: bytes,
    *,
    filename: str,
    encoding: str | None = None,
    user: Any = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Read the file and decide what every row would do. Writes nothing; raises `ImportRejected`."""
    limits = limits or Limits.from_settings()
    table = open_table(data, filename=filename, encoding=encoding, limits=limits)
    return plan_table(spec, table, filename=filename, user=user, limits=limits, progress=progress)


# --- applying -------------------------------------------------------------------------------------------

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
        written = [c.pk for c in self.plan.changes if c.action != UNCHANGED]
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
            stored = current.get(change.pk)
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
        for fields, objs in groups.items():
            self.spec.model._default_manager.bulk_update(objs, list(fields))
        for name, rows in many.items():
            self.write_many(self.spec.column(name), rows)
        self.done += len(chunk)
        self.progress("write", self.done, self.total)

    def write_many(self, column: Column, rows: list[tuple[models.Model, list[Any], list[Any]]]) -> None:
        """Make each row's links exactly the planned keys, in bulk, with one audit entry per changed row."""
        from renkei.core.models import AuditedModel, AuditEntry, _entries, _write

        relation = self.spec.model._meta.get_field(column.field_name)
        through = relation.remote_field.through
        source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
        keys = self.resolved[column.name]
        stored: dict[int, dict[int, int]] = {}  # source pk → {target pk: link pk}
        existing = [obj.pk for obj, before, _after in rows if before]
        if existing:
            links = through.objects.filter(**{f"{source}__in": existing}).values_list("pk", source, target)
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
            through.objects.filter(pk__in=removals[start : start + 5000]).delete()
        if additions:
            through.objects.bulk_create(additions)
        if changed and not issubclass(through, AuditedModel):
            _write(_entries(changed, AuditEntry.Action.UPDATE, changes), self.spec.model._default_manager.db)


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
) -> ApplyResult:
    """Write the plan, all or nothing, as `actor` through `via`. Raises `ImportRejected` if the stored
    rows changed since the plan was made (nothing is written then)."""
    if plan.applied:
        raise RuntimeError("This plan has already been applied.")
    applier = _Applier(plan, progress or _no_progress)
    try:
        with (
            audit_context(via=via, actor=actor, label=(label or f"import {plan.spec.name}")[:100]),
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

"""Planning, the first stage of an import: read the file and decide what every row would do.

`plan_import()` reads the whole file in batches and decides, per row, create / update (with the field
differences) / unchanged, collecting every problem; it writes nothing and refuses the file if any
problem was found. Work is batched: one query per batch and reference column to resolve references,
one to find the stored rows. `renkei.importing.applying` then writes the plan.

Rows and references the user may not see are treated exactly as absent ones, so that a refusal never
tells whether a row the user may not see exists.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from renkei.core import policy
from renkei.importing.cells import FORMULA_START, nfkc
from renkei.importing.limits import Limits
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
from renkei.importing.problems import CellError, ImportRejected, Msg, Problem, Problems, file_problem
from renkei.importing.readers import Table, open_table
from renkei.importing.spec import Column, ImportSpec, Ref, RowContext, importers, visible_rows
from renkei.importing.xlsx_formulas import FormulaResult

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FOLD = re.compile(r"[\s_\-・()（）]")
SHARED_MAX = 64  # characters: longer values rarely repeat


def fold(header: Any) -> str:
    return _FOLD.sub("", nfkc(header).casefold()) if header is not None else ""


def column_forms(column: Column) -> list[str]:
    """What a header cell may say for this column: its code, its labels, its aliases."""
    return [f for f in (column.name, column.label_ja, column.label_en, *column.aliases) if f]


def header_forms(spec: ImportSpec) -> dict[str, Column]:
    names: dict[str, Column] = {}
    for declared in spec.columns:
        for form in column_forms(declared):
            names.setdefault(fold(form), declared)
    return names


def recognise(header: list[Any], *, exclude: str = "") -> ImportSpec | None:
    """The importer whose columns name every filled header cell (the one naming most, if several), or
    None. Tells a programs file uploaded as organisations from a file with a misspelt column."""
    written = [fold(h) for h in header if h is not None and str(h).strip()]
    if not written:
        return None
    best: tuple[int, str] | None = None
    for name, spec_class in importers().items():
        if name == exclude:
            continue
        forms = header_forms(spec_class())
        if all(w in forms for w in written):
            known = len({forms[w].name for w in written})
            if best is None or known > best[0]:
                best = (known, name)
    return importers()[best[1]]() if best else None


def _formula_error(result: FormulaResult) -> CellError:
    if result.error:
        return CellError(
            f"数式の結果がエラー（{result.error}）です。数式を直すか、値を入力してください。",
            f"The formula's result is an error ({result.error}). Correct the formula or type the value.",
            code="formula",
        )
    return CellError(
        "数式のセルですが、計算結果が保存されていません。Excel で開いて保存し直すか、値として貼り付けてください。",
        "The cell holds a formula without a computed value. Open the file in Excel and save it again, "
        "or paste the values.",
        code="formula",
    )


def _named_keys(column: Column, context: RowContext) -> list[Any]:
    """The keys a reference cell names: the list of a many-to-many column, else the one value."""
    value = context.values.get(column.name)
    if not column.many:
        return [value]
    if not isinstance(value, list):
        raise ImproperlyConfigured(
            f"Column {column.name!r} has many=True but gave {type(value).__name__}, not a list: "
            "its parse and empty must give lists."
        )
    return value


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
        self.refs: list[tuple[Column, Ref]] = [(c, c.ref) for c in spec.columns if c.ref is not None]
        self.resolved: dict[str, dict[str, int]] = {c.name: {} for c, _ref in self.refs}
        self.unknown: dict[str, dict[str, Msg]] = {c.name: {} for c, _ref in self.refs}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.pending_self: list[tuple[int, str, str]] = []
        self.absent: dict[str, set[str]] = {c.name: set() for c, _ref in self.refs}
        self.changes: list[RowChange] = []
        self.first_create: int | None = None
        self.shared: dict[Any, Any] = {}  # one object for each short value repeated across rows
        self.forms: dict[str, set[str]] = {}  # column name → the folded forms its header may take
        self.data_started = False

    # header
    def map_header(self, header: list[Any]) -> None:
        spec = self.spec
        names = header_forms(spec)
        if len(header) > self.limits.max_columns:
            raise file_problem(
                f"列が多すぎます（{len(header)}列、上限{self.limits.max_columns}列）。",
                f"Too many columns ({len(header)}; the limit is {self.limits.max_columns}).",
                code="too_many_columns",
            )
        self.width = len(header)
        found: dict[str, int] = {}
        unknown: list[str] = []
        for index, raw in enumerate(header):
            written = "" if raw is None else str(raw).strip()
            if not written:
                self.ignored.add(index)
                continue
            column = names.get(fold(written))
            if column is None:
                unknown.append(written)
                self.problems.add(
                    Problem(Msg("不明な列です。", "Unknown column."), column=written, code="unknown_column")
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
            self.forms[column.name] = {fold(f) for f in column_forms(column)}
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
        if unknown:
            other = recognise(header, exclude=spec.name)
            if other is not None:
                raise file_problem(
                    f"このファイルの見出しは「{other.label_ja or other.name}」のものです"
                    f"（「{spec.label_ja or spec.name}」の列ではありません）。"
                    f"取り込む内容に「{other.label_ja or other.name}」を選んで、もう一度アップロードしてください。",
                    f"This file's header is that of “{other.label_en or other.name}”, "
                    f"not of “{spec.label_en or spec.name}”. "
                    f"Choose “{other.label_en or other.name}” as what the file contains and upload it again.",
                    code="wrong_kind",
                )
            allowed_ja = "、".join(c.label_ja or c.name for c in spec.columns)
            allowed_en = ", ".join(c.label_en or c.name for c in spec.columns)
            self.problems.add(
                Problem(
                    Msg(
                        f"不明な列が{len(unknown)}列あります。「{spec.label_ja or spec.name}」の列: {allowed_ja}",
                        f"{len(unknown)} unknown column(s). The columns of “{spec.label_en or spec.name}” "
                        f"are: {allowed_en}",
                    ),
                    code="unknown_columns",
                )
            )
        if self.problems:
            raise ImportRejected(self.problems)

    def is_header_again(self, cells: list[Any]) -> bool:
        """Whether a row repeats the header in other words (an export's labels under its hidden codes
        row, or codes under labels): each filled cell names its own column, and at least half are filled."""
        filled = 0
        for index, column in self.layout:
            raw = cells[index] if index < len(cells) else None
            if raw is None or not str(raw).strip():
                continue
            if fold(raw) not in self.forms[column.name]:
                return False
            filled += 1
        return filled > 0 and filled * 2 >= len(self.layout)

    # rows
    def parse(self, number: int, cells: list[Any]) -> RowContext | None:
        if not any(c is not None and str(c).strip() for c in cells):
            return None
        if not self.data_started:
            self.data_started = True
            if self.is_header_again(cells):
                return None
        values: dict[str, Any] = {}
        errors: dict[str, CellError] = {}
        limit = self.limits.max_cell_chars
        for index, column in self.layout:
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, FormulaResult):
                errors[column.name] = _formula_error(raw)
                continue
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
                if column.blank and (
                    column.name not in self.spec.key or column.name in self.spec.nullable_key
                ):
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
        for column, ref in self.refs:
            if column.name not in contexts[0].present:
                continue
            wanted: set[str] = set()
            for context in contexts:
                if column.name in context.errors:
                    continue
                for key in _named_keys(column, context):
                    if (
                        key not in (None, "")
                        and key not in self.resolved[column.name]
                        and (key not in self.unknown[column.name] and key not in self.absent[column.name])
                    ):
                        wanted.add(key)
            if wanted:
                found = ref.lookup(wanted, visible_to=self.user)  # unseen rows: as unknown ones
                for key in wanted:
                    pks = found.get(key, [])
                    if len(pks) == 1:
                        self.resolved[column.name][key] = pks[0]
                    elif len(pks) > 1:
                        self.unknown[column.name][key] = Msg(
                            f"「{key}」は複数の行に当てはまります。区別できる書き方にしてください。",
                            f"“{key}” matches several rows; write it so that it names one.",
                        )
                    elif ref.model is not self.spec.model:
                        self.unknown[column.name][key] = Msg(
                            f"登録されていない値です: {key}",
                            f"No such {ref.model._meta.model_name}: {key}",
                        )
                    else:
                        self.absent[column.name].add(key)
            for context in contexts:
                if column.name in context.errors:
                    continue
                for key in _named_keys(column, context):
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
        queryset = visible_rows(self.user, queryset)  # a row the user may not see is planned as absent
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
            if key is None:  # key_of gives None only when a key cell has an error
                raise RuntimeError(f"Row {context.row} has no key, yet no error either.")
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
    progress = progress or no_progress
    table = spec.prepare_table(table)
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

"""What an importer declares: its model, natural key, columns and the few rules the engine cannot know.

An importer is a subclass of `ImportSpec`, registered with `register()` in the app's `importers`
module (found by autodiscovery). The same declaration drives import, dry run, export and templates.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules

from renkei.core import policy
from renkei.core.keys import KeyField
from renkei.core.rules import Broken, number_limits
from renkei.importing import cells
from renkei.importing.problems import CellError, Msg

NOT_ALLOWED = Msg(
    "この行を登録・変更する権限がありません。", "You are not allowed to create or change this row."
)


def visible_rows(user: Any, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see, as the policy says; every row for None (a superuser,
    or a command). Models without access rules (sources) are reference data that everyone reads."""
    if user is None:
        return queryset
    try:
        policy.rules_for(queryset.model)
    except LookupError:
        return queryset
    return policy.visible(user, queryset)


class Ref:
    """A column that names rows of another model by their natural key (a foreign key or many-to-many).

    The key is one field (`Ref(Organisation, "key")`) or several joined by `separator`
    (`Ref(Program, paths=("provider__key", "code"))` reads and writes "tohoku-u/DS101").
    `limit_to` narrows the rows that may be named (e.g. only concepts of kind "field").
    """

    def __init__(
        self, model: type[models.Model], field: str = "key", *, paths: tuple[str, ...] | None = None,
        separator: str = "/", limit_to: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self.model = model
        self.paths = paths or (field,)
        self.separator = separator
        self.limit_to = limit_to or {}

    def compose(self, parts: Iterable[Any]) -> str | None:
        parts = list(parts)
        if any(p is None for p in parts):
            return None
        return self.separator.join(str(p) for p in parts)

    def lookup(self, keys: Iterable[str], *, visible_to: Any = None) -> dict[str, list[int]]:
        """Key → primary keys of the rows with that key (more than one means the key is ambiguous),
        among the rows `visible_to` may see (a user; None: every row)."""
        keys = list(keys)
        queryset = visible_rows(visible_to, self.model._default_manager.filter(**self.limit_to))
        if len(self.paths) == 1:
            queryset = queryset.filter(**{f"{self.paths[0]}__in": keys})
        else:
            split = [k.split(self.separator, len(self.paths) - 1) for k in keys]
            for index, path in enumerate(self.paths):
                queryset = queryset.filter(
                    **{f"{path}__in": {p[index] for p in split if len(p) == len(self.paths)}}
                )
        found: dict[str, list[int]] = {}
        for pk, *parts in queryset.values_list("pk", *self.paths):
            key = self.compose(parts)
            if key is None:  # the `__in` filters above match no NULL
                raise RuntimeError(f"{self.model.__name__} {pk}: a key part is NULL, yet it matched a key.")
            found.setdefault(key, []).append(pk)
        return found


@dataclass(frozen=True)
class Column:
    """One column of the file; its name is the header written by exports and the model field by default."""

    name: str
    parse: cells.Parser
    label_ja: str = ""
    label_en: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present in the file
    blank: bool = True  # an empty cell is allowed, and gives `empty`
    empty: Any = ""
    ref: Ref | None = None  # written as the natural key of a row of `ref.model`
    many: bool = False  # with `ref`: a many-to-many field, written as a list of keys
    unordered: bool = False  # list values compare as sets
    attr: str | None = None  # the model field, when it is not `name`
    help_ja: str = ""
    help_en: str = ""
    choices: tuple[tuple[Any, Any], ...] = ()  # values → labels people read (exports, preview)
    boolean: bool = False  # shown as はい/いいえ (yes/no)

    @property
    def field_name(self) -> str:
        return self.attr or self.name

    def empty_value(self) -> Any:
        return list(self.empty) if isinstance(self.empty, list) else self.empty

    def same(self, before: Any, after: Any) -> bool:
        if isinstance(before, list) and isinstance(after, list) and (self.unordered or self.many):
            return sorted(map(str, before)) == sorted(map(str, after))
        return before == after


def _parser_for(f: Any) -> cells.Parser:
    if isinstance(f, models.ManyToManyField):
        return cells.string_list(cells.code())
    if isinstance(f, models.ForeignKey):
        return cells.code()
    if f.choices:
        return cells.choice(f.choices)
    if isinstance(f, models.BooleanField):
        return cells.boolean()
    low, high = number_limits(f)
    if isinstance(f, models.DecimalField):
        return cells.decimal(
            max_digits=f.max_digits, decimal_places=f.decimal_places, min_value=low, max_value=high
        )
    if isinstance(
        f, models.PositiveIntegerField | models.PositiveSmallIntegerField | models.PositiveBigIntegerField
    ):
        return cells.integer(min_value=0 if low is None else max(0, low), max_value=high)
    if isinstance(f, models.IntegerField):
        return cells.integer(min_value=low, max_value=high)
    if isinstance(f, models.DateField):
        return cells.date()
    if isinstance(f, models.EmailField):
        return cells.email(max_length=f.max_length or 254)
    if isinstance(f, models.URLField):
        return cells.url(max_length=f.max_length or 200)
    if isinstance(f, KeyField | models.SlugField):
        return cells.key(max_length=f.max_length or 50)
    if isinstance(f, models.JSONField):
        return cells.string_list()
    return cells.text(max_length=getattr(f, "max_length", None))


def field_column(model: type[models.Model], name: str, **overrides: Any) -> Column:
    """A column read straight from a model field: parser, length, choices and blank taken from the field.

    An empty cell means the field's default if it has one, else NULL if it is nullable, else "" for
    text that may be blank; otherwise an empty cell is an error.
    """
    f = model._meta.get_field(name)
    if not isinstance(f, models.Field):  # a reverse relation: not a column of this model's rows
        raise ImproperlyConfigured(
            f"{model.__name__}.{name} is not a field of the model ({type(f).__name__}); declare a Column."
        )
    empty: Any
    if isinstance(f, models.ManyToManyField):
        blank, empty = True, []
    elif f.has_default():
        blank, empty = True, f.get_default()
    elif f.null:
        blank, empty = True, None
    elif isinstance(f, models.CharField | models.TextField) and f.blank:
        blank, empty = True, ""
    else:
        blank, empty = False, None
    values: dict[str, Any] = {
        "name": name,
        "parse": _parser_for(f),
        "blank": blank,
        "empty": empty,
        "choices": tuple(f.choices or ()),
        "boolean": isinstance(f, models.BooleanField),
    }
    values.update(overrides)
    return Column(**values)


@dataclass
class RowContext:
    """What a spec's row rules see: the parsed values of the present columns, and the row as stored."""

    row: int
    values: dict[str, Any]
    present: frozenset[str]
    existing: dict[str, Any] | None = None
    errors: dict[str, CellError] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name in self.present:
            return self.values.get(name)
        return (self.existing or {}).get(name)


class ImportSpec:
    """Subclass per model. Everything has a sensible default except name, model, key and columns."""

    name: ClassVar[str]
    label_ja: ClassVar[str] = ""
    label_en: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    key: ClassVar[tuple[str, ...]]
    # key columns whose empty cell is a value of the key (NULL), e.g. a figure declared for no year
    nullable_key: ClassVar[tuple[str, ...]] = ()
    batch_size: ClassVar[int] = 1000

    def get_columns(self) -> tuple[Column, ...]:
        raise NotImplementedError

    @property
    def columns(self) -> tuple[Column, ...]:
        cached = self.__dict__.get("_columns")
        if cached is None:
            cached = self.__dict__["_columns"] = self.get_columns()
        return cached

    def column(self, name: str) -> Column:
        by_name = self.__dict__.get("_by_name")
        if by_name is None:
            by_name = self.__dict__["_by_name"] = {c.name: c for c in self.columns}
        return by_name[name]

    def key_filter(self, keys: list[tuple[Any, ...]], resolved: dict[str, dict[str, int]]) -> Q:
        """A filter that finds (a superset of) the stored rows with these natural keys."""
        q = Q()
        for index, name in enumerate(self.key):
            column = self.column(name)
            values = {k[index] for k in keys}
            if column.ref is not None:
                q &= Q(
                    **{
                        f"{column.field_name}_id__in": [
                            resolved[name][v] for v in values if v in resolved[name]
                        ]
                    }
                )
            elif None in values:  # SQL's IN never matches NULL
                q &= Q(**{f"{column.field_name}__in": [v for v in values if v is not None]}) | Q(
                    **{f"{column.field_name}__isnull": True}
                )
            else:
                q &= Q(**{f"{column.field_name}__in": list(values)})
        return q

    def prepare_table(self, table: Any) -> Any:
        """The file's table as the planner reads it (a `readers.Table`): an importer made for one file's
        layout (see `register_factory`) turns its columns into its own here; raises `ImportRejected`."""
        return table

    # --- rules the engine asks about ---------------------------------------------------------------
    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        """Rules across columns of one row: (column name, error) pairs."""
        return []

    def check_plan(self, plan: Any) -> list[tuple[int | None, str | None, Msg]]:
        """Rules across rows, once every row is read: (row, column name, message) triples."""
        return []

    def check_permissions(self, user: Any, rows: list[tuple[RowContext, models.Model]]) -> list[Msg | None]:
        """For each row about to be written (with the instance as it would be saved), why it may not be.

        Creations ask the policy for ADD on the unsaved instance, changes `can_change` on the stored
        row and the row as it will be (so a row cannot be moved where the user holds no rights).
        The default asks `renkei.core.policy`; unchanged rows are never asked (nothing is written).
        """
        stored = self.model._default_manager.in_bulk([obj.pk for _c, obj in rows if obj.pk is not None])
        verdicts: list[Msg | None] = []
        for _context, obj in rows:
            if obj.pk is None:
                allowed = policy.can(user, policy.Action.ADD, obj)
            else:
                before = stored[obj.pk]
                after = copy.copy(before)
                after._state = copy.copy(before._state)
                after._state.fields_cache = {}
                for attname, value in getattr(obj, "import_changes", {}).items():
                    setattr(after, attname, value)
                allowed = policy.can_change(user, before, after)
            verdicts.append(None if allowed else NOT_ALLOWED)
        return verdicts

    def prepare_instances(self, instances: list[models.Model]) -> None:
        """Called before instances are written in bulk (e.g. to cache what their audit entries read)."""

    def after_apply(self, pks: list[int]) -> None:
        """Called inside the import's transaction with the ids of every row created or changed."""

    def started(self) -> list[dict[str, Any]]:
        """Work that `after_apply` started (e.g. the matching of the needs an import made), for the import's
        page: each {"ja", "en", "link_ja", "link_en", "url_name", "args"}. Empty by default."""
        return []

    def export_queryset(self, user: Any) -> QuerySet:
        return policy.visible(user, self.model._default_manager.all())


_registry: dict[str, type[ImportSpec]] = {}


def register(spec: type[ImportSpec]) -> type[ImportSpec]:
    """Class decorator for importers, in the app's `importers` module."""
    _registry[spec.name] = spec
    return spec


def importers() -> dict[str, type[ImportSpec]]:
    autodiscover_modules("importers")
    return dict(sorted(_registry.items()))


def get_importer(name: str) -> ImportSpec:
    found = importers().get(name)
    if found is None:
        raise KeyError(name)
    return found()


# Importers made per use, from options (e.g. the survey whose answers a form tool's export holds, and
# how its headers map to the questions): name → (model written, factory(options, user) → ImportSpec).
# They are not listed with `importers()` (no page or export offers them without their options).
Factory = Callable[[Mapping[str, Any], Any], ImportSpec]
_factories: dict[str, tuple[type[models.Model], Factory]] = {}


def register_factory(name: str, model: type[models.Model], factory: Factory) -> None:
    """Register an importer that is made from options, in the app's `importers` module."""
    _factories[name] = (model, factory)


def factories() -> dict[str, tuple[type[models.Model], Factory]]:
    autodiscover_modules("importers")
    return dict(sorted(_factories.items()))


def importer_for(name: str, options: Mapping[str, Any] | None = None, user: Any = None) -> ImportSpec:
    """A registered importer, or one made from `options` for `user` by its factory; KeyError if none."""
    made = factories().get(name)
    if made is not None:
        return made[1](options or {}, user)
    return get_importer(name)


def cell_errors(broken: Iterable[Broken]) -> list[tuple[str, CellError]]:
    """Broken rules (`renkei.core.rules`) as errors on the file's cells, one per field."""
    return [
        (item.field or "", CellError(item.message.ja, item.message.en, code=item.code)) for item in broken
    ]

"""Loading seed data (the demo registry, the sample catalog): one upsert and one load report.

A `Loader` matches each row on its natural key and writes it through the model's own save service
(`writes_for(model).save(obj, actor=None, …)`), so a seeded row passes the same rules (full_clean,
the `check_*` functions) and has the same side effects as a row a person saves. It keeps the
properties the loaders had:

- the rows of a model (and the links of a many-to-many field) are read once, with one query;
- a row is written only when a value or a link differs, so a second run writes nothing and leaves no
  audit entries;
- a row that a person changed since a loader last wrote it is left as the person made it and counted
  as kept (see `edited_by_people`): restarting the demo never reverts an edit made in the admin,
  pages or API. Rows that are missing are created again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.utils import translation

from renkei.core.audit import Via
from renkei.core.messages import Msg
from renkei.core.models import AuditEntry
from renkei.core.services import writes_for

# A write by a person: someone signed in, or a request through the admin, the pages or the API.
BY_A_PERSON = Q(actor__isnull=False) | Q(via__in=[Via.ADMIN, Via.WEB, Via.API])
# A write by the system: a loader, a command or a task with nobody signed in (a test's own setup,
# via 'test', is neither: it stands for whatever state a test needs).
BY_THE_SYSTEM = ~BY_A_PERSON & ~Q(via=Via.TEST)


def edited_by_people(model: type[models.Model]) -> set[str]:
    """The ids (as stored in the audit log) of the rows of `model` that a person wrote after the
    system last did: created or changed in the admin, on a page or through the API, and not
    rewritten since by a loader or a command. One query."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    rows = (
        AuditEntry.objects.filter(content_type=content_type)
        .values("object_id")
        .annotate(person=Max("id", filter=BY_A_PERSON), system=Max("id", filter=BY_THE_SYSTEM))
        .filter(person__isnull=False)
        .values_list("object_id", "person", "system")
    )
    return {object_id for object_id, person, system in rows if system is None or person > system}


class SeedRejected(Exception):
    """A seeded row breaks a rule: the load stops and, being one transaction, writes nothing."""

    def __init__(self, model: type[models.Model], lookup: dict[str, Any], error: ValidationError) -> None:
        where = ", ".join(f"{name}={_plain(value)}" for name, value in lookup.items())
        with translation.override("ja"):
            ja = f"{model._meta.verbose_name}（{where}）を読み込めません: {_joined(error)}"
        with translation.override("en"):
            en = f"Cannot load the {model._meta.verbose_name} ({where}): {_joined(error)}"
        self.message = Msg(ja, en)
        super().__init__(en)


# How a load counted a row, weakest first: a row met twice in one load (a second upsert, an
# amendment) is counted once, under the stronger outcome.
OUTCOMES = ("unchanged", "kept", "updated", "created")


@dataclass
class LoadReport:
    """What a load did, per model: rows created, updated, deleted, left unchanged, and kept (they
    differ from the seed, but a person changed them, so the load left them as they are)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)

    @property
    def writes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def add(self, other: LoadReport, *, suffix: str = "") -> None:
        """Count another load's rows in this report, under their names followed by `suffix`."""
        for outcome in (*OUTCOMES, "deleted"):
            mine: Counter[str] = getattr(self, outcome)
            for name, count in getattr(other, outcome).items():
                mine[f"{name}{suffix}"] += count

    def lines(self) -> list[str]:
        """One line per model; the deleted column only when something was deleted."""
        names = sorted({name for outcome in (*OUTCOMES, "deleted") for name in getattr(self, outcome)})
        width = max((len(name) for name in names), default=0)
        deleted = any(self.deleted.values())
        return [
            f"{name:<{width}}  created {self.created[name]:>4}  updated {self.updated[name]:>4}  "
            + (f"deleted {self.deleted[name]:>4}  " if deleted else "")
            + f"unchanged {self.unchanged[name]:>4}  kept {self.kept[name]:>4}"
            for name in names
        ]


class Loader:
    """Upsert rows by natural key through their save services; see the module docstring.

    Give the rows of one model the same lookup fields throughout a load (each set of lookup fields
    reads the model's rows once). `save_options` are extra keywords for a model's save and delete
    services (the sample loader defers the programs' re-indexing to one pass at the end).
    """

    def __init__(self, *, save_options: dict[type[models.Model], dict[str, Any]] | None = None) -> None:
        self.report = LoadReport()
        self.save_options = save_options or {}
        self._rows: dict[tuple[type[models.Model], tuple[str, ...]], dict[tuple, Any]] = {}
        self._links: dict[tuple[type[models.Model], str], defaultdict[Any, set[Any]]] = {}
        self._edited: dict[type[models.Model], set[str]] = {}
        self._outcomes: dict[tuple[type[models.Model], Any], str] = {}

    # --- writing ---------------------------------------------------------------------------------
    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        *,
        relations: dict[str, Iterable[models.Model]] | None = None,
    ) -> Any:
        """The row of `model` matching `lookup`: created with `values` and the many-to-many
        `relations` (field name → related rows) if missing, else brought to them unless a person
        changed it (then kept as it is). Returns the row."""
        wanted = {name: list(related) for name, related in (relations or {}).items()}
        rows = self.rows(model, tuple(sorted(lookup)))
        key = tuple(_plain(lookup[name]) for name in sorted(lookup))
        obj = rows.get(key)
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, {name: related for name, related in wanted.items() if related}, lookup)
            rows[key] = obj
            self._count(obj, "created")
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        relinked = {
            name: related
            for name, related in wanted.items()
            if self.links(model, name)[obj.pk] != _pks(related)
        }
        if not changed and not relinked:
            self._count(obj, "unchanged")
        elif self.is_edited(obj):
            self._count(obj, "kept")
        else:
            for name in changed:
                setattr(obj, name, values[name])
            self._save(obj, relinked, lookup)
            self._count(obj, "updated")
        return obj

    def amend(self, obj: models.Model, values: dict[str, Any]) -> None:
        """Set fields of a row upserted earlier in this load that refer to rows loaded after it (a
        second pass), unless a person changed the row."""
        if not any(_differs(obj, name, value) for name, value in values.items()):
            return
        counted = self._outcomes.get((type(obj), obj.pk))
        if counted == "kept" or (counted != "created" and self.is_edited(obj)):
            self._count(obj, "kept")
            return
        for name, value in values.items():
            setattr(obj, name, value)
        self._save(obj, {}, {"pk": obj.pk})
        self._count(obj, "updated")

    def delete(self, obj: models.Model) -> None:
        """Delete a row the seed no longer has, unless a person wrote it (then it is kept)."""
        model = type(obj)
        if self.is_edited(obj):
            self._count(obj, "kept")
            return
        writes = writes_for(model)  # (`Writes.delete` passes no options: call its service)
        writes.delete_service(**{writes.argument: obj}, actor=None, **self.save_options.get(model, {}))
        for (cached_model, _), rows in self._rows.items():
            if cached_model is model:
                for key in [key for key, row in rows.items() if row is obj]:
                    del rows[key]
        self.report.deleted[model.__name__] += 1

    def _save(
        self, obj: models.Model, relations: dict[str, list[models.Model]], lookup: dict[str, Any]
    ) -> None:
        model = type(obj)
        try:
            writes_for(model).save(obj, actor=None, **relations, **self.save_options.get(model, {}))
        except ValidationError as error:
            raise SeedRejected(model, lookup, error) from error
        for name, related in relations.items():
            self.links(model, name)[obj.pk] = _pks(related)

    def keep(self, obj: models.Model) -> None:
        """Count a row the seed would change but that stays as it is by a rule of its own (a signed
        agreement version is immutable): reported as kept, like a row a person edited."""
        self._count(obj, "kept")

    def _count(self, obj: models.Model, outcome: str) -> None:
        """Count the row under `outcome`, once per load (see OUTCOMES)."""
        name, row = type(obj).__name__, (type(obj), obj.pk)
        before = self._outcomes.get(row)
        if before is not None:
            if OUTCOMES.index(before) >= OUTCOMES.index(outcome):
                return
            getattr(self.report, before)[name] -= 1
        getattr(self.report, outcome)[name] += 1
        self._outcomes[row] = outcome

    # --- reading (once per model) ----------------------------------------------------------------
    def rows(self, model: type[models.Model], fields: tuple[str, ...]) -> dict[tuple, Any]:
        """Every row of `model` by the values of `fields` (read once; rows created later are added)."""
        cache_key = (model, fields)
        if cache_key not in self._rows:
            names = [_attname(model, f) for f in fields]
            self._rows[cache_key] = {
                tuple(getattr(obj, name) for name in names): obj for obj in model._default_manager.all()
            }
        return self._rows[cache_key]

    def links(self, model: type[models.Model], name: str) -> defaultdict[Any, set[Any]]:
        """The ids each row of `model` links to through the many-to-many field `name` (read once)."""
        cache_key = (model, name)
        if cache_key not in self._links:
            m2m = model._meta.get_field(name)
            if not isinstance(m2m, models.ManyToManyField) or m2m.remote_field.through is None:
                raise TypeError(f"{model.__name__}.{name} is not a many-to-many field")
            through = m2m.remote_field.through
            source = _attname(through, m2m.m2m_field_name())
            target = _attname(through, m2m.m2m_reverse_field_name())
            links: defaultdict[Any, set[Any]] = defaultdict(set)
            for row_id, related_id in through._default_manager.values_list(source, target):
                links[row_id].add(related_id)
            self._links[cache_key] = links
        return self._links[cache_key]

    def is_edited(self, obj: models.Model) -> bool:
        """Did a person write this row after the system last did? (one query per model, when first asked)"""
        model = type(obj)
        if model not in self._edited:
            self._edited[model] = edited_by_people(model)
        return str(obj.pk) in self._edited[model]


def _joined(error: ValidationError) -> str:
    return "; ".join(str(message) for message in error.messages)


def _attname(model: type[models.Model], name: str) -> str:
    if name == "pk":
        return name
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return model_field.attname


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _pks(rows: Iterable[models.Model]) -> set[Any]:
    return {row.pk for row in rows}


def _differs(obj: models.Model, name: str, wanted: Any) -> bool:
    """Does the row's value of field `name` differ from `wanted`? A foreign key is compared by id,
    without loading the related row."""
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        return getattr(obj, model_field.attname) != _plain(wanted)
    current = getattr(obj, name)
    if isinstance(current, Decimal) and wanted is not None:
        return current != Decimal(str(wanted))
    return current != wanted

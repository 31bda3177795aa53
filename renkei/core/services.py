"""The one write path: the `service` decorator and the steps every service takes.

A service is a function named `<entity>_<verb>` with keyword-only arguments and an `actor` (the
user, or None for the system itself: a loader or a command that decided who may write before it
called). Decorated with `@service`, it runs in one transaction and marks its writes as its own:
every `AuditEntry` names the service, and an audited write outside any service raises
(`renkei.core.audit.WriteOutsideService`). So admin pages, public pages, the API, imports, loaders
and commands can only write by calling the same services, as wagtail's actions behave identically
from the admin, the API and code.

A typical save is `authorize_save` (the policy, on the row as stored and as it will be) →
`enforce(check_<entity>(...))` (the rules, `renkei.core.rules`) → `full_clean` → `save`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from renkei.core import policy
from renkei.core.audit import in_service
from renkei.core.policy import Action, Actor

P = ParamSpec("P")
R = TypeVar("R")


def service(function: Callable[P, R]) -> Callable[P, R]:
    """Make `function` a service: atomic, and the named source of every write it makes."""
    app = function.__module__.split(".")[1] if function.__module__.startswith("renkei.") else ""
    name = f"{app}.{function.__name__}" if app else function.__name__

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with in_service(name), transaction.atomic():
            return function(*args, **kwargs)

    run.service_name = name  # type: ignore[attr-defined]  # the mark register_writes() looks for
    return run


def authorize_save(actor: Actor | None, obj: models.Model) -> None:
    """The actor may add the row, or change it both as stored and as it will be saved (so that
    nobody moves a row into a place where they have no rights: another parent, provider, network)."""
    if actor is None:
        return
    policy.require_save(actor, obj)


def authorize_delete(actor: Actor | None, obj: models.Model) -> None:
    if actor is not None:
        policy.require(actor, Action.DELETE, obj)


def save_checked(obj: models.Model, *, validate: bool = True) -> models.Model:
    """Validate (fields, constraints and the model's rules through `clean()`) and save."""
    if validate:
        obj.full_clean()
    obj.save()
    return obj


def record_save(
    *, obj: Any, actor: Actor | None, relations: dict[str, Iterable[Any] | None] | None = None
) -> Any:
    """The whole save of a record with no side effects beyond its own row and its many-to-many
    relations (`relations`: field name → the related rows, or None to leave the field alone)."""
    authorize_save(actor, obj)
    save_checked(obj)
    for name, values in (relations or {}).items():
        if values is not None:
            getattr(obj, name).set(list(values))
    return obj


def record_delete(*, obj: Any, actor: Actor | None) -> None:
    authorize_delete(actor, obj)
    obj.delete()


# --- which services write which model ---------------------------------------------------------------


@dataclass(frozen=True)
class Writes:
    """The save and delete services of one model, callable without knowing their keyword names.

    Generic callers (the admin, its inlines) use these; code that knows the entity calls the
    services by name. `save(obj, actor=…, **relations)` passes many-to-many values by field name.
    """

    save_service: Callable[..., Any]
    delete_service: Callable[..., Any]
    argument: str

    def save(self, obj: models.Model, *, actor: Actor | None, **relations: Any) -> Any:
        return self.save_service(**{self.argument: obj}, actor=actor, **relations)

    def delete(self, obj: models.Model, *, actor: Actor | None) -> None:
        self.delete_service(**{self.argument: obj}, actor=actor)


_writes: dict[type[models.Model], Writes] = {}


def register_writes(
    model: type[models.Model], *, save: Callable[..., Any], delete: Callable[..., Any], argument: str
) -> None:
    """Declare the services that save and delete `model` (once per model)."""
    for function in (save, delete):
        if not hasattr(function, "service_name"):
            raise ImproperlyConfigured(f"{function.__name__} is not a @service")
    if model in _writes:
        raise ImproperlyConfigured(f"Services for {model.__name__} are registered twice.")
    _writes[model] = Writes(save, delete, argument)


def writes_for(model: type[models.Model]) -> Writes:
    try:
        return _writes[model]
    except KeyError:
        raise LookupError(
            f"No services write {model.__name__}: add <entity>_save/<entity>_delete to the app's "
            "services.py and register them with register_writes()."
        ) from None


def registered_writes() -> dict[type[models.Model], Writes]:
    return dict(_writes)


def record_services(
    model: type[models.Model], argument: str, *, module: str, relations: tuple[str, ...] = ()
) -> tuple[Callable[..., Any], Callable[..., None]]:
    """The save and delete services of a record whose writes touch nothing but its own row (and
    the many-to-many `relations`), made and registered in one line of the app's services.py:

        membership_save, membership_delete = record_services(Membership, "membership", module=__name__)

    They are called like any service: `membership_save(membership=m, actor=user)`. A record whose
    writes do more (re-index, notify, compute) gets hand-written services instead.
    """

    def save(*, actor: Actor | None, **values: Any) -> Any:
        obj = values.pop(argument)
        unknown = set(values) - set(relations)
        if unknown:
            raise TypeError(f"{argument}_save() got unexpected arguments {sorted(unknown)}")
        return record_save(obj=obj, actor=actor, relations=values)

    def delete(*, actor: Actor | None, **values: Any) -> None:
        record_delete(obj=values.pop(argument), actor=actor)

    made = []
    for function, verb in ((save, "save"), (delete, "delete")):
        function.__name__ = function.__qualname__ = f"{argument}_{verb}"
        function.__module__ = module
        function.__doc__ = f"{verb.capitalize()} a {model._meta.verbose_name} (policy, rules, audit)."
        made.append(service(function))
    register_writes(model, save=made[0], delete=made[1], argument=argument)
    return made[0], made[1]


def _source_services() -> tuple[Callable[..., Any], Callable[..., None]]:
    from renkei.core.models import Source

    return record_services(Source, "source", module=__name__)


source_save, source_delete = _source_services()

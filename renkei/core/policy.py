"""One policy: 'may this user do X to this object' and 'which objects may this user see'.

Each app registers `Rules` for its models in `AppConfig.ready()`, once per model: a second
registration is refused, so which rules hold never depends on the order of INSTALLED_APPS. Views, the
API, the admin, imports and services all ask `can()` / `visible()` / `require_save()` here; nothing
else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

if TYPE_CHECKING:  # core sits below accounts: the user model is named for the type checker only
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

# The signed-in user or the anonymous one.
Actor: TypeAlias = "User | AnonymousUser"

M = TypeVar("M", bound=models.Model, contravariant=True)


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


class Rules(Protocol[M]):
    """What one model's rows allow: registered once per model with `register()`."""

    def can(self, user: Actor | None, action: Action, obj: M) -> bool: ...

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet: ...

    def may_write_some(self, user: Actor | None) -> bool:
        """Whether the user may write at least one row of the model (e.g. to offer an import)."""
        ...


class PublicReadOnly:
    """Everyone sees everything; only superusers write. The safe default for reference data."""

    def can(self, user: Actor | None, action: Action, obj: models.Model) -> bool:
        return action == Action.VIEW

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def may_write_some(self, user: Actor | None) -> bool:
        return False


class SuperusersOnly:
    """Nobody but superusers sees or writes these rows (user accounts)."""

    def can(self, user: Actor | None, action: Action, obj: models.Model) -> bool:
        return False

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.none()

    def may_write_some(self, user: Actor | None) -> bool:
        return False


# --- scopes: a user acting through a credential that narrows what they may do ----------------------------


class Permission(StrEnum):
    """What a scoped credential (an API token) may do at all; the policy still decides each row."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class Scope:
    """The narrowing an API token puts on its owner: only their roles at `organisation_id` and its units
    count (`renkei.organisations.policy.organisation_roles`, `renkei.networks.policy.staff_network_ids`
    honour it), never the superuser's powers, and without WRITE nothing but reading. `label` names the
    credential (its non-secret prefix) for the audit log."""

    organisation_id: int
    permissions: frozenset[str]
    label: str = ""

    def allows(self, permission: Permission | str) -> bool:
        return str(permission) in self.permissions


SCOPE_ATTRIBUTE = "renkei_scope"


def scope_of(user: Actor | None) -> Scope | None:
    """The scope carried by the user object of this request (set by the API's token authentication)."""
    scope = getattr(user, SCOPE_ATTRIBUTE, None)
    return scope if isinstance(scope, Scope) else None


def _may_write(user: Actor | None) -> bool:
    scope = scope_of(user)
    return scope is None or scope.allows(Permission.WRITE)


_registry: dict[type[models.Model], Rules[Any]] = {}

_Row = TypeVar("_Row", bound=models.Model)


def register(model: type[_Row], rules: Rules[_Row]) -> None:
    """Give `model` its rules; refuses a model that already has some."""
    if model in _registry:
        raise ImproperlyConfigured(
            f"Access rules for {model.__name__} are registered twice "
            f"({type(_registry[model]).__name__} and {type(rules).__name__}): one app owns a model's rules."
        )
    _registry[model] = rules


def rules_for(model: type[models.Model]) -> Rules[Any]:
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    raise LookupError(f"No access rules registered for {model.__name__}")


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def is_superuser(user: Actor | None) -> bool:
    """An active superuser acting in person: a scoped credential never carries the superuser's powers."""
    return bool(user is not None and user.is_active and user.is_superuser and scope_of(user) is None)


def can(user: Actor | None, action: Action | str, obj: models.Model) -> bool:
    if Action(action) != Action.VIEW and not _may_write(user):
        return False
    if is_superuser(user):
        return True
    return rules_for(type(obj)).can(user, Action(action), obj)


def require(user: Actor | None, action: Action | str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied


def can_change(user: Actor | None, stored: models.Model, new: models.Model) -> bool:
    """May the user turn the stored row into `new`? CHANGE both on the row as stored and on the row
    as it will be, so that nobody moves a row (its provider, unit, network, group) to a place where
    they hold no rights. Rules whose rights come from the row itself (an organisation's place in the
    tree) decide with a `can_change(user, stored, new)` method of their own."""
    if not _may_write(user):
        return False
    if is_superuser(user):
        return True
    rules = rules_for(type(new))
    own = getattr(rules, "can_change", None)
    if own is not None:
        return bool(own(user, stored, new))
    return rules.can(user, Action.CHANGE, stored) and rules.can(user, Action.CHANGE, new)


def can_save(user: Actor | None, obj: models.Model) -> bool:
    """May the user save `obj` as it is now: ADD for a new row, `can_change` for a stored one."""
    if not _may_write(user):
        return False
    if is_superuser(user):
        return True
    stored = None if obj.pk is None else type(obj)._base_manager.filter(pk=obj.pk).first()
    if stored is None:
        return rules_for(type(obj)).can(user, Action.ADD, obj)
    return can_change(user, stored, obj)


def require_save(user: Actor | None, obj: models.Model) -> None:
    if not can_save(user, obj):
        raise PermissionDenied


def may_write_some(user: Actor | None, model: type[models.Model]) -> bool:
    """Whether the user may write at least one row of `model` (superusers may write every model)."""
    if not _may_write(user):
        return False
    return is_superuser(user) or rules_for(model).may_write_some(user)


def visible(user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
    if is_superuser(user):
        return queryset
    return rules_for(queryset.model).visible(user, queryset)


def follow(obj: object, path: str) -> object:
    """The object reached from `obj` along a lookup path such as 'meeting__body'."""
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj


def related_id(obj: object, path: str) -> int | None:
    """The id at the end of a lookup path such as 'meeting__body__network', read without loading
    the last row ('network_id' of the body)."""
    *through, last = path.split("__")
    return getattr(follow(obj, "__".join(through)), f"{last}_id")

"""One policy: 'may this user do X to this object' and 'which objects may this user see'.

Each app registers `Rules` for its models in `AppConfig.ready()`. Views, the API, the admin and
commands all ask `can()` / `visible()` here; nothing else decides access.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


class Rules(Protocol):
    def can(self, user: Any, action: Action, obj: models.Model) -> bool: ...

    def visible(self, user: Any, queryset: models.QuerySet) -> models.QuerySet: ...


class PublicReadOnly:
    """Everyone sees everything; only superusers write. The safe default for reference data."""

    def can(self, user: Any, action: Action, obj: models.Model) -> bool:
        return action == Action.VIEW

    def visible(self, user: Any, queryset: models.QuerySet) -> models.QuerySet:
        return queryset


_registry: dict[type[models.Model], Rules] = {}


def register(model: type[models.Model], rules: Rules) -> None:
    _registry[model] = rules


def rules_for(model: type[models.Model]) -> Rules:
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    raise LookupError(f"No access rules registered for {model.__name__}")


def is_superuser(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def can(user: Any, action: Action | str, obj: models.Model) -> bool:
    if is_superuser(user):
        return True
    return rules_for(type(obj)).can(user, Action(action), obj)


def require(user: Any, action: Action | str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied


def visible(user: Any, queryset: models.QuerySet) -> models.QuerySet:
    if is_superuser(user):
        return queryset
    return rules_for(queryset.model).visible(user, queryset)

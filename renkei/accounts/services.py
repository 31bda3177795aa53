"""Writes to user accounts. Django's own auth code writes users too (the time of the last login,
a password change); those paths are routed here: the login signal is this module's receiver, and
the admin's forms save through `user_save`."""

from __future__ import annotations

from typing import Any

from renkei.accounts.models import User
from renkei.core.services import record_services, service

user_save, user_delete = record_services(
    User, "user", module=__name__, relations=("groups", "user_permissions")
)


@service
def user_record_login(*, user: User) -> None:
    """Remember when the user last signed in (Django's `update_last_login`, as a service)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])


@service
def user_create_superuser(*, username: str, password: str, display_name: str = "") -> User:
    """A superuser (the demo's admin; `createsuperuser` does the same through Django)."""
    return User.objects.create_superuser(username, email="", password=password, display_name=display_name)


@service
def user_set_password(*, user: User, password: str, actor: Any = None) -> User:
    """Set a password (hashed by Django) and save it."""
    user.set_password(password)
    user.save()
    return user


def record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """Receiver of `user_logged_in` in place of Django's `update_last_login`."""
    user_record_login(user=user)

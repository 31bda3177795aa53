"""Writes to user accounts and their API tokens. Django's own auth code writes users too (the time of
the last login, a password change); those paths are routed here: the login signal is this module's
receiver, and the admin's forms save through `user_save`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from renkei.accounts import tokens
from renkei.accounts.models import ApiToken, User
from renkei.core.services import authorize_save, record_services, save_checked, service

user_save, user_delete = record_services(
    User, "user", module=__name__, relations=("groups", "user_permissions")
)


@service
def user_record_login(*, user: User) -> None:
    """Remember when the user last signed in (Django's `update_last_login`, as a service)."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])


@service
def user_create_superuser(*, username: str, password: str, display_name: str = "") -> User:
    """A superuser: the demo's admin."""
    return User.objects.create_superuser(username, email="", password=password, display_name=display_name)


@service
def user_set_password(*, user: User, password: str) -> User:
    """Set a password (hashed by Django) and save it."""
    user.set_password(password)
    user.save()
    return user


def record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """Receiver of `user_logged_in` in place of Django's `update_last_login`."""
    user_record_login(user=user)


@service
def token_create(
    *,
    actor: User,
    organisation: Any,
    name: str,
    permissions: Iterable[str],
    expires_at: dt.datetime,
) -> tuple[ApiToken, str]:
    """A new token of `actor`, scoped to `organisation`; returns it and its text, which is shown once
    and kept nowhere (the row holds the SHA-256 of the secret). The policy decides who may hold a
    token for which organisation (`renkei.organisations.policy.ApiTokenRules`)."""
    prefix = tokens.new_prefix()
    while ApiToken.objects.filter(prefix=prefix).exists():  # 36**10 prefixes: practically never
        prefix = tokens.new_prefix()
    secret = tokens.new_secret()
    token = ApiToken(
        user=actor,
        organisation=organisation,
        name=name.strip(),
        prefix=prefix,
        secret_hash=tokens.hash_secret(secret),
        permissions=sorted(set(permissions)),
        expires_at=expires_at,
    )
    authorize_save(actor, token)
    save_checked(token)
    return token, tokens.token_text(prefix, secret)


@service
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token at once: the next request that presents it is refused."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    authorize_save(actor, token)
    token.save(update_fields=["revoked_at", "updated_at"])
    return token

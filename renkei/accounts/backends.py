"""Django's model backend with limits on guessing passwords (renkei.accounts.login_limits)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from renkei.accounts import login_limits


class LoginRefused(PermissionDenied):
    """Too many failed sign-ins; `authenticate()` stops at it and reports a failed sign-in."""


class LimitedModelBackend(ModelBackend):
    """Refuse an attempt (even with the right password) while its account or address is over the limit;
    count every wrong password. The refusal is left on the request for the login form to show."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = login_limits.client_address(request)
        refused = login_limits.refusal(username=username, address=address)
        if refused is not None:
            login_limits.log_refusal(username=username, address=address, refused=refused)
            if request is not None:
                request.login_refusal = refused  # type: ignore[attr-defined]
            raise LoginRefused
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_limits.record_failure(username=username, address=address)
        return user

"""Who calls the API: an API token, the portal's signed-in session, or nobody (reads only).

- `BearerToken`: `Authorization: Bearer rk_<prefix>_<secret>` (tokens are made on /account/tokens/).
  The token is looked up on every request, so an expiry or a revocation holds from the next request.
  It acts as its owner narrowed by a `renkei.core.policy.Scope`: the owner's roles at the token's
  organisation and its units only, never a superuser's powers, and only with the permissions it was
  given (reading, writing). A bad token is a 401 (and counts against the caller's address, so that
  tokens cannot be guessed at speed); a token without the permission an operation needs is a 403.
- `BrowserSession`: the session cookie of a signed-in user; a write needs the CSRF token as well
  (the `X-CSRFToken` header, as Django's forms send it in their field).
- Reads accept anyone else as themselves (anonymous reads see public rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from renkei.accounts.models import ApiToken
from renkei.accounts.tokens import find_token
from renkei.api import throttling
from renkei.core.audit import current_context
from renkei.core.messages import Msg
from renkei.core.policy import SCOPE_ATTRIBUTE, Permission, Scope

TOKEN_ATTRIBUTE = "renkei_token"


class TokenLacksPermission(PermissionDenied):
    def __init__(self, permission: Permission) -> None:
        super().__init__(permission)
        self.detail = Msg(
            f"このAPIトークンには「{permission}」の権限がありません。",
            f"This API token does not have the '{permission}' permission.",
        )


class BearerToken(HttpBearer):
    """An API token in the Authorization header (the OpenAPI security scheme of the same name)."""

    openapi_bearerFormat = "rk_<prefix>_<secret>"
    openapi_description = (
        "An API token, made by its owner on the portal's page /account/tokens/ and shown once. It acts with "
        "the owner's roles at one organisation (and its units) only, with the permissions it was given "
        "(read, write), until it expires or is revoked."
    )

    def __init__(self, permission: Permission) -> None:
        self.permission = permission
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if header is None:
            return None  # no token: another way in (a session, or an anonymous read)
        scheme, _, text = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError
        return self.authenticate(request, text)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = find_token(token)
        if found is None:
            throttling.count_failure(request)  # raises Throttled when an address guesses too often
            raise AuthenticationError
        if self.permission not in found.permissions:
            raise TokenLacksPermission(self.permission)
        user = found.user
        setattr(
            user,
            SCOPE_ATTRIBUTE,
            Scope(
                organisation_id=found.organisation_id,
                permissions=frozenset(found.permissions),
                label=found.display_prefix,
            ),
        )
        request.user = user
        setattr(request, TOKEN_ATTRIBUTE, found)
        context = current_context()  # the request's (AuditContextMiddleware): name the token, not its secret
        context.label = f"API token {found.display_prefix}"
        return found


class BrowserSession(SessionAuth):
    """The portal's session cookie; with `csrf=True` (writes) the CSRF token must come with it."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None  # not signed in: no CSRF question to ask, the caller gets a 401
        return super().__call__(request)


def anyone(request: HttpRequest) -> Any:
    """Reads: whoever the request is (a signed-in user, or anonymous), with the rows the policy shows."""
    return request.user


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, TOKEN_ATTRIBUTE, None)


READ: list[Callable[[HttpRequest], Any]] = [BearerToken(Permission.READ), anyone]
WRITE: list[Callable[[HttpRequest], Any]] = [BearerToken(Permission.WRITE), BrowserSession(csrf=True)]

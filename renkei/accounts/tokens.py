"""API tokens: how a secret is made, how it is stored (its SHA-256 only) and how a presented one is
found. The writes (create, revoke) are services in `renkei.accounts.services`.

A token reads `rk_<prefix>_<secret>`: `prefix` is 10 lower-case letters and digits, not secret, which
finds the row; `secret` is 32 random bytes in URL-safe base64 (43 characters). Nothing but the hash
of the secret is kept, so a copy of the database, a log or the audit trail never holds a usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

from django.utils import timezone

from renkei.accounts.models import ApiToken

PREFIX_LENGTH = 10
SECRET_BYTES = 32
_ALPHABET = string.ascii_lowercase + string.digits
_TOKEN = re.compile(rf"rk_([a-z0-9]{{{PREFIX_LENGTH}}})_([A-Za-z0-9_-]{{43}})")


def new_prefix() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(PREFIX_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def token_text(prefix: str, secret: str) -> str:
    return f"rk_{prefix}_{secret}"


def parse(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token's text, or None when it is not in the token's form."""
    match = _TOKEN.fullmatch(text.strip())
    return (match.group(1), match.group(2)) if match else None


def find_token(text: str) -> ApiToken | None:
    """The active token this text is the secret of (with its owner loaded), or None: unknown, wrong
    secret, expired, revoked, or owned by a deactivated user. Read from the database on every request,
    so a revocation holds from the next request on."""
    parsed = parse(text)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    if not token.is_active(timezone.now()) or not token.user.is_active:
        return None
    return token

"""Rules for API tokens, written once (see `renkei.core.rules`): used by `ApiToken.clean()`, the token
service and the token page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from renkei.core.messages import Msg
from renkei.core.rules import Broken

MAX_DAYS = 366  # a token lives at most a year (and a day): integrators renew, forgotten tokens die

PERMISSIONS_REQUIRED = Msg("権限を1つ以上選んでください。", "Choose at least one permission.")
PERMISSIONS_FROM_LIST = Msg("権限は一覧から選んでください。", "Choose permissions from the list.")
EXPIRY_PASSED = Msg("有効期限は未来の日時にしてください。", "The expiry must be in the future.")
EXPIRY_TOO_FAR = Msg(
    f"有効期限は{MAX_DAYS}日以内にしてください。", f"The expiry may be at most {MAX_DAYS} days ahead."
)


def check_token(
    *, permissions: object, allowed: Collection[str], expires_at: dt.datetime | None, now: dt.datetime | None
) -> list[Broken]:
    """A token's own values. `now` is given when the token is created (its expiry is then checked
    against the clock); a stored token keeps the expiry it was given."""
    broken: list[Broken] = []
    if not isinstance(permissions, list) or not permissions:
        broken.append(Broken("permissions", PERMISSIONS_REQUIRED, "required"))
    elif any(p not in allowed for p in permissions):
        broken.append(Broken("permissions", PERMISSIONS_FROM_LIST, "choice"))
    if expires_at is not None and now is not None:
        if expires_at <= now:
            broken.append(Broken("expires_at", EXPIRY_PASSED, "expiry"))
        elif expires_at > now + dt.timedelta(days=MAX_DAYS):
            broken.append(Broken("expires_at", EXPIRY_TOO_FAR, "expiry"))
    return broken

"""Limits on guessing passwords: per account and per network address, counted in the database.

Without them, 60 wrong passwords in 18 s were answered without delay and the right one then let the
guesser in. Now, once `LOGIN_LIMITS["failures"]` (10) sign-ins have failed within `window` seconds
(15 minutes) for one account, or from one address, the next attempt is refused, even with the right
password, until that many failures are no longer within the window. Refused attempts are logged but not
counted, so the refusal ends at a time we can tell the person.

Counted in the database rather than Django's cache: the default cache is per process, so several
server processes (or a restart) would each start from zero; the database is shared and survives.
A failure is one indexed insert; an attempt costs two indexed counts. Rows older than a day go.

Accounts are counted by their name as typed, case- and width-folded (`Admin`, `ＡＤＭＩＮ` and `admin`
count as one), whether or not such an account exists, so a refusal says nothing about existence.
IPv6 addresses are counted per /64, the block one subscriber usually has.

This is used by `renkei.accounts.backends.LimitedModelBackend`, so every sign-in through Django's
`authenticate()` is limited: the admin's login form and any other login form or API that may come.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from renkei.accounts.models import LoginFailure

logger = logging.getLogger("renkei.security")

DEFAULTS = {"failures": 10, "window": 15 * 60}
KEPT = dt.timedelta(days=1)

MESSAGES = {
    "account": (
        "このアカウントへのログインに続けて失敗したため、ログインを一時的に止めています。"
        "{until}以降に、もう一度お試しください。",
        "Too many failed sign-ins for this account: signing in is paused. Try again after {until}.",
    ),
    "address": (
        "このネットワークからのログインに続けて失敗したため、ログインを一時的に止めています。"
        "{until}以降に、もう一度お試しください。",
        "Too many failed sign-ins from your network: signing in is paused. Try again after {until}.",
    ),
}


def _limits() -> tuple[int, dt.timedelta]:
    limits = {**DEFAULTS, **getattr(settings, "LOGIN_LIMITS", {})}
    return int(limits["failures"]), dt.timedelta(seconds=float(limits["window"]))


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and until when."""

    scope: Literal["account", "address"]
    until: dt.datetime

    def message(self) -> str:
        ja, en = MESSAGES[self.scope]
        english = (get_language() or "ja")[:2] == "en"
        until = timezone.localtime(self.until)
        when = (
            date_format(until, "H:i")
            if until.date() == timezone.localdate()
            else date_format(until, "n/j H:i")
        )
        return (en if english else ja).format(until=when)


def account_key(username: Any) -> str:
    return unicodedata.normalize("NFKC", str(username)).casefold().strip()[:150]


def address_key(address: str | None) -> str:
    """The address as counted: IPv4 as it is, IPv6 as its /64."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or behind our own proxy the address it saw (the last entry
    of X-Forwarded-For, the one the proxy added; earlier ones come from the client and may be forged)."""
    if request is None:
        return ""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or ""


def refusal(*, username: Any, address: str, now: dt.datetime | None = None) -> Refusal | None:
    """Whether an attempt for `username` from `address` must be refused now, and until when."""
    limit, window = _limits()
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - window)
    scopes: list[tuple[Literal["account", "address"], dict[str, str]]] = [
        ("account", {"account": account_key(username)})
    ]
    if key := address_key(address):
        scopes.append(("address", {"address": key}))
    for scope, match in scopes:
        # the limit-th most recent failure: when it leaves the window, fewer than `limit` remain
        oldest_that_counts = (
            recent.filter(**match).order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
        )
        for at in oldest_that_counts:
            return Refusal(scope=scope, until=at + window)
    return None


def record_failure(*, username: Any, address: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - max(KEPT, _limits()[1])).delete()
    LoginFailure.objects.create(account=account_key(username), address=address_key(address), at=now)
    logger.info("Failed sign-in for %r from %s", account_key(username), address or "unknown address")


def log_refusal(*, username: Any, address: str, refused: Refusal) -> None:
    logger.warning(
        "Refused sign-in for %r from %s: too many failures for this %s until %s",
        account_key(username), address or "unknown address", refused.scope, refused.until.isoformat(),
    )  # fmt: skip

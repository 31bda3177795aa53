"""Throttling of the API: a request budget per API token, per signed-in user and, for anonymous
callers, per address; failed token checks have a small budget of their own per address.

Built on django-ninja's throttling (`ninja.throttling.BaseThrottle`: the operation asks
`allow_request`, then `wait`, and answers 429 with `Retry-After`), with the request history in a cache
of its own (`CACHES["throttle"]`). Ninja's `SimpleRateThrottle` keeps the last request's state on the
shared throttle object; this one keeps it per thread, and reads its rates from the settings
(`RENKEI_API_RATES`) on every request. A deployment with several processes gives that cache a shared
backend (e.g. the database cache), as the import jobs' cache.
"""

from __future__ import annotations

import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from renkei.accounts.login_limits import address_key, client_address

CACHE = "throttle"
_RATE = re.compile(r"(\d+)/(\d*)(s|sec|m|min|h|hour|d|day)")
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/min' → (600, 60); '10/5s' → (10, 5)."""
    match = _RATE.fullmatch(rate.strip())
    if match is None:
        raise ValueError(f"Invalid rate {rate!r}: use e.g. 600/min, 20/10s, 5000/day")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


class ApiThrottle(BaseThrottle):
    """Who is counted: the token (`token`), else the signed-in user (`user`), else the address (as the
    sign-in limits count it: REMOTE_ADDR, or behind our proxy the address it saw; IPv6 per /64)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def caller(self, request: HttpRequest) -> tuple[str, str]:
        token = getattr(request, "renkei_token", None)
        if token is not None:
            return "token", str(token.pk)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk)
        return "address", address_key(client_address(request))

    def allow_request(self, request: HttpRequest) -> bool:
        kind, ident = self.caller(request)
        return self.hit(kind, ident)

    def hit(self, kind: str, ident: str) -> bool:
        """Count one request of this caller; False (and `wait()` set) when its budget is spent."""
        count, seconds = parse_rate(settings.RENKEI_API_RATES[kind])
        cache = caches[CACHE]
        key = f"api-throttle:{kind}:{ident}"
        now = time.time()
        history = [t for t in cache.get(key, []) if t > now - seconds]  # newest first
        if len(history) >= count:
            self._local.wait = max(1.0, seconds - (now - history[-1]))
            return False
        cache.set(key, [now, *history], seconds)
        self._local.wait = None
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


throttle = ApiThrottle()


def count_failure(request: HttpRequest) -> None:
    """A failed token check counts against the address; past its budget the caller gets a 429."""
    if not throttle.hit("failure", address_key(client_address(request))):
        raise Throttled(wait=int(throttle.wait() or 1))

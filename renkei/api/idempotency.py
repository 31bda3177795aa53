"""`Idempotency-Key` on writes: a retried request gets the first response instead of a second write.

A caller (an API token, or a signed-in user) sends a key of its choosing with a write. The first
request with that key claims it (a row of `IdempotencyKey`, committed at once, so that a concurrent
request sees it), runs, and stores its response. Then, for 24 hours:

- the same key with the same request (method, path, query and body) gets the stored response again,
  status and body, marked `Idempotent-Replayed: true`;
- the same key with a different request is refused with a 422 (`idempotency-key-reused`);
- the same key while the first request is still running gets a 409 (`idempotency-in-progress`).

A request that fails with a server error releases its key, so that it can be retried. Keys are per
caller: two callers may use the same key. Expired keys are deleted when a new key is claimed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from renkei.api import problems
from renkei.api.models import IdempotencyKey
from renkei.core.messages import Msg
from renkei.core.params import ParamErrors, ParamProblem

HEADER = "Idempotency-Key"
TTL = dt.timedelta(hours=24)
MAX_LENGTH = 255
KEY_PATTERN = r"[\x21-\x7e]{1,255}"  # visible ASCII: a UUID, a hash, an order number...
_KEY = re.compile(KEY_PATTERN)
BAD_KEY = Msg(
    f"Idempotency-Keyは{MAX_LENGTH}文字以内の半角英数記号（空白なし）で指定してください。",
    f"Give an Idempotency-Key of at most {MAX_LENGTH} visible ASCII characters (no spaces).",
)


def owner_of(request: HttpRequest) -> str:
    token = getattr(request, "renkei_token", None)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type or None
    )
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response


def _answer(request: HttpRequest, record: IdempotencyKey, digest: str) -> HttpResponse:
    """What a request with a key already claimed gets."""
    if record.fingerprint != digest:
        return problems.problem(request, "idempotency-key-reused")
    if record.status is None:
        return problems.problem(request, "idempotency-in-progress")
    return _replay(record)


def _claim(request: HttpRequest, owner: str, key: str, digest: str) -> IdempotencyKey | HttpResponse:
    """Claim the key for this request, or the answer for a key already claimed. Reads first, so that a
    duplicate learns of the first request without waiting for a write lock (SQLite has one writer)."""
    for _attempt in range(3):
        now = timezone.now()
        record = IdempotencyKey.objects.filter(owner=owner, key=key, expires_at__gt=now).first()
        if record is not None:
            return _answer(request, record, digest)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(expires_at__lte=now).delete()
                return IdempotencyKey.objects.create(
                    owner=owner, key=key, fingerprint=digest, expires_at=now + TTL
                )
        except IntegrityError:
            continue  # claimed meanwhile by a concurrent request: read it
    return problems.problem(request, "idempotency-in-progress")


def guarded(request: HttpRequest, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run a write under the request's Idempotency-Key, if it has one."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    if not _KEY.fullmatch(key):
        return problems.param_problem(request, ParamErrors([ParamProblem(HEADER, "invalid-value", BAD_KEY)]))
    claimed = _claim(request, owner_of(request), key, fingerprint(request))
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        response = run()
    except BaseException:
        IdempotencyKey.objects.filter(pk=claimed.pk).delete()
        raise
    if response.status_code >= 500:
        IdempotencyKey.objects.filter(pk=claimed.pk).delete()
        return response
    IdempotencyKey.objects.filter(pk=claimed.pk).update(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
        location=response.get("Location", "")[:500],
    )
    return response

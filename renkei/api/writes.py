"""How every write operation of the API runs: the caller's language, the services, problem details,
and the Idempotency-Key.

A write view resolves what the request names (keys, codes) to rows, calls the entity's service
(`renkei/<app>/services.py`: the policy, the rules, the audit log) and returns `respond(...)`. The
`write_operation` decorator runs it in the request's language (so the rules' messages come in it),
turns what the services raise into problem details (ValidationError → 422 naming each field, or 409
for a key already taken; PermissionDenied → 403; a missing row → 404), and keeps the response for the
request's Idempotency-Key (`renkei.api.idempotency`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Header, Schema

from renkei.api import idempotency, problems
from renkei.core.messages import Msg
from renkei.core.params import Optional

if TYPE_CHECKING:
    IdempotencyKeyHeader = str | None
else:
    IdempotencyKeyHeader = Header[
        str | Optional,
        {
            "alias": idempotency.HEADER,
            "description": "Any string of your choosing (at most 255 visible ASCII characters, e.g. a UUID). "
            "Sent again with the same request within 24 hours, it returns the first response instead of "
            "writing twice; with a different request it is a 422; while the first is still running, a 409.",
            "max_length": idempotency.MAX_LENGTH,
            "pattern": f"^{idempotency.KEY_PATTERN}$",
        },
    ]


def write_operation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a write view (below the router's decorator)."""

    @functools.wraps(view)
    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def respond_once() -> HttpResponse:
            with translation.override(problems.request_language(request)):
                try:
                    return view(request, *args, **kwargs)
                except Exception as exc:
                    response = problems.exception_response(request, exc)
                    if response is None:
                        raise
                    return response

        return idempotency.guarded(request, respond_once)

    return run


def respond(
    schema: type[Schema], obj: Any, *, status: int = 200, location: str | None = None
) -> HttpResponse:
    """The record as the operation's response schema documents it."""
    data = schema.from_orm(obj).model_dump(mode="json")
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if location:
        response["Location"] = location
    return response


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def unknown(field: str, values: Iterable[str], what: Msg) -> ValidationError:
    """A 422 naming the field and the values that name nothing."""
    listed = ", ".join(sorted(values))
    message = Msg(f"{what.ja}が見つかりません: {listed}", f"No such {what.en}: {listed}")
    return ValidationError({field: [ValidationError(message.text(), code="unknown")]})


def by_keys(
    field: str, model: type[models.Model], lookup: str, values: list[str], what: Msg, **filters: Any
) -> list[Any]:
    """The rows that `values` name (in their order), or a ValidationError naming those that name none."""
    rows: Mapping[str, Any] = {
        getattr(row, lookup): row
        for row in model._default_manager.filter(**{f"{lookup}__in": values}, **filters)
    }
    missing = set(values) - set(rows)
    if missing:
        raise unknown(field, missing, what)
    return [rows[value] for value in dict.fromkeys(values)]


def assign(obj: models.Model, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(obj, name, value)

"""RFC 9457 problem details: every error the API gives, in the request's language, and documented.

Each kind of problem has a `type` URI (`/api/v1/problems/<kind>`), a status and a title in Japanese
and English; `detail` says what went wrong in this request, in the language the request asked for
(Accept-Language; Japanese by default). A 422 lists each bad parameter under `errors`.

`document_problems` adds to the OpenAPI document the problem responses every operation can give,
so that a client generated from it knows them all.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_from_request

from renkei.core.messages import Msg, active_language
from renkei.core.params import ParamErrors, query_problems

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"


@dataclass(frozen=True, slots=True)
class ProblemKind:
    slug: str
    status: int
    title: Msg
    detail: Msg  # the usual detail; a particular problem may say more

    @property
    def type(self) -> str:
        return TYPE_BASE + self.slug


KINDS = {
    kind.slug: kind
    for kind in (
        ProblemKind(
            "bad-request",
            400,
            Msg("不正なリクエスト", "Bad request"),
            Msg("このリクエストは処理できません。", "This request cannot be processed."),
        ),
        ProblemKind(
            "forbidden",
            403,
            Msg("権限がありません", "Forbidden"),
            Msg("この操作をする権限がありません。", "You may not do this."),
        ),
        ProblemKind(
            "not-found",
            404,
            Msg("見つかりません", "Not Found"),
            Msg("該当するものはありません。", "There is no such record."),
        ),
        ProblemKind(
            "invalid-parameters",
            422,
            Msg("パラメーターが正しくありません", "Invalid parameters"),
            Msg("クエリパラメーターに誤りがあります。", "Some query parameters cannot be used."),
        ),
        ProblemKind(
            "unknown-parameter",
            422,
            Msg("不明なパラメーター", "Unknown parameter"),
            Msg(
                "この操作にないパラメーターが指定されました。",
                "A parameter this operation does not have was given.",
            ),
        ),
        ProblemKind(
            "repeated-parameter",
            422,
            Msg("パラメーターの重複", "Repeated parameter"),
            Msg(
                "一度だけ指定できるパラメーターが複数回指定されました。",
                "A single-valued parameter was given more than once.",
            ),
        ),
        ProblemKind(
            "invalid-value",
            422,
            Msg("値が正しくありません", "Invalid value"),
            Msg("パラメーターの値が使えません。", "A parameter's value cannot be used."),
        ),
        ProblemKind(
            "malformed-query",
            422,
            Msg("クエリ文字列が不正です", "Malformed query string"),
            Msg("クエリ文字列を読めません。", "The query string cannot be read."),
        ),
    )
}


def request_language(request: HttpRequest) -> str:
    """ja or en, from the language cookie or Accept-Language (LocaleMiddleware gives every path outside
    the language-prefixed pages the default language, so the API asks itself)."""
    return active_language(get_language_from_request(request))


def problem_body(
    kind: ProblemKind,
    detail: Msg | None = None,
    *,
    lang: str,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind.type,
        "title": kind.title.text(lang),
        "status": kind.status,
        "detail": (detail or kind.detail).text(lang),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=body["status"], content_type=PROBLEM_JSON
    )
    response["Content-Language"] = request_language(request)
    response["Vary"] = "Accept-Language, Cookie"
    return response


def problem(request: HttpRequest, slug: str, detail: Msg | None = None) -> HttpResponse:
    return problem_response(request, problem_body(KINDS[slug], detail, lang=request_language(request)))


def param_problem(request: HttpRequest, exc: ParamErrors) -> HttpResponse:
    lang = request_language(request)
    errors = [
        {"parameter": p.parameter, "code": p.kind, "detail": p.message.text(lang)} for p in exc.problems
    ]
    detail = Msg(
        " ".join(p.text("ja") for p in exc.problems),
        " ".join(p.text("en") for p in exc.problems),
    )
    return problem_response(request, problem_body(KINDS[exc.kind], detail, lang=lang, errors=errors))


# --- the query guard --------------------------------------------------------------------------------------


def query_guard(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Before ninja parses anything: the raw query string is well-formed and names only parameters the
    operation has, each single-valued one once (an API-wide "view" decorator of every operation)."""
    operation = run.__self__  # type: ignore[attr-defined]
    names: set[str] = set()
    repeatable: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names |= set(getattr(model, "__ninja_flatten_map__", {}))
            repeatable |= set(getattr(model, "__ninja_collection_fields__", ()))

    @functools.wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        problems = query_problems(request, names=names, repeatable=repeatable, strict=True)
        if problems:
            return param_problem(request, ParamErrors(problems))
        return run(request, *args, **kwargs)

    return guarded


# --- OpenAPI ---------------------------------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `title` and `detail` are in the request's language (Accept-Language).",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "URI of the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "422: one entry per bad parameter.",
            "items": {
                "type": "object",
                "properties": {
                    "parameter": {
                        "type": "string",
                        "description": "The parameter's name; empty for the whole query string.",
                    },
                    "code": {
                        "type": "string",
                        "enum": [
                            "unknown-parameter",
                            "repeated-parameter",
                            "invalid-value",
                            "malformed-query",
                        ],
                    },
                    "detail": {"type": "string"},
                },
                "required": ["parameter", "code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _example(status: int) -> dict[str, Any]:
    if status == 422:
        return {
            "type": KINDS["invalid-value"].type,
            "title": "値が正しくありません",
            "status": 422,
            "detail": "limit: 1000以下の値を指定してください。",
            "errors": [
                {"parameter": "limit", "code": "invalid-value", "detail": "1000以下の値を指定してください。"}
            ],
        }
    kind = next(k for k in KINDS.values() if k.status == status)
    return {"type": kind.type, "title": kind.title.ja, "status": status, "detail": kind.detail.ja}


def _problem_response(status: int) -> dict[str, Any]:
    kinds = [k for k in KINDS.values() if k.status == status]
    description = "; ".join(f"{k.title.en} ({k.type})" for k in kinds)
    return {
        "description": description,
        "content": {
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": _example(status)}
        },
    }


def document_problems(schema: dict[str, Any], *, content_types: dict[str, str]) -> dict[str, Any]:
    """Every operation: 400 and 422 (any request can be malformed or carry a bad parameter), 404 when the
    path names a record; each as problem details. `content_types` maps operation ids to the media type
    of their 200 response when it is not JSON."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = {str(code): response for code, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            statuses = {400, 422}
            if any(p.get("in") == "path" for p in operation.get("parameters", ())):
                statuses.add(404)
            statuses |= {int(code) for code in responses if str(code).startswith("4")}
            for status in sorted(statuses):
                responses[str(status)] = _problem_response(status)
            media = content_types.get(operation.get("operationId", ""))
            if media and "200" in responses:
                content = responses["200"].get("content", {})
                responses["200"]["content"] = {media: next(iter(content.values()), {})}
    return schema


def kinds_described() -> Iterable[str]:
    """One line per problem kind, for the API description."""
    for kind in KINDS.values():
        yield f"- `{kind.type}` ({kind.status}): {kind.title.en} / {kind.title.ja}"

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language_from_request

from renkei.core.messages import Msg, active_language
from renkei.core.params import ParamErrors, query_problems
from renkei.core.params import problem_from_error as param_problem_from

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
            "unauthorized",
            401,
            Msg("認証が必要です", "Unauthorized"),
            Msg(
                "有効なAPIトークン（Authorization: Bearer）かサインインしたセッションが必要です。",
                "A valid API token (Authorization: Bearer) or a signed-in session is needed.",
            ),
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
            "conflict",
            409,
            Msg("競合しています", "Conflict"),
            Msg("同じキーのレコードがすでにあります。", "A record with the same key already exists."),
        ),
        ProblemKind(
            "idempotency-in-progress",
            409,
            Msg("同じリクエストを処理中です", "Request in progress"),
            Msg(
                "同じIdempotency-Keyのリクエストをまだ処理しています。少し待ってから送り直してください。",
                "A request with the same Idempotency-Key is still being processed; retry shortly.",
            ),
        ),
        ProblemKind(
            "invalid-fields",
            422,
            Msg("入力内容に誤りがあります", "Invalid fields"),
            Msg("保存できない値があります。", "Some values cannot be saved."),
        ),
        ProblemKind(
            "idempotency-key-reused",
            422,
            Msg("Idempotency-Keyが再利用されました", "Idempotency-Key reused"),
            Msg(
                "このIdempotency-Keyは内容の違うリクエストに使われています。",
                "This Idempotency-Key was used for a different request.",
            ),
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
        ProblemKind(
            "too-many-requests",
            429,
            Msg("リクエストが多すぎます", "Too many requests"),
            Msg(
                "リクエストが多すぎます。Retry-Afterの秒数だけ待ってから送り直してください。",
                "Too many requests: wait the seconds Retry-After gives, then retry.",
            ),
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


def problem_with(request: HttpRequest, slug: str, detail: Msg | None = None, **headers: str) -> HttpResponse:
    """A problem response with extra headers (Retry-After, WWW-Authenticate)."""
    response = problem(request, slug, detail)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


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


# --- errors of a write: each field named, in the request's language -----------------------------------

UNIQUE_CODES = frozenset({"unique", "unique_together"})


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One value of a request body that cannot be saved: the JSON member ("" for the record as a
    whole), a code and the message in the request's language."""

    field: str
    code: str
    detail: str


def fields_problem(
    request: HttpRequest, fields: list[FieldProblem], *, slug: str = "invalid-fields"
) -> HttpResponse:
    lang = request_language(request)
    errors = [{"field": f.field, "code": f.code, "detail": f.detail} for f in fields]
    text = " ".join(f"{f.field}: {f.detail}" if f.field else f.detail for f in fields)
    body = problem_body(KINDS[slug], Msg(text, text) if text else None, lang=lang, errors=errors)
    return problem_response(request, body)


def validation_fields(exc: DjangoValidationError) -> list[FieldProblem]:
    """The messages of a Django ValidationError (the rules, the model's validators and constraints),
    per field; they were made in the active language, which a write sets to the request's."""
    found: list[FieldProblem] = []
    groups = exc.error_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.error_list)]
    for field, errors in groups:
        name = "" if field == NON_FIELD_ERRORS else field
        for error in errors:
            for message in error.messages:
                found.append(FieldProblem(name, error.code or "invalid", str(message)))
    return found


def body_fields(errors: Iterable[Mapping[str, Any]], *, lang: str) -> list[FieldProblem]:
    """The request body's errors as ninja reports them (loc: "body", the body parameter, the member...),
    each named by its member ("" for the body as a whole) with our message. A member that may be left out
    is a union with None: pydantic then also reports that the value is not None, which says nothing more
    (it is dropped when the member has another error, as for query parameters)."""

    def member(error: Mapping[str, Any]) -> str:
        loc = [str(part) for part in error.get("loc", ())[2:] if not isinstance(part, int)]
        return loc[0] if loc else ""

    errors = list(errors)
    explained = {member(e) for e in errors if e.get("type") != "none_required"}
    found: list[FieldProblem] = []
    for error in errors:
        name = member(error)
        if error.get("type") == "none_required" and name in explained:
            continue
        if error.get("type") in BODY_MESSAGES:
            code, message = BODY_MESSAGES[str(error.get("type"))]
            made = [FieldProblem(name, code, message.text(lang))]
        else:
            made = [FieldProblem(name, p.kind, p.message.text(lang)) for p in param_problem_from(error, name)]
        for problem in made:
            if problem not in found:
                found.append(problem)
    return found


BODY_MESSAGES = {
    "missing": ("required", Msg("必須の項目です。", "This member is required.")),
    "extra_forbidden": ("unknown-field", Msg("この項目はありません。", "There is no such member.")),
    "model_attributes_type": (
        "invalid-value",
        Msg("JSONオブジェクトを送ってください。", "Send a JSON object."),
    ),
    "dict_type": ("invalid-value", Msg("JSONオブジェクトを送ってください。", "Send a JSON object.")),
    "json_invalid": ("invalid-value", Msg("JSONとして読めません。", "The body is not valid JSON.")),
}


def validation_problem(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """422 naming each field; 409 when the only trouble is a record that already has the same key."""
    fields = validation_fields(exc)
    if fields and all(f.code in UNIQUE_CODES for f in fields):
        return fields_problem(request, fields, slug="conflict")
    return fields_problem(request, fields)


def exception_response(request: HttpRequest, exc: Exception) -> HttpResponse | None:
    """The problem details of an exception a service or a lookup raises; None for any other."""
    if isinstance(exc, DjangoValidationError):
        return validation_problem(request, exc)
    if isinstance(exc, PermissionDenied):
        detail = getattr(exc, "detail", None)
        return problem(request, "forbidden", detail if isinstance(detail, Msg) else None)
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return problem(request, "not-found")
    if isinstance(exc, IntegrityError):  # a row saved meanwhile with the same key (the rules ran before)
        return problem(request, "conflict")
    if isinstance(exc, ParamErrors):
        return param_problem(request, exc)
    return None


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
            "description": "422 (and a 409 of a key already taken): one entry per bad parameter or field.",
            "items": {
                "type": "object",
                "properties": {
                    "parameter": {
                        "type": "string",
                        "description": "A query parameter or header; empty for the whole query string.",
                    },
                    "field": {
                        "type": "string",
                        "description": "A member of the request body; empty for the record as a whole.",
                    },
                    "code": {
                        "type": "string",
                        "description": "For a parameter: unknown-parameter, repeated-parameter, invalid-value or "
                        "malformed-query. For a field: the rule's code (e.g. required, invalid, dates, unique).",
                    },
                    "detail": {"type": "string"},
                },
                "required": ["code", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})

# The kind each status of an operation shows as its example (reads, writes).
EXAMPLE_KIND = {
    400: ("bad-request", "bad-request"),
    401: ("unauthorized", "unauthorized"),
    403: ("forbidden", "forbidden"),
    404: ("not-found", "not-found"),
    409: ("conflict", "conflict"),
    422: ("invalid-value", "invalid-fields"),
    429: ("too-many-requests", "too-many-requests"),
}

HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: `Bearer` (an API token).",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def _example(status: int, *, write: bool) -> dict[str, Any]:
    kind = KINDS[EXAMPLE_KIND[status][1 if write else 0]]
    body: dict[str, Any] = {
        "type": kind.type,
        "title": kind.title.ja,
        "status": status,
        "detail": kind.detail.ja,
    }
    if kind.slug == "invalid-value":
        body["detail"] = "limit: 1000以下の値を指定してください。"
        body["errors"] = [
            {"parameter": "limit", "code": "invalid-value", "detail": "1000以下の値を指定してください。"}
        ]
    elif kind.slug == "invalid-fields":
        body["detail"] = "ends_on: 終了日が開始日より前です。"
        body["errors"] = [{"field": "ends_on", "code": "dates", "detail": "終了日が開始日より前です。"}]
    elif kind.slug == "conflict":
        body["errors"] = [{"field": "", "code": "unique_together", "detail": kind.detail.ja}]
    return body


def _problem_response(status: int, *, write: bool) -> dict[str, Any]:
    kinds = [k for k in KINDS.values() if k.status == status]
    description = "; ".join(f"{k.title.en} ({k.type})" for k in kinds)
    response: dict[str, Any] = {
        "description": description,
        "content": {
            PROBLEM_JSON: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": _example(status, write=write),
            }
        },
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def document_problems(schema: dict[str, Any], *, content_types: dict[str, str]) -> dict[str, Any]:
    """Every operation: 400 and 422 (any request can be malformed or carry a bad parameter), 401 (a
    bad token), 403 (a token without the permission, or the policy), 429 (throttled); 404 when the path
    names a record; 409 for a write (a key already taken, or an Idempotency-Key still in progress);
    each as problem details. `content_types` maps operation ids to the media type of their 200
    response when it is not JSON."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            write = method in WRITE_METHODS
            responses = {str(code): response for code, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            statuses = {400, 401, 403, 422, 429}
            if any(p.get("in") == "path" for p in operation.get("parameters", ())):
                statuses.add(404)
            if write:
                statuses.add(409)
            statuses |= {int(code) for code in responses if str(code).startswith("4")}
            for status in sorted(statuses):
                responses[str(status)] = _problem_response(status, write=write)
            media = content_types.get(operation.get("operationId", ""))
            if media and "200" in responses:
                content = responses["200"].get("content", {})
                responses["200"]["content"] = {media: next(iter(content.values()), {})}
    return schema


def kinds_described() -> Iterable[str]:
    """One line per problem kind, for the API description."""
    for kind in KINDS.values():
        yield f"- `{kind.type}` ({kind.status}): {kind.title.en} / {kind.title.ja}"

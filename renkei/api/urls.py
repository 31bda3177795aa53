"""The v1 REST API: one router per domain; OpenAPI at /api/v1/openapi.json, Swagger UI at /api/v1/docs,
ReDoc at /api/v1/redoc (both served from django-ninja's own static files: no CDN, works offline).

The contract every router is born under:
- every query parameter goes through the typed layer (`renkei.core.params`): unknown or repeated
  names, malformed query strings and bad values are a 422 that names them (`problems.query_guard`
  runs before ninja parses anything);
- every error is RFC 9457 problem details in the request's language, and is in the OpenAPI document
  (`problems.document_problems`);
- every list is paged by cursor (`renkei.core.pagination`) with a `next` link.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Redoc, Swagger
from ninja.errors import ValidationError

from renkei.api import catalog, networks, organisations, problems
from renkei.core.middleware import content_security_policy
from renkei.core.params import ParamErrors, problems_from_errors

DESCRIPTION = """Organisations, networks, memberships and the catalog of university collaboration networks.

Both languages are always present in the data (`*_ja`, `*_en`). Errors are RFC 9457 problem details
(`application/problem+json`) whose `title` and `detail` follow `Accept-Language` (ja or en; Japanese
by default). Unknown query parameters, repeated single-valued ones and bad values are refused with a
422 that names them.

Lists are paged by cursor: follow `next` (null on the last page); pages stay stable while records are
added. `limit` sets the page size.

Problem types:
""" + "\n".join(problems.kinds_described())

NON_JSON_200 = {"programs_geojson": "application/geo+json"}


class RenkeiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        return problems.document_problems(schema, content_types=NON_JSON_200)

    def validation_error_from_error_contexts(self, error_contexts: Any) -> ValidationError:
        # keep pydantic's error contexts: our messages (both languages) travel in them
        errors = []
        for context in error_contexts:
            model = context.model
            reverse = model.__ninja_flatten_map_reverse__
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = tuple(error["loc"])
                # the parameter's name for its own path and for what lies under it (list items, union members)
                cut = next((i for i in range(len(loc), 0, -1) if loc[:i] in reverse), 0)
                loc = (*reverse[loc[:cut]], *loc[cut:]) if cut else loc
                errors.append({**error, "loc": (model.__ninja_param_source__, *loc)})
        return ValidationError(errors)


api = RenkeiAPI(
    title="Renkei API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
)
api.add_decorator(problems.query_guard, mode="view")
api.add_router("", organisations.router)
api.add_router("", networks.router)
api.add_router("", catalog.router)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problems.param_problem(request, ParamErrors(problems_from_errors(exc.errors, skip=1)))


@api.exception_handler(ParamErrors)
def invalid_params(request: HttpRequest, exc: ParamErrors) -> HttpResponse:
    return problems.param_problem(request, exc)


@api.exception_handler(ObjectDoesNotExist)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(request, "not-found")


@api.exception_handler(Http404)
def http_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(request, "not-found")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(request, "forbidden")


@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(request, "bad-request")


def problem_type(request: HttpRequest, slug: str) -> HttpResponse:
    """What a problem `type` URI names: its status and title in both languages (not an operation)."""
    kind = problems.KINDS.get(slug)
    if kind is None:
        return problems.problem(request, "not-found")
    body = {
        "type": kind.type,
        "status": kind.status,
        "title": {"ja": kind.title.ja, "en": kind.title.en},
        "detail": {"ja": kind.detail.ja, "en": kind.detail.en},
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other URL under /api/v1/: a 404 in problem details, not the HTML page."""
    return problems.problem(request, "not-found")


class LocalRedoc(Redoc):
    """ReDoc from django-ninja's static files, started by a script file (no inline script)."""

    template = "api/redoc.html"


def redoc(request: HttpRequest) -> HttpResponse:
    response = LocalRedoc().render_page(request, api)
    # ReDoc styles its page from script (styled-components) and searches in a worker: this page alone
    # allows inline styles and blob: workers; scripts stay as strict as everywhere else.
    policy = {
        **settings.SECURE_CSP,
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
    }
    response["Content-Security-Policy"] = content_security_policy(policy)
    return response

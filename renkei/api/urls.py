"""The v1 REST API: one router per domain; OpenAPI at /api/v1/openapi.json, Swagger UI at /api/v1/docs,
ReDoc at /api/v1/redoc (both served from django-ninja's own static files: no CDN, works offline).

The contract every router is born under:
- every query parameter goes through the typed layer (`renkei.core.params`): unknown or repeated
  names, malformed query strings and bad values are a 422 that names them (`problems.query_guard`
  runs before ninja parses anything);
- every error is RFC 9457 problem details in the request's language, and is in the OpenAPI document
  (`problems.document_problems`);
- every list is paged by cursor (`renkei.core.pagination`) with a `next` link;
- reads take an API token or the session, or nobody; writes an API token or the session with its CSRF
  token (`renkei.api.auth`), and run through the services with an optional Idempotency-Key
  (`renkei.api.writes`); every caller has a request budget (`renkei.api.throttling`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Redoc, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from renkei.api import auth, catalog, catalog_writes, networks, organisations, problems, throttling  # noqa: F401 (catalog_writes adds its operations to the catalog's router)
from renkei.api.governance import router as governance_router
from renkei.api.links import add_links
from renkei.api.partnerships import router as partnerships_router
from renkei.core.messages import Msg
from renkei.core.middleware import content_security_policy
from renkei.core.params import ParamErrors, problems_from_errors

DESCRIPTION = """Organisations, networks, memberships and the catalog of university collaboration networks.

Both languages are always present in the data (`*_ja`, `*_en`). Errors are RFC 9457 problem details
(`application/problem+json`) whose `title` and `detail` follow `Accept-Language` (ja or en; Japanese
by default). Unknown query parameters, repeated single-valued ones and bad values are refused with a
422 that names them.

Lists are paged by cursor: follow `next` (null on the last page); pages stay stable while records are
added. `limit` sets the page size.

Reading needs no credentials (an API token or a signed-in session shows, besides the published records,
those the caller may see). Writing needs an API token with the `write` permission (`Authorization:
Bearer rk_...`, made by its owner on /account/tokens/; it acts with the owner's roles at one
organisation and its units only) or the portal's session with its CSRF token (`X-CSRFToken`). A write
sent with an `Idempotency-Key` header is done once: the same request again returns the first response.
Each caller (a token, a signed-in user, an address) has a request budget; past it, a 429 with
`Retry-After`. A 422 names each bad parameter (`parameter`) or body member (`field`) under `errors`.

Problem types:
""" + "\n".join(problems.kinds_described())

NON_JSON_200 = {"programs_geojson": "application/geo+json"}


class RenkeiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                if method == "get" and operation.get("security"):
                    operation["security"].append({})  # reading needs no credentials
                for parameter in operation.get("parameters", ()):
                    # ninja copies the JSON Schema's list of examples; a Parameter Object's `examples`
                    # is a map of Example Objects (the list stays in the parameter's schema)
                    if isinstance(parameter.get("examples"), list):
                        parameter["examples"] = {str(v): {"value": v} for v in parameter["examples"]}
        add_links(schema)
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
    auth=auth.READ,
    throttle=[throttling.throttle],
)
api.add_decorator(problems.query_guard, mode="view")
api.add_router("", organisations.router)
api.add_router("", networks.router)
api.add_router("", catalog.router)
api.add_router("", partnerships_router)
api.add_router("", governance_router)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters (query, path, header) are named as parameters; the request body's members as fields."""
    body = [e for e in exc.errors if e.get("loc", ("",))[0] == "body"]
    if body and len(body) == len(exc.errors):
        return problems.fields_problem(
            request, problems.body_fields(body, lang=problems.request_language(request))
        )
    others = [e for e in exc.errors if e.get("loc", ("",))[0] != "body"]
    return problems.param_problem(request, ParamErrors(problems_from_errors(others, skip=1)))


@api.exception_handler(DjangoValidationError)
def invalid_values(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problems.validation_problem(request, exc)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem_with(request, "unauthorized", WWW_Authenticate='Bearer realm="renkei"')


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = problems.problem(request, "too-many-requests")
    if exc.wait:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response


CSRF_FAILED = Msg(
    "CSRFトークンがありません（X-CSRFTokenヘッダーで送ってください）。",
    "The CSRF token is missing (send it in the X-CSRFToken header).",
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors: the session's CSRF check (403), and any other by its status."""
    if exc.status_code == 403:
        return problems.problem(request, "forbidden", CSRF_FAILED)
    slug = next((k.slug for k in problems.KINDS.values() if k.status == exc.status_code), "bad-request")
    return problems.problem(request, slug)


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
    detail = getattr(exc, "detail", None)
    return problems.problem(request, "forbidden", detail if isinstance(detail, Msg) else None)


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

"""The v1 REST API: read endpoints now, one router per domain; OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from renkei.api import catalog, networks, organisations

api = NinjaAPI(
    title="Renkei API",
    version="1",
    description="Organisations, networks and memberships of university collaboration networks.",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("", organisations.router)
api.add_router("", networks.router)
api.add_router("", catalog.router)


def _problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    response = api.create_response(
        request, {"type": "about:blank", "title": title, "status": status, "detail": detail}, status=status
    )
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ObjectDoesNotExist)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, 404, "Not Found", str(exc) or "No such record.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, 403, "Forbidden", "You may not do this.")

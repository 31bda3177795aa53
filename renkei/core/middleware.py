from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from renkei.core.audit import Via, audit_context
from renkei.core.write_wait import waiting_as


class AuditContextMiddleware:
    """Every request runs in an audit context: the signed-in user, and the path it came through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(("/admin/", "/en/admin/", "/ja/admin/")):
            via = Via.ADMIN
        elif path.startswith("/api/"):
            via = Via.API
        else:
            via = Via.WEB
        request_id = request.headers.get("X-Request-ID", "")[:64]
        with audit_context(via=via, actor=lambda: getattr(request, "user", None), request_id=request_id):
            return self.get_response(request)


class RequestWriteWaitMiddleware:
    """A request waits for SQLite's write lock a minute at most, not as long as a command may
    (renkei.core.write_wait); then it gets the "busy, try again" page. First in the chain, so that the
    session saved on the way out waits by the same rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with waiting_as("request"):
            return self.get_response(request)


def content_security_policy(directives: dict[str, list[str] | bool]) -> str:
    """`{"default-src": ["'self'"], "upgrade-insecure-requests": True}` → the header's text."""
    parts = []
    for name, sources in directives.items():
        if sources is True:
            parts.append(name)
        elif sources:
            parts.append(f"{name} {' '.join(sources)}")
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    """Send `settings.SECURE_CSP` as Content-Security-Policy on every response that has none of its own.

    The setting has the shape of Django 6's `SECURE_CSP`, so moving to Django's own middleware is a
    deletion. Placed above WhiteNoise, so static files carry the header too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "SECURE_CSP", None)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(policy)
        return response

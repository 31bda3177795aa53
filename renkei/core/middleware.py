from collections.abc import Callable

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

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from renkei.core.audit import Via, audit_context


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

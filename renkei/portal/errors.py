"""Error pages in the site's style, Japanese first with English, and problem details under /api/.

Django's handlers answered 400/403/404/500 with bare English pages ("403 Forbidden"). These views
render `renkei/templates/<status>.html` instead (and Django's CSRF failure view finds `403_csrf.html`).
A request that could not get SQLite's write lock within its budget (renkei.core.write_wait) reaches
the 500 handler with "database is locked": it gets 503 with Retry-After and a page that says to try
again, not a traceback page.

The 500 and 503 pages are rendered without the request's context processors: they must not touch
the database (which may be what failed) and must not fail themselves.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language_from_request

from renkei.core.sqlite_backend.base import is_lock_error
from renkei.core.write_wait import RETRY_AFTER

logger = logging.getLogger("renkei.errors")

# status → (title, detail) in Japanese and English, for API clients (problem details, RFC 9457)
PROBLEMS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    400: (("不正なリクエスト", "Bad Request"),
          ("リクエストを処理できませんでした。", "The request could not be understood.")),
    403: (("権限がありません", "Forbidden"),
          ("この操作を行う権限がありません。", "You may not do this.")),
    404: (("見つかりません", "Not Found"),
          ("このアドレスには何もありません。", "There is nothing at this address.")),
    500: (("サーバーエラー", "Internal Server Error"),
          ("サーバーでエラーが発生しました。記録されています。しばらくしてからもう一度お試しください。",
           "Something went wrong on our side; it has been logged. Please try again later.")),
    503: (("混み合っています", "Service Unavailable"),
          (f"ほかの書き込みが続いているため、処理を完了できませんでした。{RETRY_AFTER}秒ほど待ってから、"
           "もう一度お試しください。",
           f"Other changes are being written, so this one could not be completed. Wait about "
           f"{RETRY_AFTER} seconds and try again.")),
}  # fmt: skip


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _api_language(request: HttpRequest) -> str:
    """The API's paths carry no language prefix: ?lang=, else the client's Accept-Language."""
    requested = request.GET.get("lang", "")
    if requested in ("ja", "en"):
        return requested
    return (get_language_from_request(request) or "ja")[:2]


def _problem(request: HttpRequest, status: int) -> HttpResponse:
    (title_ja, title_en), (detail_ja, detail_en) = PROBLEMS[status]
    english = _api_language(request) == "en"
    body = {
        "type": "about:blank",
        "title": title_en if english else title_ja,
        "status": status,
        "detail": detail_en if english else detail_ja,
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response


def _page(request: HttpRequest, status: int, *, with_request: bool = True) -> HttpResponse:
    if _is_api(request):
        return _problem(request, status)
    context = {"retry_after": RETRY_AFTER}
    html = render_to_string(f"{status}.html", context, request=request if with_request else None)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, with_request=False)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if error is not None and is_lock_error(error):
        return busy(request)
    return _page(request, 500, with_request=False)


def busy(request: HttpRequest) -> HttpResponse:
    """503: the write lock stayed taken for longer than a request may wait. Nothing is retried here: the
    view may have done part of its work; the person (or client) tries again."""
    logger.warning("Answered 503 (database busy) to %s %s", request.method, request.path)
    response = _page(request, 503, with_request=False)
    response["Retry-After"] = str(RETRY_AFTER)
    return response

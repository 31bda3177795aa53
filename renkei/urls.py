from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path, re_path

from renkei.api.urls import api, problem_type, redoc, unknown_path


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site (pages name the icon; the API, files and the admin do
    not): the site's icon, the package's own SVG."""
    return HttpResponsePermanentRedirect(static("renkei/favicon.svg"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/redoc", redoc, name="api-v1-redoc"),
    path("api/v1/problems/<slug:slug>", problem_type, name="api-v1-problem"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_path),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ewp/", include("renkei.formats.ewp.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("programs/", include("renkei.portal.catalog_urls")),
    path("indicators/", include("renkei.portal.indicator_urls")),
    path("partnerships/", include("renkei.portal.partnership_urls")),
    path("open-data/", include("renkei.portal.opendata_views")),
    path("matching/", include("renkei.portal.matching_urls")),
    path("", include("renkei.portal.urls")),
    prefix_default_language=False,
)

handler400 = "renkei.portal.errors.bad_request"
handler403 = "renkei.portal.errors.permission_denied"
handler404 = "renkei.portal.errors.page_not_found"
handler500 = "renkei.portal.errors.server_error"

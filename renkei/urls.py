from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from renkei.api.urls import api, problem_type, redoc, unknown_path

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/redoc", redoc, name="api-v1-redoc"),
    path("api/v1/problems/<slug:slug>", problem_type, name="api-v1-problem"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_path),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("programs/", include("renkei.portal.catalog_urls")),
    path("partnerships/", include("renkei.portal.partnership_urls")),
    path("open-data/", include("renkei.portal.opendata_views")),
    path("", include("renkei.portal.urls")),
    prefix_default_language=False,
)

handler400 = "renkei.portal.errors.bad_request"
handler403 = "renkei.portal.errors.permission_denied"
handler404 = "renkei.portal.errors.page_not_found"
handler500 = "renkei.portal.errors.server_error"

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from renkei.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("programs/", include("renkei.portal.catalog_urls")),
    path("", include("renkei.portal.urls")),
    prefix_default_language=False,
)

handler400 = "renkei.portal.errors.bad_request"
handler403 = "renkei.portal.errors.permission_denied"
handler404 = "renkei.portal.errors.page_not_found"
handler500 = "renkei.portal.errors.server_error"

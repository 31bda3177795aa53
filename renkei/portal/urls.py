from django.urls import path

from renkei.portal import import_views, params, token_views, views  # noqa: F401  (params registers the path converters)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("networks/<key:key>/", views.network_detail, name="network-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<key:key>/", views.organisation_detail, name="organisation-detail"),
    path("sources/", views.source_list, name="sources"),
]

urlpatterns += import_views.urlpatterns
urlpatterns += token_views.urlpatterns

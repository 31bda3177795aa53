"""Catalog pages (namespace "catalog"), mounted at programs/ by renkei/urls.py."""

from django.urls import path

from renkei.portal import catalog_views as views
from renkei.portal import params  # noqa: F401  (registers the path converters)

app_name = "catalog"
urlpatterns = [
    path("", views.catalog_home, name="home"),
    path("search/", views.program_search, name="search"),
    path("map/", views.program_map, name="map"),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/<key:key>/", views.provider_detail, name="provider"),
    path("contents/", views.content_list, name="content-list"),
    path("contents/<id:pk>/", views.content_detail, name="content-detail"),
    path("curricula/", views.curriculum_list, name="curriculum-list"),
    path("curricula/<key:network>/<key:key>/", views.curriculum_detail, name="curriculum-detail"),
    path("<key:provider_key>/<code:code>/", views.program_detail, name="program-detail"),
]

"""Partnership pages (namespace "partnerships"), mounted at partnerships/ by renkei/urls.py."""

from django.urls import path

from renkei.portal import params  # noqa: F401  (registers the path converters)
from renkei.portal import partnership_views as views

app_name = "partnerships"
urlpatterns = [
    path("", views.matrix_page, name="matrix"),
    path("matrix/download/", views.matrix_download, name="matrix-download"),
    path("map/", views.partner_map, name="map"),
    path("joint-degrees/", views.joint_degrees, name="joint-degrees"),
    path("staff/", views.staff_dashboard, name="dashboard"),
    path("agreements/<key:key>/", views.agreement_detail, name="agreement"),
    path("agreements/<key:key>/review/", views.renewal_review, name="renewal-review"),
    path(
        "agreements/<key:key>/versions/<id:number>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
    path(
        "agreements/<key:key>/versions/<id:number>/document/upload/",
        views.agreement_document_upload,
        name="agreement-document-upload",
    ),
    path("<key:key>/", views.partnership_detail, name="partnership"),
]

"""The EWP documents' stable URLs (included under /ewp/ by renkei/urls.py)."""

from django.urls import path

from renkei.formats.ewp import views

app_name = "ewp"
urlpatterns = [
    path("institutions", views.institutions, name="institutions"),
    path("ounits", views.ounits, name="ounits"),
    path("factsheet", views.factsheet, name="factsheet"),
    path("iias", views.iias, name="iias"),
    path("iias/approval", views.iia_approval, name="iia-approval"),
]

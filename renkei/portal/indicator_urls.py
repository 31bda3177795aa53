"""Indicator pages (namespace "indicators"), mounted at indicators/ by renkei/urls.py."""

from renkei.portal.indicator_views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

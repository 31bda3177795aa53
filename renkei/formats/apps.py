"""Open formats: EWP XML, Popolo JSON, schema.org JSON-LD and the open-data bundle, built from the domains' selectors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormatsConfig(AppConfig):
    name = "renkei.formats"
    label = "formats"
    verbose_name = _("Open formats")

    def ready(self) -> None:
        from renkei.formats import pages, tables  # noqa: F401  (register the bundle's tables and the pages' JSON-LD)

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "renkei.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.catalog import policy

        policy.register_rules()

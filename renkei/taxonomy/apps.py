from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "renkei.taxonomy"
    label = "taxonomy"
    verbose_name = _("Fields and skills")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.core import policy
        from renkei.taxonomy.models import Concept, Scheme

        policy.register(Scheme, policy.PublicReadOnly())
        policy.register(Concept, policy.PublicReadOnly())

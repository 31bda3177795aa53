from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "renkei.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.organisations import policy

        policy.register_rules()

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "renkei.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.networks import policy

        policy.register_rules()

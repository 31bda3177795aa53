from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "renkei.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from renkei.networks import policy

        policy.register_rules()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "renkei.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from renkei.organisations import policy

        policy.register_rules()

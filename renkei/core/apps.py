from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from django.utils.translation import get_language

        from renkei.core import messages, policy
        from renkei.core.models import AuditEntry, Source

        messages.follow_active_language(get_language)
        policy.register(Source, policy.PublicReadOnly())
        policy.register(AuditEntry, policy.SuperusersOnly())

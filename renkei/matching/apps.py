"""Needs and matching: employer surveys and hearings, needs, matching runs, gap analysis, program proposals (the ranking itself is the pure renkei.engine)."""

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "renkei.matching"
    label = "matching"
    verbose_name = _("Needs and matching")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.matching import policy

        policy.register_rules()

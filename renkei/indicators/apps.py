"""Indicators and reports: initiatives, KPIs with baselines, targets and actuals, computed actuals, progress, dashboards, reports."""

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "renkei.indicators"
    label = "indicators"
    verbose_name = _("Indicators and reports")

    def ready(self) -> None:
        import_module(f"{self.name}.services")  # registers the services that write each model
        from renkei.indicators import policy

        policy.register_rules()

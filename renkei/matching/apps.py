from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "renkei.matching"
    label = "matching"
    verbose_name = _("Needs and matching")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormatsConfig(AppConfig):
    name = "renkei.formats"
    label = "formats"
    verbose_name = _("Open formats")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportingConfig(AppConfig):
    """The import and export pipeline that every domain's `ImportSpec` plugs into."""

    name = "renkei.importing"
    label = "importing"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from django.utils.translation import get_language

        from renkei.importing import problems

        problems.follow_active_language(get_language)

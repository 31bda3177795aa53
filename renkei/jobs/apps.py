from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: one record per long piece of work, its progress and its result (django-tasks runs it)."""

    name = "renkei.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

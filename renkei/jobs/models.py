"""One row per long piece of work that a person started: what it is, who started it, where it stands.

The task queue (django-tasks) only carries a job's id; what a person sees (state, progress, result,
errors in both languages) lives here, in the database, so that every web process sees it and a restart
loses nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        WAITING = "waiting", _("waiting for you")  # a step is finished; the next one needs a person
        DONE = "done", _("done")
        REJECTED = "rejected", _("refused")  # the input was refused; nothing was written
        FAILED = "failed", _("failed")  # an unexpected error or an interruption; nothing was written

    FINISHED = frozenset({State.WAITING, State.DONE, State.REJECTED, State.FAILED})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    step = models.CharField(_("step"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("started by")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    attempt = models.PositiveIntegerField(_("attempts"), default=0)
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    phase_ja = models.CharField(_("phase (Japanese)"), max_length=100, blank=True)
    phase_en = models.CharField(_("phase (English)"), max_length=100, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error_ja = models.TextField(_("error (Japanese)"), blank=True)
    error_en = models.TextField(_("error (English)"), blank=True)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} {self.id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    def phase_label(self, lang: str) -> str:
        return (self.phase_en if lang == "en" else self.phase_ja) or self.phase

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_ja

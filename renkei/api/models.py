"""What the API keeps between requests: the responses of writes sent with an `Idempotency-Key`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` of one caller (a token, or a signed-in user) and the first response to it.

    Not an audited record: like a session, it is the API's own bookkeeping and writes nothing of the
    domain (the write it guards goes through its service and leaves its audit entries). `status` is
    null while the first request is still running; a second request with the key then gets a 409.
    Rows are deleted when they expire (`renkei.api.idempotency`)."""

    owner = models.CharField(_("caller"), max_length=40)  # "token:<id>" or "user:<id>"
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    body = models.BinaryField(_("response body"), blank=True, default=b"")
    location = models.CharField(_("response location"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"

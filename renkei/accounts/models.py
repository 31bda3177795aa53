import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.accounts.rules import check_token
from renkei.core.models import AuditedModel, AuditedQuerySet
from renkei.core.rules import enforce


# django-stubs types from_queryset() only in a module-level assignment, and here (a module in an
# import cycle with core.models through AUTH_USER_MODEL) even that form stayed a variable to mypy
# (tried): the base is untyped. Migrations name this class, so it keeps its name and bases.
class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    pass


class User(AuditedModel, AbstractUser):
    """A person who signs in. What they may do comes from their affiliations and network staff roles."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    objects: ClassVar[AuditedUserManager] = AuditedUserManager()
    audit_masked_fields = ("password",)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs 5.2 has no AbstractUser.Meta
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class LoginFailure(models.Model):
    """One failed sign-in, kept a day to limit guessing (renkei.accounts.login_limits).

    Not an AuditedModel: the table is itself a log of what anonymous clients tried; an audit entry for
    each row would only double it.
    """

    account = models.CharField(_("account name as typed (folded)"), max_length=150)
    address = models.CharField(_("network address (IPv6: its /64)"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["account", "at"], name="loginfailure_account_at"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.address} {self.at:%Y-%m-%d %H:%M:%S}"


class ApiToken(AuditedModel):
    """A credential an integrator sends as `Authorization: Bearer rk_<prefix>_<secret>`.

    Only the SHA-256 of the secret is stored (the secret is 32 random bytes, so a fast hash suffices:
    there is nothing to guess). The prefix is not secret: it finds the row and names the token in
    lists and in the audit log. The token acts with its owner's roles at `organisation` and its units
    only (`renkei.core.policy.Scope`), with the permissions it was given, until it expires or is
    revoked. Created and revoked through `renkei.accounts.services` (token_create, token_revoke).
    """

    class Permission(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    # the registry sits above accounts: named by label, never imported
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=10, unique=True)
    secret_hash = models.CharField(_("SHA-256 of the secret"), max_length=64)
    permissions = models.JSONField(_("permissions"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    audit_masked_fields = ("secret_hash",)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (rk_{self.prefix}…)"

    @property
    def display_prefix(self) -> str:
        return f"rk_{self.prefix}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    def clean(self) -> None:
        super().clean()
        enforce(
            check_token(
                permissions=self.permissions,
                allowed=self.Permission.values,
                expires_at=self.expires_at,
                now=timezone.now() if self._state.adding else None,
            )
        )

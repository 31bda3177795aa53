from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AuditedModel, AuditedQuerySet


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

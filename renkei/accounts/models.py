from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import AuditedModel, AuditedQuerySet


class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):
    pass


class User(AuditedModel, AbstractUser):
    """A person who signs in. What they may do comes from their affiliations and network staff roles."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    objects = AuditedUserManager()
    audit_masked_fields = ("password",)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()

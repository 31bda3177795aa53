from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "renkei.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin

        from renkei.accounts.forms import LimitedAdminAuthenticationForm

        # The admin's login page says when sign-in is paused after too many failures.
        admin.site.login_form = LimitedAdminAuthenticationForm

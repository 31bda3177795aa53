from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "renkei.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth import models as auth_models
        from django.contrib.auth.signals import user_logged_in

        from renkei.accounts import services
        from renkei.accounts.forms import LimitedAdminAuthenticationForm
        from renkei.core import policy

        # Django's receiver saves the user outside any service; ours does the same through one.
        user_logged_in.disconnect(auth_models.update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(services.record_login, dispatch_uid="renkei.accounts.record_login")
        policy.register(services.User, policy.SuperusersOnly())
        # The admin's login page says when sign-in is paused after too many failures.
        admin.site.login_form = LimitedAdminAuthenticationForm

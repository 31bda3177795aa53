"""Login forms that say why a sign-in was refused when there were too many failures."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class RefusalMessageMixin(AuthenticationForm):
    """Show the refusal the backend left on the request instead of "wrong name or password"."""

    def get_invalid_login_error(self) -> ValidationError:
        refused = getattr(self.request, "login_refusal", None)
        if refused is not None:
            return ValidationError(refused.message(), code="too_many_failures")
        return super().get_invalid_login_error()


class LimitedAuthenticationForm(RefusalMessageMixin):
    pass


class LimitedAdminAuthenticationForm(RefusalMessageMixin, AdminAuthenticationForm):
    pass

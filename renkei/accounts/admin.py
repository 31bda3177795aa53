from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest

from renkei.accounts import services
from renkei.accounts.models import User
from renkei.core.admin import PolicyAdminMixin


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saving through the accounts service."""

    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(user=self.user, password=self.cleaned_data["password1"])


@admin.register(User)
class UserAdmin(PolicyAdminMixin, DjangoUserAdmin):
    """Only superusers manage accounts; affiliations grant roles (see the Organisations admin).
    Saves go through `renkei.accounts.services` like every other admin page."""

    change_password_form = PasswordChangeForm
    list_display = ["username", "display_name", "email", "is_staff", "is_superuser", "last_login"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("Renkei", {"fields": ("display_name",)}))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


# Roles come from affiliations and network staff lists (renkei.core.policy), not from Django's groups.
admin.site.unregister(Group)

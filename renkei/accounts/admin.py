from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from renkei.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Only superusers manage accounts; affiliations grant roles (see the Organisations admin)."""

    list_display = ["username", "display_name", "email", "is_staff", "is_superuser", "last_login"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Renkei", {"fields": ("display_name",)}))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

"""Admin pages that ask the one policy, and the read-only audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renkei.core import policy
from renkei.core.models import AuditEntry, Source
from renkei.core.policy import Action

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class PolicyAdminMixin:
    """Admin permissions come from `renkei.core.policy`, not from Django's model permissions."""

    formfield_overrides = URL_FIELDS

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return policy.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and (
            obj is None or policy.can(request.user, Action.VIEW, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return True  # the list shows only what may be seen; each row is checked on save
        return policy.can(request.user, Action.CHANGE, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or policy.can(request.user, Action.DELETE, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        policy.require(request.user, Action.CHANGE if change else Action.ADD, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            action = Action.ADD if instance._state.adding else Action.CHANGE
            policy.require(request.user, action, instance)
        for instance in formset.deleted_objects:
            policy.require(request.user, Action.DELETE, instance)
        formset.save()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        policy.require(request.user, Action.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            if not policy.can(request.user, Action.DELETE, obj):
                raise PermissionDenied
        super().delete_queryset(request, queryset)


class PolicyAdmin(PolicyAdminMixin, admin.ModelAdmin):
    pass


class PolicyInline(PolicyAdminMixin, admin.TabularInline):
    extra = 0


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "via", "action", "content_type", "object_repr", "on_behalf_of_id"]
    list_filter = ["action", "via", "content_type", "at"]
    search_fields = ["object_repr", "actor_label", "object_id", "request_id", "label"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_view_permission = lambda self, request, obj=None: self.has_module_permission(request)  # noqa: E731

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["code", "title_ja", "publisher", "published_on", "is_sample"]
    list_filter = ["is_sample", "publisher"]
    search_fields = ["code", "title_ja", "title_en", "publisher"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


admin.site.site_header = _("Renkei administration")
admin.site.site_title = _("Renkei")
admin.site.index_title = _("Registry and governance")

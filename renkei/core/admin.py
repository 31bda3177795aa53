"""Admin pages that ask the one policy, and the read-only audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renkei.core import policy
from renkei.core.models import AuditEntry, Source
from renkei.core.policy import Action
from renkei.core.services import writes_for

# forms.URLField without assume_scheme warns (RemovedInDjango60Warning): every admin page uses this.
URL_FIELDS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}

if TYPE_CHECKING:  # the mixin is only ever mixed into admin classes
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object


def _relations(form: Any) -> dict[str, Any]:
    """The many-to-many values a model form carries, by field name."""
    return {
        f.name: form.cleaned_data[f.name]
        for f in form.instance._meta.many_to_many
        if f.name in form.cleaned_data
    }


class PolicyAdminMixin(_AdminBase):
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

    # Writes go through the model's services (renkei.core.services.writes_for), which check the
    # policy and the rules themselves: the admin behaves exactly as the API, imports and code do.

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        writes_for(type(obj)).save(obj, actor=request.user, **_relations(form))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # the many-to-many values were saved by the service in save_model (never form.save_m2m())
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        writes = writes_for(formset.model)
        formset.save(commit=False)  # fills new_objects, changed_objects, deleted_objects, saved_forms
        for obj in formset.deleted_objects:
            writes.delete(obj, actor=request.user)
        for inline_form in formset.saved_forms:
            writes.save(inline_form.instance, actor=request.user, **_relations(inline_form))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        writes_for(type(obj)).delete(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        writes = writes_for(queryset.model)
        for obj in queryset:
            writes.delete(obj, actor=request.user)


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
class SourceAdmin(PolicyAdmin):
    list_display = ["code", "title_ja", "publisher", "published_on", "is_sample"]
    list_filter = ["is_sample", "publisher"]
    search_fields = ["code", "title_ja", "title_en", "publisher"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_superuser(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_superuser(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_superuser(request.user)


admin.site.site_header = _("Renkei administration")
admin.site.site_title = _("Renkei")
admin.site.index_title = _("Registry and governance")

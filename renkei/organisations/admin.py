from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.organisations.models import Affiliation, GroupComponent, Identifier, Organisation, Person


class IdentifierInline(PolicyInline):
    model = Identifier


class UnitInline(PolicyInline):
    model = Organisation
    fk_name = "parent"
    fields = ["key", "kind", "code", "name_ja", "name_en"]
    show_change_link = True
    verbose_name = _("unit")
    verbose_name_plural = _("units")


class ComponentInline(PolicyInline):
    model = GroupComponent
    fk_name = "group"
    autocomplete_fields = ["member"]


class HasUnitsFilter(admin.SimpleListFilter):
    title = pgettext_lazy("organisation tree", "level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", _("top-level organisations")), ("unit", _("units"))]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "unit":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(PolicyAdmin):
    list_display = ["name_ja", "name_en", "code", "kind", "parent", "prefecture", "country"]
    list_filter = ["kind", HasUnitsFilter, "prefecture", "country", "sources"]
    search_fields = [
        "name_ja",
        "name_en",
        "name_kana",
        "short_name_ja",
        "short_name_en",
        "code",
        "key",
        "identifiers__value",
    ]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [IdentifierInline, UnitInline, ComponentInline]
    fieldsets = [
        (None, {"fields": ["key", "kind", "parent", "code"]}),
        (_("Names"), {"fields": ["name_ja", "name_en", "name_kana", "short_name_ja", "short_name_en"]}),
        (
            _("Location"),
            {
                "fields": [
                    "country",
                    "prefecture",
                    "municipality_code",
                    "address_ja",
                    "latitude",
                    "longitude",
                    "location_note",
                    "website",
                ]
            },
        ),
        (_("Notes and sources"), {"fields": ["note_ja", "note_en", "editorial_note", "sources"]}),
    ]
    filter_horizontal = ["sources"]


@admin.register(Person)
class PersonAdmin(PolicyAdmin):
    list_display = ["name_ja", "name_en", "organisation", "title_ja"]
    search_fields = ["name_ja", "name_en", "name_kana"]
    autocomplete_fields = ["organisation"]


@admin.register(Affiliation)
class AffiliationAdmin(PolicyAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name_ja", "organisation__name_en"]
    autocomplete_fields = ["user", "organisation"]

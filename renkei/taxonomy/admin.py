from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renkei.core.admin import PolicyAdmin
from renkei.taxonomy.models import Concept, Scheme


@admin.register(Scheme)
class SchemeAdmin(PolicyAdmin):
    list_display = ["key", "name_ja", "name_en", "publisher", "version", "concept_count"]
    search_fields = ["key", "name_ja", "name_en", "publisher"]
    fields = ["key", "name_ja", "name_en", "publisher", "version", "attribution"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(concept_count=Count("concepts"))

    @admin.display(description=_("concepts"), ordering="concept_count")
    def concept_count(self, obj: Any) -> int:
        return obj.concept_count


@admin.register(Concept)
class ConceptAdmin(PolicyAdmin):
    list_display = ["code", "label_ja", "label_en", "kind", "scheme", "parent", "auto_tag"]
    list_filter = ["scheme", "kind", "auto_tag"]
    search_fields = ["code", "label_ja", "label_en", "synonyms_ja", "synonyms_en"]
    autocomplete_fields = ["parent"]
    list_select_related = ["scheme", "parent"]
    list_per_page = 50
    show_full_result_count = False  # ESCO alone has thousands of rows
    fieldsets = [
        (None, {"fields": ["scheme", "code", "kind", "parent", "sort_order", "auto_tag"]}),
        (_("Labels"), {"fields": ["label_ja", "label_en", "synonyms_ja", "synonyms_en"]}),
        (_("Descriptions"), {"fields": ["description_ja", "description_en"]}),
    ]

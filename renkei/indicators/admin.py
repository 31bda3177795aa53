"""Admin pages for initiatives, indicators and reports: access from the policy, writes through
`renkei.indicators.services` (see `renkei.core.admin.PolicyAdminMixin`)."""

from __future__ import annotations

from django.contrib import admin

from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Target


class EvaluationInline(PolicyInline):
    model = Evaluation
    fields = ["evaluator_ja", "evaluator_en", "fiscal_year", "held_on", "grade", "comments_ja", "source"]


@admin.register(Initiative)
class InitiativeAdmin(PolicyAdmin):
    list_display = ["name_ja", "name_en", "organisation", "network", "starts_fy", "ends_fy", "is_sample"]
    search_fields = ["name_ja", "name_en", "key"]
    autocomplete_fields = ["organisation", "network"]
    inlines = [EvaluationInline]


@admin.register(Evaluation)
class EvaluationAdmin(PolicyAdmin):
    list_display = ["initiative", "evaluator_ja", "fiscal_year", "grade"]
    list_filter = ["initiative"]
    search_fields = ["evaluator_ja", "evaluator_en", "comments_ja"]


class TargetInline(PolicyInline):
    model = Target
    fields = ["fiscal_year", "value", "set_in_fy", "note_ja", "source"]


class ActualInline(PolicyInline):
    model = Actual
    fields = ["fiscal_year", "value", "basis", "state", "source", "source_detail", "note_ja", "is_sample"]


@admin.register(Indicator)
class IndicatorAdmin(PolicyAdmin):
    list_display = ["name_ja", "name_en", "initiative", "organisation", "network", "category", "computation"]
    list_filter = ["category", "direction", "initiative"]
    search_fields = ["name_ja", "name_en", "key"]
    autocomplete_fields = ["organisation", "network", "initiative"]
    inlines = [TargetInline, ActualInline]


@admin.register(Target)
class TargetAdmin(PolicyAdmin):
    list_display = ["indicator", "fiscal_year", "value", "set_in_fy"]
    list_filter = ["fiscal_year"]
    search_fields = ["indicator__name_ja", "indicator__name_en", "note_ja"]


@admin.register(Actual)
class ActualAdmin(PolicyAdmin):
    list_display = ["indicator", "fiscal_year", "value", "basis", "state"]
    list_filter = ["state", "basis", "fiscal_year"]
    search_fields = ["indicator__name_ja", "indicator__name_en", "note_ja"]

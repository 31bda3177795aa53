"""Admin pages for the catalog. Access comes from the policy and every write goes through
`renkei.catalog.services` (see `renkei.core.admin.PolicyAdminMixin`), which re-index programs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renkei.catalog import services
from renkei.catalog.models import (
    CurriculumUnit,
    JointCurriculum,
    Program,
    ProgramRun,
    Status,
    TeachingContent,
)
from renkei.core import policy
from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.core.policy import Action


class ProgramRunInline(PolicyInline):
    model = ProgramRun
    fields = ["starts_on", "ends_on", "application_deadline", "sessions", "hours", "note_ja", "note_en"]


class StartedFilter(admin.SimpleListFilter):
    title = _("runs")
    parameter_name = "runs"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("none", _("no run scheduled"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "none":
            return queryset.filter(runs__isnull=True)
        return queryset


def _set_status(status: str, label: Any) -> Any:
    def action(modeladmin: ProgramAdmin, request: HttpRequest, queryset: models.QuerySet) -> None:
        changed = 0
        for program in queryset:
            if policy.can(request.user, Action.CHANGE, program):
                services.program_set_status(program=program, status=status, actor=request.user)
                changed += 1
        modeladmin.message_user(request, _("%(n)d programs changed.") % {"n": changed}, messages.SUCCESS)

    action.__name__ = f"make_{status}"
    action.short_description = label  # type: ignore[attr-defined]
    return action


@admin.register(Program)
class ProgramAdmin(PolicyAdmin):
    list_display = ["code", "title_ja", "provider", "kind", "mode", "level", "fee_yen", "status", "is_sample"]
    list_display_links = ["code", "title_ja"]
    list_filter = [
        "status",
        "is_sample",
        "kind",
        "mode",
        "level",
        "language",
        "subsidy_kyouiku_kunren",
        "prefecture",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "shared_with",
        StartedFilter,
        "source",
    ]
    search_fields = [
        "code",
        "title_ja",
        "title_en",
        "summary_ja",
        "provider__name_ja",
        "provider__name_en",
        "provider__key",
        "venue_name_ja",
    ]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider", "unit", "shared_with"]
    raw_id_fields = ["fields", "skills"]
    inlines = [ProgramRunInline]
    actions = [
        _set_status(Status.PUBLISHED, _("Publish selected programs")),
        _set_status(Status.ARCHIVED, _("Archive selected programs")),
        _set_status(Status.DRAFT, _("Return selected programs to draft")),
    ]
    fieldsets = [
        (None, {"fields": ["provider", "unit", "code", "status", "is_sample", "source"]}),
        (
            _("Description"),
            {
                "fields": [
                    "title_ja",
                    "title_en",
                    "summary_ja",
                    "summary_en",
                    "description_ja",
                    "description_en",
                ]
            },
        ),
        (
            _("Classification"),
            {"fields": ["kind", "audiences", "level", "mode", "language", "fields", "skills"]},
        ),
        (
            _("Place"),
            {
                "fields": [
                    "venue_name_ja",
                    "venue_name_en",
                    "venue_address_ja",
                    "prefecture",
                    "municipality_code",
                    "latitude",
                    "longitude",
                ]
            },
        ),
        (
            _("Fee, hours and subsidy"),
            {
                "fields": [
                    "fee_yen",
                    "capacity",
                    "hours_total",
                    "subsidy_kyouiku_kunren",
                    "subsidy_note_ja",
                    "subsidy_note_en",
                ]
            },
        ),
        (_("Contact and sharing"), {"fields": ["url", "contact_email", "contact_phone", "shared_with"]}),
    ]


@admin.register(ProgramRun)
class ProgramRunAdmin(PolicyAdmin):
    list_display = ["program", "starts_on", "ends_on", "application_deadline", "sessions", "hours"]
    list_filter = ["starts_on", ("program__provider", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["program__code", "program__title_ja", "program__title_en"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["program"]
    list_select_related = ["program"]


@admin.register(TeachingContent)
class TeachingContentAdmin(PolicyAdmin):
    list_display = ["code", "title_ja", "provider", "kind", "licence", "status", "is_sample"]
    list_display_links = ["code", "title_ja"]
    list_filter = ["status", "is_sample", "kind", "licence", ("provider", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "title_ja", "title_en", "summary_ja", "provider__name_ja", "provider__key"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    raw_id_fields = ["mdash_units"]


class CurriculumUnitInline(PolicyInline):
    model = CurriculumUnit
    fields = ["order", "concept", "title_ja", "title_en", "programs", "contents"]
    raw_id_fields = ["concept"]
    autocomplete_fields = ["programs", "contents"]


@admin.register(JointCurriculum)
class JointCurriculumAdmin(PolicyAdmin):
    list_display = ["title_ja", "network", "key", "is_sample"]
    list_filter = ["network", "is_sample"]
    search_fields = ["title_ja", "title_en", "key", "network__name_ja"]
    autocomplete_fields = ["network"]
    inlines = [CurriculumUnitInline]


@admin.register(CurriculumUnit)
class CurriculumUnitAdmin(PolicyAdmin):
    list_display = ["curriculum", "order", "concept", "title_ja"]
    list_filter = ["curriculum"]
    search_fields = ["title_ja", "title_en", "concept__label_ja", "concept__code", "curriculum__title_ja"]
    raw_id_fields = ["concept"]
    autocomplete_fields = ["curriculum", "programs", "contents"]

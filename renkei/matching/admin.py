"""Admin pages for needs and matching. Access comes from the policy and every write goes through
`renkei.matching.services` (see `renkei.core.admin.PolicyAdminMixin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.matching.models import (
    EmployerProfile,
    Hearing,
    Invitation,
    MatchRun,
    Need,
    NeedSkill,
    Proposal,
    Question,
    Response,
    Survey,
    SurveySection,
    TargetSegment,
)


class SurveySectionInline(PolicyInline):
    model = SurveySection
    fields = ["order", "title_ja", "title_en"]
    extra = 0


class QuestionInline(PolicyInline):
    model = Question
    fields = ["order", "key", "section", "kind", "role", "text_ja", "text_en", "required", "choices",
              "scale_min", "scale_max", "number_min", "number_max"]  # fmt: skip
    extra = 0


@admin.register(Survey)
class SurveyAdmin(PolicyAdmin):
    list_display = ["title_ja", "network", "status", "opens_on", "closes_on", "is_sample"]
    list_filter = ["status", "is_sample", "network"]
    search_fields = ["key", "title_ja", "title_en"]
    inlines = [QuestionInline, SurveySectionInline]  # questions first: a section deleted leaves them


@admin.register(Invitation)
class InvitationAdmin(PolicyAdmin):
    list_display = ["survey", "organisation", "target_group", "expires_at", "revoked_at", "is_sample"]
    list_filter = ["survey", "target_group", "is_sample"]
    search_fields = ["organisation__name_ja", "target_group", "prefix"]
    readonly_fields = ["prefix"]
    fields = ["survey", "organisation", "target_group", "expires_at", "revoked_at", "is_sample", "prefix"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a link is shown once, when it is made: invitations are issued on the survey's Invitations page
        # (matching:survey-invitations), which shows it; here they are followed and changed only
        return False


@admin.register(Response)
class ResponseAdmin(PolicyAdmin):
    list_display = ["survey", "organisation", "status", "via", "submitted_at", "is_sample"]
    list_filter = ["survey", "status", "via", "is_sample", "industry", "employees_band"]
    search_fields = ["organisation__name_ja", "respondent_name", "external_id", "source_file"]


@admin.register(Hearing)
class HearingAdmin(PolicyAdmin):
    list_display = ["organisation", "held_on", "interviewer", "network", "is_sample"]
    list_filter = ["network", "is_sample"]
    search_fields = ["organisation__name_ja", "interviewer", "interviewees", "notes_ja"]


@admin.register(EmployerProfile)
class EmployerProfileAdmin(PolicyAdmin):
    list_display = ["organisation", "industry", "employees_band", "municipality_code", "is_sample"]
    list_filter = ["industry", "employees_band", "is_sample"]
    search_fields = ["organisation__name_ja"]


class NeedSkillInline(PolicyInline):
    model = NeedSkill
    fields = ["concept", "words", "origin", "rejected"]
    readonly_fields = ["words", "origin"]
    raw_id_fields = ["concept"]
    extra = 0


@admin.register(Need)
class NeedAdmin(PolicyAdmin):
    list_display = ["__str__", "organisation", "network", "status", "headcount", "mode", "is_sample"]
    list_filter = ["status", "network", "mode", "level", "timeframe", "is_sample"]
    search_fields = ["text", "organisation__name_ja"]
    raw_id_fields = ["response", "hearing"]
    inlines = [NeedSkillInline]


@admin.register(MatchRun)
class MatchRunAdmin(PolicyAdmin):
    list_display = ["__str__", "network", "scope", "state", "engine_version", "need_count", "match_count"]
    list_filter = ["network", "scope", "state", "is_sample"]
    readonly_fields = ["scope", "need", "repeat_of", "engine_version", "parameters", "inputs", "fingerprint",
                       "state", "job", "started_by", "need_count", "match_count", "top_k", "finished_at"]  # fmt: skip
    fields = ["network", "is_sample", *readonly_fields]


@admin.register(TargetSegment)
class TargetSegmentAdmin(PolicyAdmin):
    list_display = ["__str__", "network", "is_sample"]
    list_filter = ["network", "industry", "area"]


@admin.register(Proposal)
class ProposalAdmin(PolicyAdmin):
    list_display = ["title_ja", "network", "status", "program", "is_sample"]
    list_filter = ["status", "network", "is_sample"]
    search_fields = ["key", "title_ja", "title_en"]
    filter_horizontal = ["skills", "developers"]
    raw_id_fields = ["needs", "program"]

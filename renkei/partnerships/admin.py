"""Admin pages for partnerships. Access comes from the policy and every write goes through
`renkei.partnerships.services` (see `renkei.core.admin.PolicyAdminMixin`). A signed agreement
version shows read-only; its lifecycle moves through the actions, which call the lifecycle services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.partnerships import rules, services
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementAlert,
    AgreementParty,
    AgreementVersion,
    CooperationCondition,
    FundApplication,
    FundCall,
    JointDegreeFigure,
    JointDegreePartner,
    JointDegreeProgram,
    JointFund,
    MobilityFigure,
    NetworkProject,
    Participation,
    Partnership,
    PartnershipTier,
    PartnerUnit,
    Phase,
    TeamMember,
)


@admin.register(Phase)
class PhaseAdmin(PolicyAdmin):
    list_display = [
        "name_ja",
        "home",
        "number",
        "starts_on",
        "ends_on",
        "stated_partners",
        "stated_primary",
        "stated_prospective",
    ]
    list_filter = ["home"]
    search_fields = ["name_ja", "name_en"]
    autocomplete_fields = ["home"]


class TierInline(PolicyInline):
    model = PartnershipTier
    fields = ["phase", "tier", "source"]


class TeamInline(PolicyInline):
    model = TeamMember
    fields = ["unit", "is_lead", "joined_on", "joined_precision", "left_on", "sort_order", "source"]
    autocomplete_fields = ["unit"]


@admin.register(Partnership)
class PartnershipAdmin(PolicyAdmin):
    list_display = ["key", "partner", "home", "status", "started_on", "is_sample"]
    list_filter = ["status", "is_sample", "home", "tiers__tier"]
    search_fields = ["key", "title_ja", "title_en", "partner__name_ja", "partner__name_en"]
    autocomplete_fields = ["home", "partner"]
    list_select_related = ["home", "partner"]
    inlines = [TierInline, TeamInline]


@admin.register(PartnershipTier)
class PartnershipTierAdmin(PolicyAdmin):
    list_display = ["partnership", "phase", "tier"]
    list_filter = ["tier", "phase"]
    autocomplete_fields = ["partnership"]


@admin.register(TeamMember)
class TeamMemberAdmin(PolicyAdmin):
    list_display = ["partnership", "unit", "is_lead", "joined_on"]
    list_filter = ["is_lead"]
    search_fields = ["partnership__key", "unit__name_ja", "unit__code"]
    autocomplete_fields = ["partnership", "unit"]


@admin.register(PartnerUnit)
class PartnerUnitAdmin(PolicyAdmin):
    list_display = ["partnership", "name_ja", "name_en", "unit", "is_sample"]
    autocomplete_fields = ["partnership", "unit"]


class FrozenWhenSigned:
    """A signed version's parties and conditions are shown read-only: no change, addition or deletion."""

    def _frozen(self, obj: Any) -> bool:
        version = obj if isinstance(obj, AgreementVersion) else getattr(obj, "version", None)
        return version is not None and version.pk is not None and version.is_signed

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class PartyInline(FrozenWhenSigned, PolicyInline):
    model = AgreementParty
    fields = [
        "organisation",
        "unit",
        "iia_code",
        "signatory_name",
        "signatory_title",
        "signed_on",
        "sort_order",
    ]
    autocomplete_fields = ["organisation", "unit"]


class ConditionInline(FrozenWhenSigned, PolicyInline):
    model = CooperationCondition
    fields = [
        "mobility_type",
        "sending_hei",
        "sending_ounit",
        "receiving_hei",
        "receiving_ounit",
        "receiving_first_academic_year_id",
        "receiving_last_academic_year_id",
        "mobilities_per_year",
        "total_months_per_year",
        "total_days_per_year",
        "subject_areas",
        "eqf_levels",
        "recommended_language_skills",
        "blended",
    ]
    autocomplete_fields = ["sending_hei", "sending_ounit", "receiving_hei", "receiving_ounit"]


@admin.register(Agreement)
class AgreementAdmin(PolicyAdmin):
    list_display = ["key", "title_ja", "kind", "owner", "partnership", "is_public", "is_sample"]
    list_filter = ["kind", "is_public", "is_sample", "owner"]
    search_fields = ["key", "title_ja", "title_en"]
    autocomplete_fields = ["owner", "partnership", "responsible_unit"]
    raw_id_fields = ["responsible_staff"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        signed = obj is not None and obj.versions.filter(status__in=rules.SIGNED_STATES).exists()
        return not signed and super().has_delete_permission(request, obj)


def _lifecycle(status: str, label: Any) -> Any:
    def action(modeladmin: AgreementVersionAdmin, request: HttpRequest, queryset: models.QuerySet) -> None:
        moved = 0
        for version in queryset:
            try:
                if status == rules.SIGNED:
                    services.agreement_sign(version=version, actor=request.user)
                elif status == rules.TERMINATED:
                    services.agreement_terminate(version=version, actor=request.user)
                else:
                    services.agreement_transition(version=version, status=status, actor=request.user)
                moved += 1
            except (ValidationError, PermissionDenied) as error:
                modeladmin.message_user(
                    request,
                    f"{version}: {'; '.join(getattr(error, 'messages', [str(error)]))}",
                    messages.ERROR,
                )
        modeladmin.message_user(request, _("%(n)d versions moved.") % {"n": moved}, messages.SUCCESS)

    action.__name__ = f"move_{status}"
    action.short_description = label  # type: ignore[attr-defined]
    return action


@admin.register(AgreementVersion)
class AgreementVersionAdmin(PolicyAdmin):
    list_display = ["__str__", "change", "status", "valid_from", "valid_until", "signed_on"]
    list_filter = ["status", "change"]
    search_fields = ["agreement__key", "agreement__title_ja"]
    autocomplete_fields = ["agreement"]
    raw_id_fields = ["previous"]
    readonly_fields = ["status", "status_changed_on", "signed_on", "terminated_on", "termination_reason"]
    inlines = [PartyInline, ConditionInline]
    actions = [
        _lifecycle(rules.INTERNAL_REVIEW, _("Submit for internal review")),
        _lifecycle(rules.WITH_PARTNER, _("Send to the partner")),
        _lifecycle(rules.SIGNED, _("Record as signed")),
        _lifecycle(rules.TERMINATED, _("Terminate")),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.is_signed) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_signed:
            return [f.name for f in obj._meta.concrete_fields if f.name not in {"id"}]
        return self.readonly_fields


@admin.register(AgreementParty)
class AgreementPartyAdmin(FrozenWhenSigned, PolicyAdmin):
    list_display = ["version", "organisation", "unit", "signatory_name", "signed_on"]
    autocomplete_fields = ["organisation", "unit"]
    raw_id_fields = ["version"]


@admin.register(CooperationCondition)
class CooperationConditionAdmin(FrozenWhenSigned, PolicyAdmin):
    list_display = ["version", "mobility_type", "sending_hei", "receiving_hei", "mobilities_per_year"]
    list_filter = ["mobility_type"]
    autocomplete_fields = ["sending_hei", "sending_ounit", "receiving_hei", "receiving_ounit"]
    raw_id_fields = ["version"]


@admin.register(AgreementAlert)
class AgreementAlertAdmin(PolicyAdmin):
    list_display = ["version", "lead_days", "due_on", "sent_on", "recipients"]
    raw_id_fields = ["version"]


class ParticipationInline(PolicyInline):
    model = Participation
    fields = ["category", "side", "count", "qualifier"]


@admin.register(Activity)
class ActivityAdmin(PolicyAdmin):
    list_display = ["title_ja", "partnership", "kind", "starts_on", "mode", "participants", "is_sample"]
    list_filter = ["kind", "mode", "host", "is_sample"]
    search_fields = ["title_ja", "title_en", "key", "partnership__key"]
    autocomplete_fields = ["partnership", "units"]
    date_hierarchy = "starts_on"
    inlines = [ParticipationInline]


@admin.register(Participation)
class ParticipationAdmin(PolicyAdmin):
    list_display = ["activity", "category", "side", "count"]
    autocomplete_fields = ["activity"]


@admin.register(MobilityFigure)
class MobilityFigureAdmin(PolicyAdmin):
    list_display = ["partnership", "fiscal_year", "direction", "category", "count", "basis", "is_sample"]
    list_filter = ["basis", "direction", "category", "is_sample", "fiscal_year"]
    autocomplete_fields = ["partnership", "agreement"]


@admin.register(JointFund)
class JointFundAdmin(PolicyAdmin):
    list_display = ["name_ja", "partnership", "declared_calls", "declared_projects"]
    search_fields = ["name_ja", "name_en", "key"]
    autocomplete_fields = ["partnership"]


@admin.register(FundCall)
class FundCallAdmin(PolicyAdmin):
    list_display = ["__str__", "deadline", "budget_yen", "is_sample"]
    search_fields = ["fund__key", "title_ja"]
    autocomplete_fields = ["fund"]


@admin.register(FundApplication)
class FundApplicationAdmin(PolicyAdmin):
    list_display = ["title_ja", "call", "outcome", "project_status", "amount_yen", "is_sample"]
    list_filter = ["outcome", "project_status", "is_sample"]
    search_fields = ["title_ja", "title_en", "lead_researcher"]
    autocomplete_fields = ["call", "lead_unit"]


@admin.register(JointDegreeProgram)
class JointDegreeProgramAdmin(PolicyAdmin):
    list_display = ["name_ja", "owner", "field_ja", "is_sample"]
    search_fields = ["name_ja", "name_en", "key"]
    autocomplete_fields = ["owner", "home_units"]


@admin.register(JointDegreePartner)
class JointDegreePartnerAdmin(PolicyAdmin):
    list_display = ["owner", "partner", "program", "kind"]
    autocomplete_fields = ["owner", "partner", "program", "agreement"]


@admin.register(JointDegreeFigure)
class JointDegreeFigureAdmin(PolicyAdmin):
    list_display = ["owner", "program", "fiscal_year", "metric", "value", "basis"]
    list_filter = ["metric", "basis"]
    autocomplete_fields = ["owner", "program"]


@admin.register(NetworkProject)
class NetworkProjectAdmin(PolicyAdmin):
    list_display = ["title_ja", "network", "lead"]
    search_fields = ["title_ja", "title_en", "key"]
    autocomplete_fields = ["network", "lead"]

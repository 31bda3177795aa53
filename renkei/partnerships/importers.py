"""Imports (and exports) of partnerships with the shared pipeline: partners, unit teams, agreement
versions, mobility figures and activities (`renkei import partnerships FILE`, the import pages).

Each spec runs the rules of `renkei.partnerships.rules` and the policy's `can_change`; an agreement
version that is signed is never changed by an import (the plan refuses it, naming the row).
"""

from __future__ import annotations

from typing import Any

from renkei.importing.problems import CellError, Msg
from renkei.importing.spec import Column, ImportSpec, Ref, RowContext, cell_errors, field_column, register
from renkei.organisations.models import Organisation
from renkei.partnerships import rules
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementVersion,
    MobilityFigure,
    Partnership,
    TeamMember,
)


def _partnership_column(
    model: type, label_ja: str = "パートナーシップ", label_en: str = "Partnership"
) -> Column:
    return field_column(
        model, "partnership", label_ja=label_ja, label_en=label_en, ref=Ref(Partnership, "key"),
        help_ja="パートナーシップのキー（例 utokyo-ntu-tw）", help_en="The partnership's key (e.g. utokyo-ntu-tw)",
    )  # fmt: skip


def _org_column(model: type, name: str, label_ja: str, label_en: str, **extra: Any) -> Column:
    return field_column(
        model, name, label_ja=label_ja, label_en=label_en, ref=Ref(Organisation, "key"), **extra
    )


@register
class PartnershipImport(ImportSpec):
    name = "partnerships"
    label_ja = "戦略的パートナーシップ（パートナー）"
    label_en = "Strategic partnerships (partners)"
    model = Partnership
    key = ("key",)

    def get_columns(self) -> tuple[Column, ...]:
        p = Partnership
        return (
            field_column(p, "key", label_ja="キー", label_en="Key"),
            _org_column(p, "home", "自機関", "Home institution"),
            _org_column(p, "partner", "パートナー", "Partner"),
            field_column(p, "title_ja", label_ja="名称", label_en="Title (Japanese)"),
            field_column(p, "title_en", label_ja="英語名称", label_en="Title (English)"),
            field_column(p, "summary_ja", label_ja="概要", label_en="Summary (Japanese)"),
            field_column(p, "summary_en", label_ja="英語概要", label_en="Summary (English)"),
            field_column(p, "started_on", label_ja="開始", label_en="Since"),
            field_column(p, "status", label_ja="公開状態", label_en="Status"),
            field_column(p, "is_sample", label_ja="サンプル", label_en="Sample data"),
        )


@register
class TeamMemberImport(ImportSpec):
    name = "partnership_teams"
    label_ja = "パートナーシップの参画部局"
    label_en = "Partnership teams (participating units)"
    model = TeamMember
    key = ("partnership", "unit")

    def get_columns(self) -> tuple[Column, ...]:
        t = TeamMember
        return (
            _partnership_column(t),
            _org_column(
                t, "unit", "部局", "Unit", help_ja="部局のキー（例 utokyo.agr）", help_en="The unit's key"
            ),
            field_column(t, "is_lead", label_ja="主幹", label_en="Lead unit"),
            field_column(t, "joined_on", label_ja="参画日", label_en="Joined"),
            field_column(t, "left_on", label_ja="離脱日", label_en="Left"),
            field_column(t, "note_ja", label_ja="備考", label_en="Note (Japanese)"),
            field_column(t, "note_en", label_ja="英語備考", label_en="Note (English)"),
        )

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return cell_errors(
            rules.check_dates(starts=context.get("joined_on"), ends=context.get("left_on"), field="left_on")
        )

    def check_plan(self, plan: Any) -> list[tuple[int | None, str | None, Msg]]:
        """A team unit is a unit of the partnership's home institution (`rules.check_team_member`)."""
        homes = dict(Partnership.objects.values_list("pk", "home_id"))
        parents = dict(Organisation.objects.values_list("pk", "parent_id"))
        problems: list[tuple[int | None, str | None, Msg]] = []
        for change in plan.changes:
            values = {**change.before, **change.after}
            partnership, unit = values.get("partnership"), values.get("unit")
            partnership_id = plan.resolved.get("partnership", {}).get(partnership)
            unit_id = plan.resolved.get("unit", {}).get(unit)
            if partnership_id is None or unit_id is None:
                continue
            chain, node = [], parents.get(unit_id)
            while node is not None and node not in chain:
                chain.append(node)
                node = parents.get(node)
            for broken in rules.check_team_member(
                home=homes.get(partnership_id), unit_chain=chain, joined_on=None, left_on=None
            ):
                problems.append((change.row, "unit", broken.message))
        return problems


@register
class AgreementVersionImport(ImportSpec):
    name = "agreement_versions"
    label_ja = "協定の版"
    label_en = "Agreement versions"
    model = AgreementVersion
    key = ("agreement", "number")

    def get_columns(self) -> tuple[Column, ...]:
        v = AgreementVersion
        return (
            field_column(v, "agreement", label_ja="協定", label_en="Agreement", ref=Ref(Agreement, "key")),
            field_column(v, "number", label_ja="版", label_en="Version"),
            field_column(v, "change", label_ja="区分", label_en="Change"),
            field_column(v, "valid_from", label_ja="開始日", label_en="In effect from"),
            field_column(v, "valid_until", label_ja="終了日", label_en="In effect until"),
            field_column(v, "scope_ja", label_ja="範囲", label_en="Scope (Japanese)"),
            field_column(v, "scope_en", label_ja="英語範囲", label_en="Scope (English)"),
            field_column(
                v, "intended_outcomes_ja", label_ja="期待される成果", label_en="Intended outcomes (Japanese)"
            ),
            field_column(
                v, "intended_outcomes_en", label_ja="英語期待成果", label_en="Intended outcomes (English)"
            ),
        )

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return cell_errors(
            rules.check_dates(
                starts=context.get("valid_from"), ends=context.get("valid_until"), field="valid_until"
            )
        )

    def check_plan(self, plan: Any) -> list[tuple[int | None, str | None, Msg]]:
        """A signed version is never changed by an import: amend it instead."""
        pks = [change.pk for change in plan.changes if change.pk is not None and change.after]
        signed = set(
            AgreementVersion.objects.filter(pk__in=pks, status__in=rules.SIGNED_STATES).values_list(
                "pk", flat=True
            )
        )
        return [
            (change.row, None, rules.SIGNED_IMMUTABLE)
            for change in plan.changes
            if change.pk in signed and change.after
        ]


@register
class MobilityFigureImport(ImportSpec):
    name = "mobility_figures"
    label_ja = "派遣・受入人数"
    label_en = "Mobility figures"
    model = MobilityFigure
    key = ("partnership", "fiscal_year", "direction", "category", "basis")
    nullable_key = ("fiscal_year",)  # a declared figure ('about 100 a year') has no fiscal year

    def get_columns(self) -> tuple[Column, ...]:
        m = MobilityFigure
        return (
            _partnership_column(m),
            field_column(m, "fiscal_year", label_ja="年度", label_en="Fiscal year"),
            field_column(m, "direction", label_ja="方向", label_en="Direction"),
            field_column(m, "category", label_ja="区分", label_en="Category"),
            field_column(m, "basis", label_ja="根拠", label_en="Basis"),
            field_column(m, "count", label_ja="人数", label_en="People"),
            field_column(m, "qualifier", label_ja="人数の種類", label_en="Count is"),
            field_column(m, "agreement", label_ja="協定", label_en="Agreement", ref=Ref(Agreement, "key")),
            field_column(m, "note_ja", label_ja="備考", label_en="Note (Japanese)"),
            field_column(m, "is_sample", label_ja="サンプル", label_en="Sample data"),
        )


@register
class ActivityImport(ImportSpec):
    name = "partnership_activities"
    label_ja = "パートナーシップの活動"
    label_en = "Partnership activities"
    model = Activity
    key = ("partnership", "key")

    def get_columns(self) -> tuple[Column, ...]:
        a = Activity
        return (
            _partnership_column(a),
            field_column(a, "key", label_ja="キー", label_en="Key"),
            field_column(a, "kind", label_ja="種類", label_en="Kind"),
            field_column(a, "title_ja", label_ja="名称", label_en="Title (Japanese)", blank=False),
            field_column(a, "title_en", label_ja="英語名称", label_en="Title (English)"),
            field_column(a, "starts_on", label_ja="開始日", label_en="Starts on"),
            field_column(a, "date_precision", label_ja="日付の精度", label_en="Precision"),
            field_column(a, "ends_on", label_ja="終了日", label_en="Ends on"),
            field_column(a, "host", label_ja="主催", label_en="Host"),
            field_column(a, "mode", label_ja="形式", label_en="Mode"),
            field_column(a, "theme_ja", label_ja="テーマ", label_en="Theme (Japanese)"),
            field_column(a, "participants", label_ja="参加者数", label_en="Participants"),
            field_column(a, "participants_qualifier", label_ja="参加者数の種類", label_en="Participants are"),
            field_column(a, "outcomes_ja", label_ja="成果", label_en="Outcomes (Japanese)"),
            field_column(a, "is_sample", label_ja="サンプル", label_en="Sample data"),
        )

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return cell_errors(rules.check_dates(starts=context.get("starts_on"), ends=context.get("ends_on")))

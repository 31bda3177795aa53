"""Import and export of indicator values: `renkei import indicator_targets FILE` and
`renkei import indicator_actuals FILE` (and the import page, with a template for each).

A target or an actual is identified by its indicator (key) and fiscal year. An actual's verification
state moves one step at a time (the rule `actual_save` applies), so a file cannot publish an entered
figure in one go; a new actual may be given any state.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.core import policy
from renkei.core.models import Source
from renkei.importing import cells
from renkei.importing.problems import CellError
from renkei.importing.spec import (
    NOT_ALLOWED,
    Column,
    ImportSpec,
    Ref,
    RowContext,
    cell_errors,
    field_column,
    register,
)
from renkei.indicators.models import Actual, Indicator, Target
from renkei.indicators.rules import check_state_change

FY_HELP_JA = "年度の始まる年（令和元年度 = 2019）"
FY_HELP_EN = "The year the fiscal year starts in (R1 = 2019)"


def _value_columns(model: type[Target] | type[Actual]) -> tuple[Column, ...]:
    return (
        field_column(model, "indicator", label_ja="指標", label_en="Indicator", aliases=("指標キー",),
                     ref=Ref(Indicator, "key"), parse=cells.key(max_length=80)),
        field_column(model, "fiscal_year", label_ja="年度", label_en="Fiscal year",
                     help_ja=FY_HELP_JA, help_en=FY_HELP_EN),
        field_column(model, "value", label_ja="値", label_en="Value", aliases=("数値",)),
    )  # fmt: skip


def _notes(model: type[Target] | type[Actual]) -> tuple[Column, ...]:
    return (
        field_column(model, "note_ja", label_ja="備考", label_en="Note (Japanese)"),
        field_column(model, "note_en", label_ja="英語備考", label_en="Note (English)"),
        field_column(model, "source", label_ja="出典", label_en="Source", ref=Ref(Source, "code"),
                     parse=cells.code(max_length=20), empty=None),
    )  # fmt: skip


class _IndicatorValueImport(ImportSpec):
    key = ("indicator", "fiscal_year")

    def check_permissions(self, user: Any, rows: list[tuple[RowContext, models.Model]]) -> list[Any]:
        """A value is written by whoever may change its indicator (the owners' editors)."""
        stored = self.model._default_manager.in_bulk([obj.pk for _c, obj in rows if obj.pk is not None])
        owners = [stored.get(obj.pk, obj).indicator_id for _c, obj in rows]  # type: ignore[attr-defined]
        indicators = Indicator.objects.select_related("initiative").in_bulk(set(owners))
        verdicts = []
        for indicator_id in owners:
            indicator = indicators.get(indicator_id)
            allowed = indicator is not None and policy.can(user, policy.Action.CHANGE, indicator)
            verdicts.append(None if allowed else NOT_ALLOWED)
        return verdicts

    def prepare_instances(self, instances: list[models.Model]) -> None:
        # what the audit entry (the owner) and str() read
        indicators = Indicator.objects.select_related("initiative").in_bulk(
            {obj.indicator_id for obj in instances}  # type: ignore[attr-defined]
        )
        for obj in instances:
            obj.indicator = indicators[obj.indicator_id]  # type: ignore[attr-defined]


@register
class TargetImport(_IndicatorValueImport):
    name = "indicator_targets"
    label_ja = "指標の目標値"
    label_en = "Indicator targets"
    model = Target

    def get_columns(self) -> tuple[Column, ...]:
        return (
            *_value_columns(Target),
            field_column(Target, "set_in_fy", label_ja="設定年度", label_en="Set in fiscal year",
                         help_ja=FY_HELP_JA, help_en=FY_HELP_EN),
            *_notes(Target),
        )  # fmt: skip

    def export_queryset(self, user: Any) -> models.QuerySet:
        return policy.visible(user, Target.objects.all())


@register
class ActualImport(_IndicatorValueImport):
    name = "indicator_actuals"
    label_ja = "指標の実績値"
    label_en = "Indicator actuals"
    model = Actual

    def get_columns(self) -> tuple[Column, ...]:
        a = Actual
        return (
            *_value_columns(a),
            field_column(a, "basis", label_ja="数値の種類", label_en="Kind of figure",
                         help_ja="declared（公表値）または counted（記録から数えた値）",
                         help_en="declared (as a document states it) or counted (from records)"),
            field_column(a, "state", label_ja="確認状態", label_en="Verification",
                         help_ja="entered → checked → published（一段階ずつ）",
                         help_en="entered → checked → published (one step at a time)"),
            field_column(a, "source_detail", label_ja="出典の箇所", label_en="Where in the source"),
            field_column(a, "is_sample", label_ja="サンプル", label_en="Sample data"),
            *_notes(a),
        )  # fmt: skip

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        """The state moves one step from the stored one (the rule of `actual_save`)."""
        if context.existing is None or "state" not in context.present:
            return []
        return cell_errors(check_state_change(current=context.existing["state"], new=context.values["state"]))

    def export_queryset(self, user: Any) -> models.QuerySet:
        return policy.visible(user, Actual.objects.all())

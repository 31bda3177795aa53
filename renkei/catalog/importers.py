"""Import and export of the catalog: `renkei import programs FILE` and `renkei import program_runs FILE`.

Programs are identified by (provider, code); a run by its program (written "provider/code") and start
date. Every import re-indexes the programs it touched, in the same transaction (as the services do).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from renkei.catalog import services
from renkei.catalog.models import CODE_VALIDATOR, Program, ProgramRun
from renkei.catalog.rules import check_program_run, check_unit_of_provider
from renkei.core import policy
from renkei.core.models import Source
from renkei.importing import cells
from renkei.importing.problems import CellError, Msg
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
from renkei.networks.models import Network
from renkei.organisations.importers import (
    latitude,
    longitude,
    municipality_code,
    place_errors,
    prefecture,
)
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept


def program_code(*, max_length: int = 60) -> cells.Parser:
    """The provider's program code: NFKC, no '/', no surrounding spaces (the model's validator)."""
    base = cells.code(max_length=max_length)

    def parse(value: Any) -> str:
        result = base(value)
        if not re.match(CODE_VALIDATOR.regex, result):
            raise CellError(
                f"コードに「/」は使えません: {result!r}",
                f"A code may not contain '/': {result!r}",
                code="code",
            )
        return result

    return parse


def audiences() -> cells.Parser:
    return cells.string_list(cells.choice(Program.Audience.choices))


def _organisation_parents() -> dict[str, str | None]:
    return dict(Organisation.objects.values_list("key", "parent__key"))


@register
class ProgramImport(ImportSpec):
    name = "programs"
    label_ja = "プログラム"
    label_en = "Programs"
    model = Program
    key = ("provider", "code")

    def get_columns(self) -> tuple[Column, ...]:
        p = Program
        org = Ref(Organisation, "key")
        concept_code = cells.string_list(cells.code(max_length=200))
        return (
            field_column(p, "provider", label_ja="提供機関", label_en="Provider", aliases=("提供者", "機関"),
                         ref=org, parse=cells.key(max_length=120)),
            field_column(p, "code", label_ja="コード", label_en="Code", aliases=("プログラムコード",),
                         parse=program_code()),
            field_column(p, "unit", label_ja="実施部局", label_en="Unit", aliases=("部局",), ref=org,
                         parse=cells.key(max_length=120), empty=None),
            field_column(p, "title_ja", label_ja="名称", label_en="Title (Japanese)", aliases=("タイトル", "講座名")),
            field_column(p, "title_en", label_ja="英語名称", label_en="Title (English)"),
            field_column(p, "summary_ja", label_ja="概要", label_en="Summary (Japanese)"),
            field_column(p, "summary_en", label_ja="英語概要", label_en="Summary (English)"),
            field_column(p, "description_ja", label_ja="説明", label_en="Description (Japanese)", aliases=("内容",)),
            field_column(p, "description_en", label_ja="英語説明", label_en="Description (English)"),
            field_column(p, "kind", label_ja="種別", label_en="Kind"),
            field_column(p, "audiences", label_ja="対象", label_en="Audiences", aliases=("対象者",),
                         parse=audiences(), unordered=True, choices=tuple(Program.Audience.choices)),
            field_column(p, "fields", label_ja="分野", label_en="Fields", parse=concept_code,
                         ref=Ref(Concept, "code", limit_to={"kind": Concept.Kind.FIELD}), many=True),
            field_column(p, "skills", label_ja="スキル", label_en="Skills", parse=concept_code,
                         ref=Ref(Concept, "code"), many=True),
            field_column(p, "level", label_ja="レベル", label_en="Level"),
            field_column(p, "mode", label_ja="形式", label_en="Mode", aliases=("実施形態", "受講形態")),
            field_column(p, "language", label_ja="言語", label_en="Language"),
            field_column(p, "venue_name_ja", label_ja="会場", label_en="Venue (Japanese)"),
            field_column(p, "venue_name_en", label_ja="英語会場名", label_en="Venue (English)"),
            field_column(p, "venue_address_ja", label_ja="会場住所", label_en="Venue address"),
            field_column(p, "prefecture", label_ja="都道府県", label_en="Prefecture", parse=prefecture()),
            field_column(p, "municipality_code", label_ja="市区町村コード", label_en="Municipality code",
                         parse=municipality_code()),
            field_column(p, "latitude", label_ja="緯度", label_en="Latitude", parse=latitude()),
            field_column(p, "longitude", label_ja="経度", label_en="Longitude", parse=longitude()),
            field_column(p, "fee_yen", label_ja="受講料", label_en="Fee (yen)", aliases=("費用", "料金"),
                         parse=cells.yen()),
            field_column(p, "capacity", label_ja="定員", label_en="Capacity"),
            field_column(p, "hours_total", label_ja="総時間", label_en="Total hours", aliases=("時間数",)),
            field_column(p, "subsidy_kyouiku_kunren", label_ja="教育訓練給付", label_en="Education and training benefit",
                         aliases=("教育訓練給付制度",)),
            field_column(p, "subsidy_note_ja", label_ja="給付の注記", label_en="Subsidy note (Japanese)"),
            field_column(p, "subsidy_note_en", label_ja="英語給付注記", label_en="Subsidy note (English)"),
            field_column(p, "url", label_ja="URL", label_en="URL", aliases=("ウェブサイト",)),
            field_column(p, "contact_email", label_ja="問い合わせメール", label_en="Contact e-mail",
                         aliases=("メールアドレス",)),
            field_column(p, "contact_phone", label_ja="問い合わせ電話", label_en="Contact phone",
                         aliases=("電話番号",), parse=cells.phone(max_length=40)),
            field_column(p, "status", label_ja="公開状態", label_en="Status", aliases=("状態",)),
            field_column(p, "shared_with", label_ja="共有ネットワーク", label_en="Shared with",
                         parse=cells.string_list(cells.key(max_length=120)), ref=Ref(Network, "key"), many=True),
            field_column(p, "is_sample", label_ja="サンプル", label_en="Sample data"),
            field_column(p, "source", label_ja="出典", label_en="Source", ref=Ref(Source, "code"),
                         parse=cells.code(max_length=20), empty=None),
        )  # fmt: skip

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return place_errors(context)

    def check_plan(self, plan: Any) -> list[tuple[int | None, str | None, Msg]]:
        """A program's unit belongs to its provider (is the provider or one of its units)."""
        if "unit" not in plan.present:
            return []
        parents = _organisation_parents()
        problems: list[tuple[int | None, str | None, Msg]] = []
        for change in plan.changes:
            unit = change.after.get("unit")
            chain, node = [], unit
            while node is not None and node not in chain:
                chain.append(node)
                node = parents.get(node)
            broken = check_unit_of_provider(provider=change.key[0], unit=unit, unit_chain=chain)
            problems += [(change.row, item.field, item.message) for item in broken]
        return problems

    def after_apply(self, pks: list[int]) -> None:
        services.programs_reindex(program_ids=pks)

    def export_queryset(self, user: Any) -> models.QuerySet:
        return policy.visible(user, Program.objects.all())


@register
class ProgramRunImport(ImportSpec):
    name = "program_runs"
    label_ja = "プログラムの開講日程"
    label_en = "Program runs"
    model = ProgramRun
    key = ("program", "starts_on")

    def get_columns(self) -> tuple[Column, ...]:
        r = ProgramRun
        return (
            field_column(r, "program", label_ja="プログラム", label_en="Program",
                         ref=Ref(Program, paths=("provider__key", "code")), parse=cells.code(max_length=200),
                         help_ja="「提供機関キー/コード」", help_en="“provider key/code”"),
            field_column(r, "starts_on", label_ja="開始日", label_en="Starts on", aliases=("開講日",)),
            field_column(r, "ends_on", label_ja="終了日", label_en="Ends on"),
            field_column(r, "application_deadline", label_ja="申込締切", label_en="Application deadline"),
            field_column(r, "sessions", label_ja="回数", label_en="Sessions"),
            field_column(r, "hours", label_ja="時間数", label_en="Hours"),
            field_column(r, "note_ja", label_ja="備考", label_en="Note (Japanese)"),
            field_column(r, "note_en", label_ja="英語備考", label_en="Note (English)"),
        )  # fmt: skip

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return cell_errors(
            check_program_run(
                starts_on=context.get("starts_on"),
                ends_on=context.get("ends_on"),
                application_deadline=context.get("application_deadline"),
            )
        )

    def _attach_programs(self, instances: list[models.Model]) -> list[ProgramRun]:
        # what the policy (provider, unit), the audit entry (provider) and str(run) (code) read
        runs = [instance for instance in instances if isinstance(instance, ProgramRun)]
        programs = Program.objects.only("pk", "provider_id", "unit_id", "code", "status").in_bulk(
            {run.program_id for run in runs}
        )
        for run in runs:
            if run.program_id in programs:
                run.program = programs[run.program_id]
        return runs

    def check_permissions(self, user: Any, rows: list[tuple[RowContext, models.Model]]) -> list[Msg | None]:
        """A run is written by whoever may change its program."""
        stored = ProgramRun.objects.in_bulk([obj.pk for _c, obj in rows if obj.pk is not None])
        runs = self._attach_programs([stored.get(obj.pk, obj) for _c, obj in rows])
        return [None if policy.can(user, policy.Action.CHANGE, run.program) else NOT_ALLOWED for run in runs]

    def prepare_instances(self, instances: list[models.Model]) -> None:
        self._attach_programs(instances)

    def after_apply(self, pks: list[int]) -> None:
        program_ids: set[int] = set()
        for start in range(0, len(pks), 5000):
            chunk = pks[start : start + 5000]
            program_ids |= set(ProgramRun.objects.filter(pk__in=chunk).values_list("program_id", flat=True))
        services.programs_reindex(program_ids=program_ids)

    def export_queryset(self, user: Any) -> models.QuerySet:
        return policy.visible(user, ProgramRun.objects.all())

"""Import and export of the organisation registry (`renkei import organisations FILE`).

Natural key: `key`. Units name their parent by key; a parent may be another row of the same file.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from renkei.importing import cells
from renkei.importing.problems import CellError, Msg
from renkei.importing.spec import Column, ImportSpec, Ref, RowContext, cell_errors, field_column, register
from renkei.organisations.models import Organisation, Prefecture
from renkei.organisations.rules import check_parent, check_place

PREFECTURE_NAMES_JA = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)


KIND_ALIASES_JA = {
    "大学": "university", "国立大学": "university", "公立大学": "university", "私立大学": "university",
    "短期大学": "junior_college", "短大": "junior_college", "高等専門学校": "technical_college",
    "高専": "technical_college", "学部": "faculty", "研究科": "graduate_school", "大学院": "graduate_school",
    "研究所": "institute", "センター": "centre", "病院": "hospital", "事務局": "office", "企業": "company",
    "会社": "company", "都道府県": "prefecture", "県": "prefecture", "市町村": "municipality",
    "市区町村": "municipality", "経済団体": "business_association", "職能団体": "professional_association",
    "銀行協会": "bankers_association", "医師会": "medical_association", "行政機関": "government_body",
    "公的機関": "agency", "大学群": "institution_group", "研究機関": "research_organisation", "その他": "other",
}  # fmt: skip


def _prefecture_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for number, name in enumerate(PREFECTURE_NAMES_JA, start=1):
        code = f"{number:02d}"
        aliases[name] = code
        aliases[name.removesuffix("都").removesuffix("府").removesuffix("県") or name] = code
        aliases[str(number)] = code
    return aliases


def prefecture() -> cells.Parser:
    """A prefecture as its JIS code (06, 6), its Japanese name (山形県, 山形) or its English name."""
    return cells.choice(Prefecture.choices, aliases=_prefecture_aliases())


def municipality_code() -> cells.Parser:
    """A local government code: 5 digits (06201), or 6 with the check digit (062014), or 4 (6201)."""

    def parse(value: Any) -> str:
        digits = cells.nfkc(value)
        if not digits.isdigit() or not 4 <= len(digits) <= 6:
            raise CellError(
                f"市区町村コードは数字5桁（または検査数字付き6桁）です: {digits!r}",
                f"A municipality code is 5 digits (or 6 with the check digit): {digits!r}",
                code="municipality_code",
            )
        return digits.zfill(5)[:5]

    return parse


def latitude() -> cells.Parser:
    return cells.decimal(max_digits=9, decimal_places=6, min_value=Decimal(-90), max_value=Decimal(90))


def longitude() -> cells.Parser:
    return cells.decimal(max_digits=9, decimal_places=6, min_value=Decimal(-180), max_value=Decimal(180))


def place_errors(context: RowContext) -> list[tuple[str, CellError]]:
    """The place rules (`renkei.organisations.rules.check_place`) on a row's values."""
    return cell_errors(
        check_place(
            prefecture=context.get("prefecture"),
            municipality_code=context.get("municipality_code"),
            latitude=context.get("latitude"),
            longitude=context.get("longitude"),
        )
    )


def organisation_stubs(ids: Iterable[int]) -> dict[int, Organisation]:
    """Stand-ins for these organisations with their whole parent chain cached, so that audit entries
    (which ask each row for its root organisation) cost no query per row: one query per tree level."""
    parents: dict[int, int | None] = {}
    frontier = {i for i in ids if i is not None}
    while frontier:
        found = dict(Organisation.objects.filter(pk__in=frontier).values_list("pk", "parent_id"))
        parents.update(found)
        frontier = {p for p in found.values() if p is not None and p not in parents}
    stubs: dict[int, Organisation] = {}

    def stub(pk: int) -> Organisation:
        if pk not in stubs:
            stubs[pk] = Organisation(pk=pk, parent_id=parents.get(pk))
            parent_id = parents.get(pk)
            if parent_id is not None and parent_id != pk:
                stubs[pk].parent = stub(parent_id)
        return stubs[pk]

    for pk in list(parents):
        stub(pk)
    return stubs


def attach_organisations(instances: list[models.Model], field: str) -> None:
    """Give each instance's organisation foreign key `field` a cached stand-in with its parent chain."""
    attname = f"{field}_id"
    stubs = organisation_stubs({getattr(i, attname) for i in instances if getattr(i, attname) is not None})
    for instance in instances:
        pk = getattr(instance, attname)
        if pk is not None and pk in stubs:
            setattr(instance, field, stubs[pk])


@register
class OrganisationImport(ImportSpec):
    name = "organisations"
    label_ja = "組織"
    label_en = "Organisations"
    model = Organisation
    key = ("key",)

    def get_columns(self) -> tuple[Column, ...]:
        o = Organisation
        return (
            field_column(o, "key", label_ja="キー", label_en="Key", aliases=("識別子", "ID")),
            field_column(
                o,
                "kind",
                label_ja="種別",
                label_en="Kind",
                parse=cells.choice(o.Kind.choices, aliases=KIND_ALIASES_JA),
            ),
            field_column(
                o,
                "name_ja",
                label_ja="名称",
                label_en="Name (Japanese)",
                aliases=("組織名", "名称（日本語）"),
                blank=False,
            ),
            field_column(
                o, "name_en", label_ja="英語名称", label_en="Name (English)", aliases=("名称（英語）",)
            ),
            field_column(
                o, "name_kana", label_ja="よみがな", label_en="Name (kana)", aliases=("ふりがな", "フリガナ")
            ),
            field_column(o, "short_name_ja", label_ja="略称", label_en="Short name (Japanese)"),
            field_column(o, "short_name_en", label_ja="英語略称", label_en="Short name (English)"),
            field_column(o, "code", label_ja="略号", label_en="Short code"),
            field_column(
                o,
                "parent",
                label_ja="親組織",
                label_en="Parent",
                aliases=("上位組織",),
                ref=Ref(o, "key"),
                parse=cells.key(max_length=120),
                empty=None,
            ),
            field_column(
                o, "country", label_ja="国", label_en="Country", parse=cells.code(max_length=2, upper=True)
            ),
            field_column(o, "prefecture", label_ja="都道府県", label_en="Prefecture", parse=prefecture()),
            field_column(
                o,
                "municipality_code",
                label_ja="市区町村コード",
                label_en="Municipality code",
                parse=municipality_code(),
            ),
            field_column(o, "address_ja", label_ja="住所", label_en="Address", aliases=("所在地",)),
            field_column(o, "latitude", label_ja="緯度", label_en="Latitude", parse=latitude()),
            field_column(o, "longitude", label_ja="経度", label_en="Longitude", parse=longitude()),
            field_column(o, "location_note", label_ja="位置の出典", label_en="Location note"),
            field_column(
                o, "website", label_ja="ウェブサイト", label_en="Website", aliases=("URL", "ホームページ")
            ),
            field_column(o, "note_ja", label_ja="備考", label_en="Note (Japanese)"),
            field_column(o, "note_en", label_ja="英語備考", label_en="Note (English)"),
        )

    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        return place_errors(context)

    def check_plan(self, plan: Any) -> list[tuple[int | None, str | None, Msg]]:
        """No unit may end up as its own ancestor, counting the rows already stored."""
        if "parent" not in plan.present:
            return []
        parent_of: dict[str, str | None] = dict(Organisation.objects.values_list("key", "parent__key"))
        rows: dict[str, int] = {}
        for change in plan.changes:
            rows[change.key[0]] = change.row
            if "parent" in change.after:
                parent_of[change.key[0]] = change.after["parent"]
            else:
                parent_of.setdefault(change.key[0], None)
        problems: list[tuple[int | None, str | None, Msg]] = []
        for key, row in rows.items():
            chain, node = [], parent_of.get(key)
            while node is not None and node not in chain and node != key:
                chain.append(node)
                node = parent_of.get(node)
            if node == key:
                chain.append(node)
            problems += [
                (row, item.field, item.message) for item in check_parent(this=key, parent_chain=chain)
            ]
        return problems

    def prepare_instances(self, instances: list[models.Model]) -> None:
        attach_organisations(instances, "parent")

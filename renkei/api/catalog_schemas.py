"""Schemas of the catalog API. Both languages are always present; `is_sample` marks made-up demo rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from ninja import Field, Schema

from renkei.api.paging import PageOut


def page_url(name: str, *args: Any) -> str | None:
    """The public page of a record, when the catalog pages are mounted."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class ConceptRef(Schema):
    id: int
    code: str
    kind: str
    label_ja: str
    label_en: str


class RunOut(Schema):
    id: int
    starts_on: dt.date
    ends_on: dt.date | None
    application_deadline: dt.date | None
    sessions: int | None
    hours: Decimal | None
    note_ja: str
    note_en: str


class ProgramOut(Schema):
    provider: str
    provider_name_ja: str
    provider_name_en: str
    unit: str | None
    code: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    kind: str
    audiences: list[str]
    level: str
    mode: str
    language: str
    fields: list[ConceptRef]
    skills: list[ConceptRef]
    venue_name_ja: str
    venue_name_en: str
    venue_address_ja: str
    prefecture: str
    municipality_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    fee_yen: int | None
    capacity: int | None
    hours_total: Decimal | None
    subsidy_kyouiku_kunren: bool
    url: str
    status: str
    is_sample: bool = Field(description="Sample data made up for the demo: not a real offering.")
    next_run: RunOut | None
    page_url: str | None

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return obj.provider.key

    @staticmethod
    def resolve_provider_name_ja(obj: Any) -> str:
        return obj.provider.name_ja

    @staticmethod
    def resolve_provider_name_en(obj: Any) -> str:
        return obj.provider.name_en

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.unit.key if obj.unit_id else None

    @staticmethod
    def resolve_fields(obj: Any) -> list:
        return list(obj.fields.all())

    @staticmethod
    def resolve_skills(obj: Any) -> list:
        return list(obj.skills.all())

    @staticmethod
    def resolve_next_run(obj: Any) -> Any:
        return obj.next_run()

    @staticmethod
    def resolve_page_url(obj: Any) -> str | None:
        return page_url("catalog:program-detail", obj.provider.key, obj.code)


class ProgramDetailOut(ProgramOut):
    description_ja: str
    description_en: str
    subsidy_note_ja: str
    subsidy_note_en: str
    contact_email: str
    contact_phone: str
    runs: list[RunOut]
    shared_with: list[str]
    source: str | None

    @staticmethod
    def resolve_runs(obj: Any) -> list:
        return list(obj.runs.all())

    @staticmethod
    def resolve_shared_with(obj: Any) -> list[str]:
        return [network.key for network in obj.shared_with.all()]

    @staticmethod
    def resolve_source(obj: Any) -> str | None:
        return obj.source.code if obj.source_id else None


class FacetValueOut(Schema):
    value: str = Field(description="What to pass in the facet's parameter to select it.")
    label: str = Field(description="The label in Japanese (both languages: label_ja, label_en).")
    label_ja: str
    label_en: str
    count: int
    selected: bool


class FacetOut(Schema):
    key: str = Field(description="The facet's query parameter.")
    label: str = Field(description="The label in Japanese (both languages: label_ja, label_en).")
    label_ja: str
    label_en: str
    values: list[FacetValueOut]


class ProgramSearchOut(Schema):
    items: list[ProgramOut]
    total: int = Field(description="How many programs match, on all pages.")
    facets: list[FacetOut]
    sort: str = Field(description="The order used (the default depends on whether there are words).")
    query: str
    limit: int
    next: str | None = Field(
        description="URL of the next page (same filters, a new cursor); null on the last."
    )


class ProviderOut(Schema):
    key: str
    kind: str
    name_ja: str
    name_en: str
    prefecture: str
    latitude: Decimal | None
    longitude: Decimal | None
    programs: int
    page_url: str | None


class ContentOut(Schema):
    id: int
    provider: str
    provider_name_ja: str
    provider_name_en: str
    code: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    kind: str
    licence: str
    url: str
    mdash_units: list[ConceptRef]
    curricula: list[str]
    status: str
    is_sample: bool

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return obj.provider.key

    @staticmethod
    def resolve_provider_name_ja(obj: Any) -> str:
        return obj.provider.name_ja

    @staticmethod
    def resolve_provider_name_en(obj: Any) -> str:
        return obj.provider.name_en

    @staticmethod
    def resolve_mdash_units(obj: Any) -> list:
        return list(obj.mdash_units.all())

    @staticmethod
    def resolve_curricula(obj: Any) -> list[str]:
        return sorted({unit.curriculum.key for unit in obj.curriculum_units.all()})


class ProgramRef(Schema):
    provider: str
    code: str
    title_ja: str
    title_en: str
    is_sample: bool

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return obj.provider.key


class ContentRef(Schema):
    id: int
    provider: str
    code: str
    title_ja: str
    title_en: str
    licence: str
    is_sample: bool

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return obj.provider.key


class CurriculumUnitOut(Schema):
    order: int
    concept: ConceptRef
    title_ja: str
    title_en: str
    programs: list[ProgramRef]
    contents: list[ContentRef]

    @staticmethod
    def resolve_programs(obj: Any) -> list:
        return list(obj.programs.all())

    @staticmethod
    def resolve_contents(obj: Any) -> list:
        return list(obj.contents.all())


class CurriculumOut(Schema):
    network: str
    key: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    is_sample: bool
    units: list[CurriculumUnitOut]

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.network.key

    @staticmethod
    def resolve_units(obj: Any) -> list:
        return list(obj.units.all())


class ProviderPage(PageOut):
    items: list[ProviderOut]


class ContentPage(PageOut):
    items: list[ContentOut]


class CurriculumPage(PageOut):
    items: list[CurriculumOut]

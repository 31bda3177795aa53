"""Output schemas of the v1 API. Both languages are always present; nothing is translated on the fly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from renkei.api.paging import PageOut


class IdentifierOut(Schema):
    scheme: str
    value: str


class OrganisationSummary(Schema):
    key: str
    kind: str
    name_ja: str
    name_en: str
    code: str


class OrganisationOut(OrganisationSummary):
    name_kana: str
    short_name_ja: str
    short_name_en: str
    parent: str | None
    country: str
    prefecture: str
    municipality_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    website: str
    identifiers: list[IdentifierOut]
    sources: list[str]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.key if obj.parent_id else None

    @staticmethod
    def resolve_sources(obj) -> list[str]:
        return [source.code for source in obj.sources.all()]


class OrganisationDetailOut(OrganisationOut):
    units: list[OrganisationSummary]
    components: list[OrganisationSummary]

    @staticmethod
    def resolve_components(obj) -> list:
        return [component.member for component in obj.components.all()]


class NetworkSummary(Schema):
    key: str
    kind: str
    name_ja: str
    name_en: str


class DeclaredCountOut(Schema):
    subject: str
    label_ja: str
    label_en: str
    value: int
    as_of: dt.date | None


class NetworkOut(NetworkSummary):
    short_name_ja: str
    short_name_en: str
    description_ja: str
    description_en: str
    founded_on: str | None = Field(
        description="As precise as known: YYYY-MM-DD, or YYYY-MM when only the month is stated."
    )
    founded_precision: str
    website: str
    member_count: int
    declared_counts: list[DeclaredCountOut]
    sources: list[str]

    @staticmethod
    def resolve_sources(obj) -> list[str]:
        return [source.code for source in obj.sources.all()]

    @staticmethod
    def resolve_founded_on(obj) -> str | None:
        return obj.founded_iso


class MembershipOut(Schema):
    id: int
    network: str
    organisation: OrganisationSummary
    role: str
    category_ja: str
    category_en: str
    on_behalf_of: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    source: str | None

    @staticmethod
    def resolve_network(obj) -> str:
        return obj.network.key

    @staticmethod
    def resolve_on_behalf_of(obj) -> str | None:
        return obj.on_behalf_of.key if obj.on_behalf_of_id else None

    @staticmethod
    def resolve_source(obj) -> str | None:
        return obj.source.code if obj.source_id else None


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


class NetworkPage(PageOut):
    items: list[NetworkOut]


class MembershipPage(PageOut):
    items: list[MembershipOut]

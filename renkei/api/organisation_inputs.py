"""What a client sends to write the registry of organisations (see `renkei.api.catalog_inputs`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from renkei.api.catalog_inputs import (
    Latitude,
    Longitude,
    LongText,
    MunicipalityCode,
    PrefectureCode,
    ShortText,
    WriteSchema,
)
from renkei.core.params import Optional, choice, pattern, text
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationKey as Key

Name = Annotated[str, *text(max_chars=300), Field(min_length=1)]
ShortName = Annotated[str, *text(max_chars=100)]
UnitCode = Annotated[str, *text(max_chars=30)]
Country = Annotated[
    str, *pattern(r"(?:[A-Z]{2})?", max_chars=2, description="ISO 3166-1 alpha-2 (upper case), or empty.")
]
Note = Annotated[str, *text(max_chars=200)]
Website = Annotated[str, *text(max_chars=200)]
OrganisationKind = Annotated[str, *choice(Organisation.Kind.values)]


class OrganisationChanges(WriteSchema):
    """An organisation's members; in a PATCH, those given are changed and the others kept. Moving a
    unit to another parent takes an administrator of both parents."""

    kind: OrganisationKind | Optional = None
    name_ja: Name | Optional = Field(None, examples=["山形大学"])
    name_en: ShortText | Optional = None
    name_kana: ShortText | Optional = None
    short_name_ja: ShortName | Optional = None
    short_name_en: ShortName | Optional = None
    code: UnitCode | Optional = Field(None, description="A short code, e.g. the unit code 法.")
    parent: Key | None = Field(None, description="Key of the parent organisation (for a unit).")
    country: Country | Optional = None
    prefecture: PrefectureCode | Optional = None
    municipality_code: MunicipalityCode | Optional = None
    address_ja: ShortText | Optional = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    location_note: Note | Optional = None
    website: Website | Optional = Field(None, description="An http(s) URL, or empty.")
    note_ja: LongText | Optional = None
    note_en: LongText | Optional = None


class OrganisationIn(OrganisationChanges):
    """A new organisation (a unit when `parent` is given): its key, kind and Japanese name are required."""

    key: Key = Field(
        description="Stable key: lower case, digits, '.', '_', '-'; a unit's is <parent>.<unit>."
    )
    kind: OrganisationKind
    name_ja: Name = Field(examples=["山形大学"])

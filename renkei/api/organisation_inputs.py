"""What a client sends to write the registry of organisations (see `renkei.api.catalog_inputs`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from renkei.api.catalog_inputs import Latitude, Longitude, LongText, MunicipalityCode, ShortText, WriteSchema
from renkei.core.params import Choice, Pattern, Text
from renkei.organisations.models import Organisation, Prefecture
from renkei.organisations.params import OrganisationKey

Name = Annotated[Text(max_chars=300), Field(min_length=1)]
Country = Pattern(r"(?:[A-Z]{2})?", max_chars=2, description="ISO 3166-1 alpha-2 (upper case), or empty.")


class OrganisationChanges(WriteSchema):
    """An organisation's members; in a PATCH, those given are changed and the others kept. Moving a
    unit to another parent takes an administrator of both parents."""

    kind: Choice(Organisation.Kind.values) = None
    name_ja: Name = Field(None, examples=["山形大学"])
    name_en: ShortText = None
    name_kana: ShortText = None
    short_name_ja: Text(max_chars=100) = None
    short_name_en: Text(max_chars=100) = None
    code: Text(max_chars=30) = Field(None, description="A short code, e.g. the unit code 法.")
    parent: OrganisationKey | None = Field(None, description="Key of the parent organisation (for a unit).")
    country: Country = None
    prefecture: Choice(["", *Prefecture.values]) = None
    municipality_code: MunicipalityCode = None
    address_ja: ShortText = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    location_note: Text(max_chars=200) = None
    website: Text(max_chars=200) = Field(None, description="An http(s) URL, or empty.")
    note_ja: LongText = None
    note_en: LongText = None


class OrganisationIn(OrganisationChanges):
    """A new organisation (a unit when `parent` is given): its key, kind and Japanese name are required."""

    key: OrganisationKey = Field(
        description="Stable key: lower case, digits, '.', '_', '-'; a unit's is <parent>.<unit>."
    )
    kind: Choice(Organisation.Kind.values)
    name_ja: Name = Field(examples=["山形大学"])

"""What a client sends to write programs and runs: each member bounded as the model bounds it, so
that a generated client knows the limits. The services check the rest (the policy, the rules across
fields, the references), and a 422 names each member that cannot be saved.

A member a PATCH may leave out is `<type> | Optional = None`: absent means "keep", and the document
does not offer null (`Optional` is left out of the JSON Schema); a member that may be emptied is
`<type> | None`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from renkei.catalog.models import Program, Status
from renkei.catalog.params import ProgramCode
from renkei.core.params import Optional, choice, pattern, text
from renkei.networks.params import NetworkKey
from renkei.organisations.models import Prefecture
from renkei.organisations.params import OrganisationKey

MAX_TEXT = 20_000  # the long texts (descriptions): TextField has no limit, a request does

Title = Annotated[str, *text(max_chars=300), Field(min_length=1)]
ShortText = Annotated[str, *text(max_chars=300)]
VenueText = Annotated[str, *text(max_chars=200)]
LongText = Annotated[str, *text(max_chars=MAX_TEXT)]
ConceptCode = Annotated[
    str, *pattern(r"[^\s\x00](?:[^\x00]{0,198}[^\s\x00])?", max_chars=200, description="A concept's code.")
]
MunicipalityCode = Annotated[str, *pattern(r"(?:[0-9]{5})?", max_chars=5, description="5 digits, or empty.")]
Url = Annotated[str, *text(max_chars=500, description="An http(s) URL, or empty.")]
Email = Annotated[str, *text(max_chars=254)]
Phone = Annotated[str, *text(max_chars=40)]
ProgramKind = Annotated[str, *choice(Program.Kind.values)]
Audience = Annotated[str, *choice(Program.Audience.values)]
Level = Annotated[str, *choice(["", *Program.Level.values])]
Mode = Annotated[str, *choice(Program.Mode.values)]
Language = Annotated[str, *choice(Program.Language.values)]
PrefectureCode = Annotated[str, *choice(["", *Prefecture.values])]
ProgramStatus = Annotated[str, *choice(Status.values)]
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
Hours = Annotated[Decimal, Field(ge=0, le=20_000, max_digits=7, decimal_places=1)]
Yen = Annotated[int, Field(ge=0, le=100_000_000)]
Capacity = Annotated[int, Field(ge=0, le=100_000)]
Sessions = Annotated[int, Field(ge=0, le=1_000)]
Key = OrganisationKey
NetKey = NetworkKey
Code = ProgramCode


class WriteSchema(Schema):
    """Unknown members are refused (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")

    def given(self) -> dict[str, Any]:
        """The members the request gave (a PATCH changes only those)."""
        return self.model_dump(exclude_unset=True)


class ProgramChanges(WriteSchema):
    """A program's members; in a PATCH, those given are changed and the others kept."""

    unit: Key | None = Field(None, description="Key of the unit (of the provider) that runs it.")
    title_ja: Title | Optional = Field(None, examples=["データ分析入門"])
    title_en: ShortText | Optional = None
    summary_ja: LongText | Optional = None
    summary_en: LongText | Optional = None
    description_ja: LongText | Optional = None
    description_en: LongText | Optional = None
    kind: ProgramKind | Optional = None
    audiences: Annotated[list[Audience], Field(max_length=6)] | Optional = None
    fields: Annotated[list[ConceptCode], Field(max_length=50)] | Optional = Field(
        None, description="Codes of field concepts (kind field)."
    )
    skills: Annotated[list[ConceptCode], Field(max_length=50)] | Optional = Field(
        None, description="Codes of concepts."
    )
    level: Level | Optional = None
    mode: Mode | Optional = None
    language: Language | Optional = None
    venue_name_ja: VenueText | Optional = None
    venue_name_en: VenueText | Optional = None
    venue_address_ja: ShortText | Optional = None
    prefecture: PrefectureCode | Optional = None
    municipality_code: MunicipalityCode | Optional = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    fee_yen: Yen | None = Field(None, description="0 = free; null = unknown.")
    capacity: Capacity | None = None
    hours_total: Hours | None = None
    subsidy_kyouiku_kunren: bool | Optional = None
    subsidy_note_ja: ShortText | Optional = None
    subsidy_note_en: ShortText | Optional = None
    url: Url | Optional = None
    contact_email: Email | Optional = None
    contact_phone: Phone | Optional = None
    status: ProgramStatus | Optional = None
    shared_with: Annotated[list[NetKey], Field(max_length=20)] | Optional = Field(
        None, description="Keys of the networks whose secretariats may see it while it is a draft."
    )


class ProgramIn(ProgramChanges):
    """A new program: its provider and code (its key in URLs) and its Japanese title are required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "provider": "tohoku-u",
                    "code": "DS-INTRO-2031",
                    "title_ja": "データ分析入門",
                    "title_en": "Introduction to Data Analysis",
                    "mode": "online",
                    "status": "draft",
                }
            ]
        },
    )

    provider: Key = Field(description="Key of the organisation that offers it.")
    code: Code
    title_ja: Title = Field(examples=["データ分析入門"])


class RunChanges(WriteSchema):
    starts_on: dt.date | Optional = Field(None, examples=["2031-04-01"])
    ends_on: dt.date | None = Field(None, examples=["2031-07-31"], description="On or after starts_on.")
    application_deadline: dt.date | None = Field(
        None, examples=["2031-03-15"], description="On or before starts_on."
    )
    sessions: Sessions | None = None
    hours: Hours | None = None
    note_ja: ShortText | Optional = None
    note_en: ShortText | Optional = None


class RunIn(RunChanges):
    starts_on: dt.date = Field(examples=["2031-04-01"])

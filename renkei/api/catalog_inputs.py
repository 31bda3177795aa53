"""What a client sends to write programs and runs: each member bounded as the model bounds it, so
that a generated client knows the limits. The services check the rest (the policy, the rules across
fields, the references), and a 422 names each member that cannot be saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from renkei.catalog.models import Program, Status
from renkei.catalog.params import ProgramCode
from renkei.core.params import Choice, Pattern, Text
from renkei.networks.params import NetworkKey
from renkei.organisations.models import Prefecture
from renkei.organisations.params import OrganisationKey

MAX_TEXT = 20_000  # the long texts (descriptions): TextField has no limit, a request does

Title = Annotated[Text(max_chars=300), Field(min_length=1)]
ShortText = Text(max_chars=300)
LongText = Text(max_chars=MAX_TEXT)
ConceptCode = Pattern(
    r"[^\s\x00](?:[^\x00]{0,198}[^\s\x00])?", max_chars=200, description="A concept's code."
)
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
Hours = Annotated[Decimal, Field(ge=0, le=20_000, max_digits=7, decimal_places=1)]
Yen = Annotated[int, Field(ge=0, le=100_000_000)]
Capacity = Annotated[int, Field(ge=0, le=100_000)]
Sessions = Annotated[int, Field(ge=0, le=1_000)]
MunicipalityCode = Pattern(r"(?:[0-9]{5})?", max_chars=5, description="5 digits, or empty.")
Url = Annotated[Text(max_chars=500), Field(description="An http(s) URL, or empty.")]


class WriteSchema(Schema):
    """Unknown members are refused (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")

    def given(self) -> dict[str, Any]:
        """The members the request gave (a PATCH changes only those)."""
        return self.model_dump(exclude_unset=True)


class ProgramChanges(WriteSchema):
    """A program's members; in a PATCH, those given are changed and the others kept."""

    unit: OrganisationKey | None = Field(None, description="Key of the unit (of the provider) that runs it.")
    title_ja: Title = Field(None, examples=["データ分析入門"])
    title_en: ShortText = None
    summary_ja: LongText = None
    summary_en: LongText = None
    description_ja: LongText = None
    description_en: LongText = None
    kind: Choice(Program.Kind.values) = None
    audiences: Annotated[list[Choice(Program.Audience.values)], Field(max_length=6)] = None
    fields: Annotated[list[ConceptCode], Field(max_length=50)] = Field(
        None, description="Codes of field concepts (kind field)."
    )
    skills: Annotated[list[ConceptCode], Field(max_length=50)] = Field(None, description="Codes of concepts.")
    level: Choice(["", *Program.Level.values]) = None
    mode: Choice(Program.Mode.values) = None
    language: Choice(Program.Language.values) = None
    venue_name_ja: Text(max_chars=200) = None
    venue_name_en: Text(max_chars=200) = None
    venue_address_ja: ShortText = None
    prefecture: Choice(["", *Prefecture.values]) = None
    municipality_code: MunicipalityCode = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    fee_yen: Yen | None = Field(None, description="0 = free; null = unknown.")
    capacity: Capacity | None = None
    hours_total: Hours | None = None
    subsidy_kyouiku_kunren: bool = None
    subsidy_note_ja: ShortText = None
    subsidy_note_en: ShortText = None
    url: Url = None
    contact_email: Text(max_chars=254) = None
    contact_phone: Text(max_chars=40) = None
    status: Choice(Status.values) = None
    shared_with: Annotated[list[NetworkKey], Field(max_length=20)] = Field(
        None, description="Keys of the networks whose secretariats may see it while it is a draft."
    )


class ProgramIn(ProgramChanges):
    """A new program: its provider and code (its key in URLs) and its Japanese title are required."""

    provider: OrganisationKey = Field(description="Key of the organisation that offers it.")
    code: ProgramCode
    title_ja: Title = Field(examples=["データ分析入門"])


class RunChanges(WriteSchema):
    starts_on: dt.date = Field(None, examples=["2031-04-01"])
    ends_on: dt.date | None = Field(None, examples=["2031-07-31"], description="On or after starts_on.")
    application_deadline: dt.date | None = Field(
        None, examples=["2031-03-15"], description="On or before starts_on."
    )
    sessions: Sessions | None = None
    hours: Hours | None = None
    note_ja: ShortText = None
    note_en: ShortText = None


class RunIn(RunChanges):
    starts_on: dt.date = Field(examples=["2031-04-01"])

"""What a client sends to write memberships and meetings (see `renkei.api.catalog_inputs`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from renkei.api.catalog_inputs import LongText, WriteSchema
from renkei.core.params import Optional, choice, text
from renkei.networks.models import Membership
from renkei.networks.params import BodyKey, NetworkKey
from renkei.organisations.params import OrganisationKey

Role = Annotated[str, *choice(Membership.Role.values, description="Role in the network.")]
Category = Annotated[str, *text(max_chars=100)]
Note = Annotated[str, *text(max_chars=300)]
MeetingTitle = Annotated[str, *text(max_chars=300), Field(min_length=1)]
MeetingTitleEn = Annotated[str, *text(max_chars=300)]
Place = Annotated[str, *text(max_chars=200)]


class MembershipChanges(WriteSchema):
    """A membership's members; in a PATCH, those given are changed and the others kept. A membership
    is ended by giving its `end_date`."""

    role: Role | Optional = None
    on_behalf_of: OrganisationKey | None = Field(
        None, description="Key of the organisation it is held on behalf of (e.g. a university's group)."
    )
    category_ja: Category | Optional = None
    category_en: Category | Optional = None
    start_date: dt.date | None = Field(None, examples=["2031-04-01"])
    end_date: dt.date | None = Field(None, examples=["2032-03-31"], description="On or after start_date.")
    note_ja: Note | Optional = None
    note_en: Note | Optional = None


class MembershipIn(MembershipChanges):
    """A new membership of an organisation in a network, written by the network's secretariat."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "network": "tohoku-sosei-alliance",
                    "organisation": "utokyo",
                    "role": "observer",
                    "start_date": "2031-04-01",
                }
            ]
        },
    )

    network: NetworkKey = Field(description="Key of the network.")
    organisation: OrganisationKey = Field(description="Key of the member organisation.")


class MeetingChanges(WriteSchema):
    """A meeting's members; in a PATCH, those given are changed and the others kept."""

    title_ja: MeetingTitle | Optional = Field(None, examples=["第1回運営協議会"])
    title_en: MeetingTitleEn | Optional = None
    held_on: dt.date | Optional = Field(None, examples=["2031-06-01"])
    location_ja: Place | Optional = None
    location_en: Place | Optional = None
    is_public: bool | Optional = Field(None, description="true: everyone sees it; false: members only.")
    minutes_ja: LongText | Optional = None
    minutes_en: LongText | Optional = None


class MeetingIn(MeetingChanges):
    """A new meeting of a network's body, written by the network's secretariat."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "network": "tohoku-sosei-alliance",
                    "body": "steering-council",
                    "title_ja": "第1回運営協議会",
                    "held_on": "2031-06-01",
                    "is_public": True,
                }
            ]
        },
    )

    network: NetworkKey = Field(description="Key of the network.")
    body: BodyKey = Field(description="Key of the body within the network.")
    title_ja: MeetingTitle = Field(examples=["第1回運営協議会"])
    held_on: dt.date = Field(examples=["2031-06-01"])

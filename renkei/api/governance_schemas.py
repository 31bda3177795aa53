"""Schemas of the networks' governance records in the API: bodies, posts (with terms of office),
documents (with their versions) and meetings. Both languages are always present."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from renkei.api.paging import PageOut
from renkei.api.schemas import OrganisationSummary


def _source(obj: Any) -> str | None:
    return obj.source.code if obj.source_id else None


class ParticipantOut(Schema):
    organisation: OrganisationSummary
    role: str
    responsibilities_ja: str
    responsibilities_en: str


class BodyOut(Schema):
    network: str
    key: str
    kind: str
    name_ja: str
    name_en: str
    purpose_ja: str
    purpose_en: str
    reports_to_body: str | None = Field(description="Key of the body it reports to, in the same network.")
    reports_to_post: int | None = Field(description="Id of the post it reports to.")
    hosted_by: str | None = Field(description="Key of the organisation that hosts it.")
    established_on: dt.date | None
    is_provisional_name: bool
    participants: list[ParticipantOut]
    source: str | None

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.network.key

    @staticmethod
    def resolve_reports_to_body(obj: Any) -> str | None:
        return obj.reports_to_body.key if obj.reports_to_body_id else None

    @staticmethod
    def resolve_reports_to_post(obj: Any) -> int | None:
        return obj.reports_to_post_id

    @staticmethod
    def resolve_hosted_by(obj: Any) -> str | None:
        return obj.hosted_by.key if obj.hosted_by_id else None

    @staticmethod
    def resolve_participants(obj: Any) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_source(obj: Any) -> str | None:
        return _source(obj)


class TenureOut(Schema):
    person_ja: str | None
    person_en: str | None
    on_behalf_of: str
    start_date: dt.date | None
    end_date: dt.date | None

    @staticmethod
    def resolve_person_ja(obj: Any) -> str | None:
        return obj.person.name_ja if obj.person_id else None

    @staticmethod
    def resolve_person_en(obj: Any) -> str | None:
        return obj.person.name_en if obj.person_id else None

    @staticmethod
    def resolve_on_behalf_of(obj: Any) -> str:
        return obj.on_behalf_of.key


class PostOut(Schema):
    id: int
    network: str
    body: str
    role: str
    label_ja: str
    label_en: str
    selection: str
    duties_ja: str
    duties_en: str
    seats: int | None
    seats_note_ja: str
    seats_note_en: str
    tenures: list[TenureOut] = Field(description="Terms of office, the latest first.")
    source: str | None

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.body.network.key

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return obj.body.key

    @staticmethod
    def resolve_tenures(obj: Any) -> list:
        return list(obj.tenures.all())

    @staticmethod
    def resolve_source(obj: Any) -> str | None:
        return _source(obj)


class VersionOut(Schema):
    number: int
    adopted_on: dt.date | None
    effective_from: dt.date | None
    change_summary: str
    source: str | None

    @staticmethod
    def resolve_source(obj: Any) -> str | None:
        return _source(obj)


class VersionTextOut(VersionOut):
    text_ja: str
    text_en: str


class DocumentOut(Schema):
    id: int
    network: str
    kind: str
    title_ja: str
    title_en: str
    versions: list[VersionOut] = Field(description="Versions, the latest first (the text is in the detail).")

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.network.key

    @staticmethod
    def resolve_versions(obj: Any) -> list:
        return list(obj.versions.all())


class DocumentDetailOut(DocumentOut):
    versions: list[VersionTextOut] = Field(description="Versions with their text, the latest first.")  # type: ignore[assignment]


class MeetingOut(Schema):
    id: int
    network: str
    body: str
    title_ja: str
    title_en: str
    held_on: dt.date
    location_ja: str
    location_en: str
    is_public: bool
    source: str | None

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.body.network.key

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return obj.body.key

    @staticmethod
    def resolve_source(obj: Any) -> str | None:
        return _source(obj)


class AgendaItemOut(Schema):
    number: int
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str


class DecisionOut(Schema):
    agenda_item: int | None = Field(description="Number of the agenda item decided.")
    text_ja: str
    text_en: str
    outcome: str

    @staticmethod
    def resolve_agenda_item(obj: Any) -> int | None:
        return obj.agenda_item.number if obj.agenda_item_id else None


class AttendanceOut(Schema):
    organisation: str
    attendees: int | None

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return obj.organisation.key


class MeetingDetailOut(MeetingOut):
    minutes_ja: str
    minutes_en: str
    agenda_items: list[AgendaItemOut]
    decisions: list[DecisionOut]
    attendances: list[AttendanceOut]

    @staticmethod
    def resolve_agenda_items(obj: Any) -> list:
        return list(obj.agenda_items.all())

    @staticmethod
    def resolve_decisions(obj: Any) -> list:
        return list(obj.decisions.all())

    @staticmethod
    def resolve_attendances(obj: Any) -> list:
        return list(obj.attendances.all())


class BodyPage(PageOut):
    items: list[BodyOut]


class PostPage(PageOut):
    items: list[PostOut]


class DocumentPage(PageOut):
    items: list[DocumentOut]


class MeetingPage(PageOut):
    items: list[MeetingOut]

"""The typed, Django-free description of what Renkei says in EWP documents.

The builders (`renkei.formats.ewp.build`) turn these into XML; the adapters (`registry.py`,
`agreements.py`) fill them from the database. Field names follow the EWP elements they become.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class Text:
    """A string with an optional language tag (EWP `StringWithOptionalLang`)."""

    value: str
    lang: str = ""


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...] = ()
    postal_code: str = ""
    locality: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class Contact:
    """EWP types-contact v1 (the subset Renkei knows: names, email, role)."""

    names: tuple[Text, ...] = ()
    given_names: tuple[Text, ...] = ()
    family_names: tuple[Text, ...] = ()
    email: str = ""
    role: tuple[Text, ...] = ()


@dataclass(frozen=True)
class OtherId:
    type: str
    value: str


@dataclass(frozen=True)
class Hei:
    """One institution of the Institutions API v2."""

    hei_id: str
    names: tuple[Text, ...]
    other_ids: tuple[OtherId, ...] = ()
    abbreviation: str = ""
    street_address: Address | None = None
    websites: tuple[Text, ...] = ()
    ounit_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OUnit:
    """One organisational unit of the Organizational Units API v2."""

    ounit_id: str
    ounit_code: str
    names: tuple[Text, ...]
    abbreviation: str = ""
    parent_ounit_id: str = ""
    street_address: Address | None = None
    websites: tuple[Text, ...] = ()


@dataclass(frozen=True)
class InformationEntry:
    email: str
    phone_e164: str
    websites: tuple[Text, ...]


@dataclass(frozen=True)
class Requirement:
    name: str
    details: str
    websites: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Factsheet:
    """One HEI's mobility factsheet (Factsheet API v1). Every field the XSD requires is required here:
    a factsheet is only built for an HEI whose facts are all known."""

    hei_id: str
    nominations_autumn: tuple[int, int]  # (month, day)
    nominations_spring: tuple[int, int]
    applications_autumn: tuple[int, int]
    applications_spring: tuple[int, int]
    application_info: InformationEntry
    decision_weeks_limit: int
    tor_weeks_limit: int
    housing_info: InformationEntry
    visa_info: InformationEntry
    insurance_info: InformationEntry
    additional_requirements: tuple[Requirement, ...] = ()


class MobilityKind(StrEnum):
    """The four cooperation-condition kinds of IIA v7 (also their element names)."""

    STUDENT_STUDIES = "student-studies-mobility-spec"
    STUDENT_TRAINEESHIP = "student-traineeship-mobility-spec"
    STAFF_TEACHER = "staff-teacher-mobility-spec"
    STAFF_TRAINING = "staff-training-mobility-spec"

    @property
    def is_student(self) -> bool:
        return self in (MobilityKind.STUDENT_STUDIES, MobilityKind.STUDENT_TRAINEESHIP)


@dataclass(frozen=True)
class LanguageSkill:
    language: str  # BCP 47, e.g. "en", "ja"
    cefr_level: str = ""  # A1…C2


@dataclass(frozen=True)
class SubjectArea:
    isced_f_code: str  # four digits (ISCED-F 2013)
    clarification: str = ""


@dataclass(frozen=True)
class MobilitySpec:
    """One unidirectional cooperation condition of an IIA v7."""

    kind: MobilityKind
    sending_hei_id: str
    receiving_hei_id: str
    first_academic_year: str  # "2025/2026"
    last_academic_year: str
    mobilities_per_year: int | None  # None: not yet defined (EWP's not-yet-defined attribute)
    sending_ounit_id: str = ""
    receiving_ounit_id: str = ""
    language_skills: tuple[LanguageSkill, ...] = ()  # none: one "not yet defined" where the XSD needs one
    subject_areas: tuple[SubjectArea, ...] = ()
    other_info_terms: str = ""
    total_months_per_year: Decimal | None = None  # students
    blended: bool = False  # students
    eqf_levels: tuple[int, ...] = ()  # student studies
    total_days_per_year: Decimal | None = None  # staff


@dataclass(frozen=True)
class IiaPartner:
    hei_id: str
    iia_id: str = ""
    iia_code: str = ""
    ounit_id: str = ""
    signing_contact: Contact | None = None
    signing_date: dt.date | None = None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Iia:
    """An inter-institutional agreement as one partner (the first) states it (IIA API v7)."""

    partners: tuple[IiaPartner, IiaPartner]
    in_effect: bool
    conditions: tuple[MobilitySpec, ...] = field(default_factory=tuple)
    terminated_as_a_whole: bool = False
    pdf_file: str = ""
    is_sample: bool = False  # invented for the demo: the document says so in a comment

    @property
    def iia_id(self) -> str:
        return self.partners[0].iia_id


@dataclass(frozen=True)
class Approval:
    """An approval of the partner's copy of an IIA: its id (as the partner numbers it) and the hash of
    the cooperation conditions approved (IIA Approval API v2)."""

    iia_id: str
    iia_hash: str
    pdf_file: str = ""

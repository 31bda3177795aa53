"""Build EWP response documents from the typed description in `model.py` (Django-free).

Element order follows the XSDs exactly (they are sequences). Each builder returns the root element;
`to_bytes` serialises it as UTF-8 with an XML declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from renkei.formats.ewp import iia_hash
from renkei.formats.ewp.model import (
    Address,
    Approval,
    Contact,
    Factsheet,
    Hei,
    Iia,
    InformationEntry,
    MobilityKind,
    MobilitySpec,
    OUnit,
    Text,
)

GH = "https://github.com/erasmus-without-paper"
NS = {
    "institutions": f"{GH}/ewp-specs-api-institutions/tree/stable-v2",
    "ounits": f"{GH}/ewp-specs-api-ounits/tree/stable-v2",
    "factsheet": f"{GH}/ewp-specs-api-factsheet/tree/stable-v1",
    "iias": f"{GH}/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd",
    "approval": f"{GH}/ewp-specs-api-iias-approval/tree/stable-v2",
    "ewp": f"{GH}/ewp-specs-architecture/blob/stable-v1/common-types.xsd",
    "a": f"{GH}/ewp-specs-types-address/tree/stable-v1",
    "c": f"{GH}/ewp-specs-types-contact/tree/stable-v1",
    "p": f"{GH}/ewp-specs-types-phonenumber/tree/stable-v1",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Doc:
    """A small writer bound to one default namespace."""

    def __init__(self, default: str, *prefixes: str) -> None:
        self.ns = NS[default]
        self.nsmap: dict[str | None, str] = {None: self.ns, **{p: NS[p] for p in prefixes}}

    def root(self, name: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{name}", nsmap=self.nsmap)

    def add(
        self, parent: etree._Element, name: str, text: object = None, *, ns: str = "", lang: str = ""
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{NS[ns] if ns else self.ns}}}{name}")
        if text is not None:
            element.text = _text(text)
        if lang:
            element.set(XML_LANG, lang)
        return element

    def texts(self, parent: etree._Element, name: str, values: Iterable[Text], *, ns: str = "") -> None:
        for value in values:
            self.add(parent, name, value.value, ns=ns, lang=value.lang)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _address(doc: _Doc, parent: etree._Element, name: str, address: Address | None) -> None:
    if address is None:
        return
    element = doc.add(parent, name, ns="a")
    for line in address.lines[:4]:
        doc.add(element, "addressLine", line, ns="a")
    for tag, value in (
        ("postalCode", address.postal_code),
        ("locality", address.locality),
        ("region", address.region),
        ("country", address.country),
    ):
        if value:
            doc.add(element, tag, value, ns="a")


def _contact(doc: _Doc, parent: etree._Element, name: str, contact: Contact, *, ns: str = "") -> None:
    element = doc.add(parent, name, ns=ns)
    doc.texts(element, "contact-name", contact.names, ns="c")
    doc.texts(element, "person-given-names", contact.given_names, ns="c")
    doc.texts(element, "person-family-name", contact.family_names, ns="c")
    if contact.email:
        doc.add(element, "email", contact.email, ns="c")
    doc.texts(element, "role-description", contact.role, ns="c")


# --- Institutions API v2 ------------------------------------------------------------------------------


def institutions_response(heis: Iterable[Hei]) -> etree._Element:
    doc = _Doc("institutions", "a", "c")
    root = doc.root("institutions-response")
    for hei in heis:
        element = doc.add(root, "hei")
        doc.add(element, "hei-id", hei.hei_id)
        for other in hei.other_ids:
            doc.add(element, "other-id", other.value).set("type", other.type)
        doc.texts(element, "name", hei.names)
        if hei.abbreviation:
            doc.add(element, "abbreviation", hei.abbreviation)
        _address(doc, element, "street-address", hei.street_address)
        doc.texts(element, "website-url", hei.websites)
        for ounit_id in hei.ounit_ids:
            doc.add(element, "ounit-id", ounit_id)
    return root


# --- Organizational Units API v2 ------------------------------------------------------------------------


def ounits_response(ounits: Iterable[OUnit]) -> etree._Element:
    doc = _Doc("ounits", "a", "c")
    root = doc.root("ounits-response")
    for ounit in ounits:
        element = doc.add(root, "ounit")
        doc.add(element, "ounit-id", ounit.ounit_id)
        doc.add(element, "ounit-code", ounit.ounit_code)
        doc.texts(element, "name", ounit.names)
        if ounit.abbreviation:
            doc.add(element, "abbreviation", ounit.abbreviation)
        if ounit.parent_ounit_id:
            doc.add(element, "parent-ounit-id", ounit.parent_ounit_id)
        _address(doc, element, "street-address", ounit.street_address)
        doc.texts(element, "website-url", ounit.websites)
    return root


# --- Factsheet API v1 -----------------------------------------------------------------------------------


def _information(doc: _Doc, parent: etree._Element, name: str, info: InformationEntry) -> None:
    element = doc.add(parent, name)
    doc.add(element, "email", info.email)
    phone = doc.add(element, "phone-number", ns="p")
    doc.add(phone, "e164", info.phone_e164, ns="p")
    doc.texts(element, "website-url", info.websites)


def _month_day(value: tuple[int, int]) -> str:
    return f"--{value[0]:02d}-{value[1]:02d}"


def factsheet_response(factsheets: Iterable[Factsheet]) -> etree._Element:
    doc = _Doc("factsheet", "p")
    root = doc.root("factsheet-response")
    for sheet in factsheets:
        element = doc.add(root, "factsheet")
        doc.add(element, "hei-id", sheet.hei_id)
        calendar = doc.add(element, "calendar")
        for name, (autumn, spring) in (
            ("student-nominations", (sheet.nominations_autumn, sheet.nominations_spring)),
            ("student-applications", (sheet.applications_autumn, sheet.applications_spring)),
        ):
            entry = doc.add(calendar, name)
            doc.add(entry, "autumn-term", _month_day(autumn))
            doc.add(entry, "spring-term", _month_day(spring))
        _information(doc, element, "application-info", sheet.application_info)
        for requirement in sheet.additional_requirements:
            item = doc.add(element, "additional-requirement")
            doc.add(item, "name", requirement.name)
            doc.add(item, "details", requirement.details)
            doc.texts(item, "information-website", requirement.websites)
        doc.add(element, "decision-weeks-limit", sheet.decision_weeks_limit)
        doc.add(element, "tor-weeks-limit", sheet.tor_weeks_limit)
        _information(doc, element, "housing-info", sheet.housing_info)
        _information(doc, element, "visa-info", sheet.visa_info)
        _information(doc, element, "insurance-info", sheet.insurance_info)
    return root


# --- IIAs API v7 (get) and IIA Approval API v2 -------------------------------------------------------------


def _mobility(doc: _Doc, parent: etree._Element, spec: MobilitySpec) -> None:
    element = doc.add(parent, spec.kind.value)
    doc.add(element, "sending-hei-id", spec.sending_hei_id)
    if spec.sending_ounit_id:
        doc.add(element, "sending-ounit-id", spec.sending_ounit_id)
    doc.add(element, "receiving-hei-id", spec.receiving_hei_id)
    if spec.receiving_ounit_id:
        doc.add(element, "receiving-ounit-id", spec.receiving_ounit_id)
    doc.add(element, "receiving-first-academic-year-id", spec.first_academic_year)
    doc.add(element, "receiving-last-academic-year-id", spec.last_academic_year)
    # Not yet defined: EWP v7 flags the element (the hash leaves it out and such an
    # IIA is not valid for approval); the XSD still wants a value, so a neutral one is written:
    # 1 place, the language "und" (BCP 47: undetermined).
    places = doc.add(element, "mobilities-per-year", spec.mobilities_per_year or 1)
    if spec.mobilities_per_year is None:
        places.set("not-yet-defined", "true")
    for skill in spec.language_skills:
        item = doc.add(element, "recommended-language-skill")
        doc.add(item, "language", skill.language)
        if skill.cefr_level:
            doc.add(item, "cefr-level", skill.cefr_level)
    if not spec.language_skills and spec.kind in NEEDS_LANGUAGE:
        item = doc.add(element, "recommended-language-skill")
        item.set("not-yet-defined", "true")
        doc.add(item, "language", "und")
    for area in spec.subject_areas:
        item = doc.add(element, "subject-area")
        doc.add(item, "isced-f-code", area.isced_f_code)
        if area.clarification:
            doc.add(item, "isced-clarification", area.clarification)
    if spec.other_info_terms:
        doc.add(element, "other-info-terms", spec.other_info_terms)
    if spec.kind.is_student:
        if spec.total_months_per_year is not None:
            doc.add(element, "total-months-per-year", spec.total_months_per_year)
        doc.add(element, "blended", spec.blended)
        for level in spec.eqf_levels:
            doc.add(element, "eqf-level", level)
    elif spec.total_days_per_year is not None:
        doc.add(element, "total-days-per-year", spec.total_days_per_year)


NEEDS_LANGUAGE = frozenset({MobilityKind.STUDENT_STUDIES, MobilityKind.STAFF_TEACHER})  # XSD: minOccurs=1

ORDER = {
    kind: position
    for position, kind in enumerate(
        [
            "student-studies-mobility-spec",
            "student-traineeship-mobility-spec",
            "staff-teacher-mobility-spec",
            "staff-training-mobility-spec",
        ]
    )
}


SAMPLE_NOTE = (
    " Sample data (Renkei demo): not a real agreement. サンプルデータ（デモ用）: 実在の協定ではありません。 "
)


def _iia(doc: _Doc, parent: etree._Element, iia: Iia) -> etree._Element:
    element = doc.add(parent, "iia")
    if iia.is_sample:  # EWP has no element for it; a comment changes neither validity nor the hash
        element.append(etree.Comment(SAMPLE_NOTE))
    for partner in iia.partners:
        item = doc.add(element, "partner")
        doc.add(item, "hei-id", partner.hei_id)
        if partner.ounit_id:
            doc.add(item, "ounit-id", partner.ounit_id)
        if partner.iia_id:
            doc.add(item, "iia-id", partner.iia_id)
        if partner.iia_code:
            doc.add(item, "iia-code", partner.iia_code)
        if partner.signing_contact is not None:
            _contact(doc, item, "signing-contact", partner.signing_contact)
        if partner.signing_date is not None:
            doc.add(item, "signing-date", partner.signing_date.isoformat())
        for contact in partner.contacts:
            _contact(doc, item, "contact", contact, ns="c")
    doc.add(element, "in-effect", iia.in_effect)
    conditions = doc.add(element, "cooperation-conditions")
    if iia.terminated_as_a_whole:
        conditions.set("terminated-as-a-whole", "true")
    # the XSD is a sequence: all studies, then traineeships, teaching, training (stable within a kind)
    for spec in sorted(iia.conditions, key=lambda s: ORDER[s.kind.value]):
        _mobility(doc, conditions, spec)
    return element


def iias_get_response(iias: Iterable[Iia]) -> etree._Element:
    """The IIA get response, each IIA with its `iia-hash` computed as the specification defines it
    over that IIA alone (as a partner computes it from a response holding only that IIA)."""
    doc = _Doc("iias", "c")
    root = doc.root("iias-get-response")
    for iia in iias:
        single = doc.root("iias-get-response")
        _iia(doc, single, iia)
        digest = iia_hash.hashes(single)[0]
        element = _iia(doc, root, iia)
        doc.add(element, "iia-hash", digest)
        if iia.pdf_file:
            doc.add(element, "pdf-file", iia.pdf_file)
    return root


def iia_approval_response(approvals: Iterable[Approval]) -> etree._Element:
    doc = _Doc("approval")
    root = doc.root("iias-approval-response")
    for approval in approvals:
        element = doc.add(root, "approval")
        doc.add(element, "iia-id", approval.iia_id)
        doc.add(element, "iia-hash", approval.iia_hash)
        if approval.pdf_file:
            doc.add(element, "pdf-file", approval.pdf_file)
    return root


def error_response(message: str, user_messages: dict[str, str] | None = None) -> etree._Element:
    """EWP's generic error response (common-types), for a request this server refuses: a message for
    the developer and, optionally, one per language for the user."""
    doc = _Doc("ewp")
    root = doc.root("error-response")
    doc.add(root, "developer-message", message)
    for lang, text in (user_messages or {}).items():
        doc.add(root, "user-message", text, lang=lang)
    return root

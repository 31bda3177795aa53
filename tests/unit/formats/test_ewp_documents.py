"""EWP documents built from the typed description validate against the official XSDs, offline; a
broken one is refused with the validator's message; the IIA hash is the specification's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from support.ewp import ewp_example, ewp_validator

from renkei.formats.ewp import build, iia_hash
from renkei.formats.ewp.model import (
    Address,
    Approval,
    Contact,
    Factsheet,
    Hei,
    Iia,
    IiaPartner,
    InformationEntry,
    LanguageSkill,
    MobilityKind,
    MobilitySpec,
    OtherId,
    OUnit,
    Requirement,
    SubjectArea,
    Text,
)
from renkei.formats.ewp.registry import hei_id_from_website
from renkei.formats.ewp.validate import InvalidDocument, UnknownDocument, Validator

HEI = Hei(
    hei_id="example-u.ac.jp",
    names=(Text("見本大学", "ja"), Text("Example University", "en")),
    other_ids=(OtherId("mext-school-code", "F000000000000"),),
    abbreviation="EXU",
    street_address=Address(lines=("見本県見本市1-1",), region="見本県", country="JP"),
    websites=(Text("https://www.example-u.ac.jp/"),),
    ounit_ids=("example-u.law",),
)
UNIT = OUnit(
    ounit_id="example-u.law",
    ounit_code="法",
    names=(Text("法学部", "ja"), Text("Faculty of Law", "en")),
    parent_ounit_id="",
)
INFO = InformationEntry("office@example.invalid", "+81000000000", (Text("https://example.invalid/", "en"),))
SHEET = Factsheet(
    hei_id="example-u.ac.jp",
    nominations_autumn=(4, 30),
    nominations_spring=(10, 31),
    applications_autumn=(5, 15),
    applications_spring=(11, 15),
    application_info=INFO,
    decision_weeks_limit=5,
    tor_weeks_limit=5,
    housing_info=INFO,
    visa_info=INFO,
    insurance_info=INFO,
    additional_requirements=(Requirement("日本語能力", "N2 以上"),),
)


def _iia(**changes: object) -> Iia:
    studies = MobilitySpec(
        kind=MobilityKind.STUDENT_STUDIES,
        sending_hei_id="example-u.ac.jp",
        sending_ounit_id="example-u.law",
        receiving_hei_id="uni-example.de",
        first_academic_year="2025/2026",
        last_academic_year="2029/2030",
        mobilities_per_year=2,
        language_skills=(LanguageSkill("en", "B2"),),
        subject_areas=(SubjectArea("0421", "法学"),),
        total_months_per_year=Decimal("10"),
        eqf_levels=(6, 7),
    )
    teaching = MobilitySpec(
        kind=MobilityKind.STAFF_TEACHER,
        sending_hei_id="uni-example.de",
        receiving_hei_id="example-u.ac.jp",
        first_academic_year="2025/2026",
        last_academic_year="2026/2027",
        mobilities_per_year=1,
        language_skills=(LanguageSkill("ja"),),
        total_days_per_year=Decimal("5.5"),
    )
    values: dict[str, object] = {
        "partners": (
            IiaPartner(
                hei_id="example-u.ac.jp",
                iia_id="6f1c8c3e-0000-4000-8000-000000000001",
                iia_code="EXU-2025-01",
                signing_contact=Contact(names=(Text("見本 太郎", "ja"),), email="taro@example.invalid"),
                signing_date=dt.date(2025, 3, 1),
            ),
            IiaPartner(hei_id="uni-example.de", iia_id="DE-77"),
        ),
        "in_effect": True,
        "conditions": (teaching, studies),  # out of XSD order on purpose: the builder sorts by kind
    }
    values.update(changes)
    return Iia(**values)  # type: ignore[arg-type]


def test_every_built_document_is_valid_against_its_xsd() -> None:
    # given
    validator = ewp_validator()
    documents = {
        "institutions": build.institutions_response([HEI]),
        "ounits": build.ounits_response([UNIT]),
        "factsheet": build.factsheet_response([SHEET]),
        "iias": build.iias_get_response([_iia()]),
        "approval": build.iia_approval_response([Approval("DE-77", "0" * 64)]),
        "error": build.error_response("missing required parameter: hei_id"),
        "empty institutions": build.institutions_response([]),
    }
    # when
    problems = {name: validator.problems(root) for name, root in documents.items()}
    # then
    assert problems == {key: [] for key in documents}


def test_a_broken_document_is_refused_with_the_validators_message() -> None:
    # given: a unit without its required ounit-code, and an IIA with a third partner
    validator = ewp_validator()
    broken_unit = build.ounits_response([UNIT])
    code = broken_unit.find(".//{*}ounit-code")
    code.getparent().remove(code)
    iia = build.iias_get_response([_iia()])
    iia.find(".//{*}iia").insert(0, etree.fromstring(etree.tostring(iia.find(".//{*}partner"))))
    # when
    unit_problems = validator.problems(broken_unit)
    # then
    assert len(unit_problems) == 1
    assert "ounit-code" in unit_problems[0].message
    assert "Expected is ( {https://github.com/erasmus-without-paper/ewp-specs-api-ounits" in str(
        unit_problems[0]
    )
    with pytest.raises(InvalidDocument, match="partner"):
        validator.check(iia)


def test_a_bad_value_is_refused_by_its_xsd_pattern() -> None:
    # given: an academic year not in the 2025/2026 form
    validator = ewp_validator()
    root = build.iias_get_response([_iia()])
    root.find(".//{*}receiving-first-academic-year-id").text = "2025"
    # when
    problems = validator.problems(root)
    # then
    assert any("receiving-first-academic-year-id" in p.message and "2025" in p.message for p in problems)


def test_the_official_examples_are_valid_offline() -> None:
    validator = ewp_validator()
    for name in ("institutions-v2-response-example.xml", "factsheet-v1-response-example.xml"):
        assert validator.problems(ewp_example(name)) == [], name


def test_an_import_of_a_remote_schema_outside_the_catalog_is_refused(tmp_path: Path) -> None:
    # given: a catalog naming a schema that imports from the network
    ewp_validator()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "catalog.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="urn:test" uri="test.xsd"/></catalog>'
    )
    (tmp_path / "schemas" / "test.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test">'
        '<xs:import namespace="urn:remote" schemaLocation="https://example.org/remote.xsd"/>'
        '<xs:element name="x" type="xs:string"/></xs:schema>'
    )
    validator = Validator(tmp_path)
    # when / then
    with pytest.raises(etree.XMLSchemaParseError):
        validator.schema_for("urn:test")
    with pytest.raises(UnknownDocument):
        validator.schema_for("urn:nothing")


def test_the_built_hash_covers_the_conditions_but_not_contacts_or_years_order() -> None:
    # given
    base = _iia()
    other_contact = _iia(
        partners=(
            IiaPartner(hei_id="example-u.ac.jp", iia_id=base.iia_id, iia_code="EXU-2025-01"),
            base.partners[1],
        )
    )
    fewer = _iia(conditions=base.conditions[:1])

    # when
    def hash_of(iia: Iia) -> str:
        return build.iias_get_response([iia]).findtext(".//{*}iia-hash")

    # then
    assert hash_of(base) == hash_of(other_contact)
    assert hash_of(base) != hash_of(fewer)
    assert hash_of(base) == iia_hash.hashes(build.iias_get_response([base]))[0]


def test_a_japanese_heis_id_comes_from_its_academic_domain() -> None:
    assert hei_id_from_website("https://www.u-tokyo.ac.jp/ja/index.html") == "u-tokyo.ac.jp"
    assert hei_id_from_website("https://WWW.Tohoku.ac.jp/") == "tohoku.ac.jp"
    assert hei_id_from_website("https://www.kosen-k.go.jp/") == "kosen-k.go.jp"
    assert hei_id_from_website("https://www.example.com/") == ""  # not an academic domain
    assert hei_id_from_website("https://ac.jp/") == ""
    assert hei_id_from_website("") == ""


def test_a_sample_agreement_says_so_without_changing_validity_or_hash() -> None:
    # given
    real, sample = build.iias_get_response([_iia()]), build.iias_get_response([_iia(is_sample=True)])
    # then
    assert "Sample data" in etree.tostring(sample, encoding="unicode")
    assert "Sample data" not in etree.tostring(real, encoding="unicode")
    assert ewp_validator().problems(sample) == []
    assert sample.findtext(".//{*}iia-hash") == real.findtext(".//{*}iia-hash")

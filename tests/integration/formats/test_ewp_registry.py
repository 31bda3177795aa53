"""The registry's Japanese HEIs and their units as EWP documents: every demo export validates, and
the command writes them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from factories import IdentifierFactory, OrganisationFactory, UnitFactory
from lxml import etree
from support.ewp import ewp_validator

from renkei.formats.ewp import build, registry
from renkei.formats.ewp.export import documents
from renkei.organisations.models import Identifier, Organisation

pytestmark = pytest.mark.django_db


def test_every_ewp_document_of_the_demo_validates(demo_loaded) -> None:
    # given
    validator = ewp_validator()
    # when
    docs = dict(documents())
    problems = {name: validator.problems(root) for name, root in docs.items()}
    # then: one institutions document, and units and a factsheet for each covered HEI
    assert problems == {key: [] for key in docs}
    heis = [h.findtext("{*}hei-id") for h in docs["institutions.xml"].iter("{*}hei")]
    assert "u-tokyo.ac.jp" in heis
    assert "tohoku.ac.jp" in heis
    assert len(docs) >= 1 + 2 * len(heis)
    tokyo_units = docs["u-tokyo.ac.jp/ounits.xml"].findall("{*}ounit")
    assert len(tokyo_units) > 10
    assert all(u.findtext("{*}name[@{http://www.w3.org/XML/1998/namespace}lang='ja']") for u in tokyo_units)


def test_the_demo_heis_without_a_domain_are_left_out(demo_loaded) -> None:
    # given
    japanese_heis = Organisation.objects.filter(
        kind__in=Organisation.HEI_KINDS, country="JP", parent__isnull=True
    )
    # when
    covered = registry.covered_heis()
    # then: each left-out HEI has neither a SCHAC identifier nor a website
    left_out = japanese_heis.exclude(pk__in=[o.pk for o in covered.values()])
    assert covered
    assert all(not o.website for o in left_out)
    assert not Identifier.objects.filter(organisation__in=left_out, scheme=Identifier.Scheme.SCHAC).exists()


def test_hei_id_is_the_schac_identifier_else_the_website_domain() -> None:
    # given
    with_schac = OrganisationFactory(key="a-u", website="https://www.a-u.ac.jp/")
    IdentifierFactory(organisation=with_schac, scheme=Identifier.Scheme.SCHAC, value="A-Univ.ac.jp")
    OrganisationFactory(key="b-u", website="https://www.b-u.ac.jp/")
    OrganisationFactory(key="c-u", website="https://c-university.example.com/")
    OrganisationFactory(key="foreign-u", country="DE", website="https://www.uni-x.de/")
    OrganisationFactory(key="city", kind=Organisation.Kind.MUNICIPALITY, website="https://www.city.x.lg.jp/")
    # when
    covered = registry.covered_heis()
    # then (the demo may be loaded in this module: look only at these five)
    mine = {"a-u", "b-u", "c-u", "foreign-u", "city"}
    found = {hei_id: o.key for hei_id, o in covered.items() if o.key in mine}
    assert found == {"a-univ.ac.jp": "a-u", "b-u.ac.jp": "b-u"}


def test_units_nest_and_are_listed_on_their_institution() -> None:
    # given
    university = OrganisationFactory(key="d-u", website="https://www.d-u.ac.jp/")
    faculty = UnitFactory(parent=university, key="d-u.eng", code="工")
    UnitFactory(parent=faculty, key="d-u.eng.lab", kind=Organisation.Kind.CENTRE)
    # when
    hei = registry.institutions(["d-u.ac.jp", "unknown.ac.jp"])
    units = {u.ounit_id: u for u in registry.ounits("d-u.ac.jp") or []}
    # then
    assert [h.hei_id for h in hei] == ["d-u.ac.jp"]
    assert hei[0].ounit_ids == ("d-u.eng", "d-u.eng.lab")
    assert units["d-u.eng"].parent_ounit_id == ""
    assert units["d-u.eng"].ounit_code == "工"
    assert units["d-u.eng.lab"].parent_ounit_id == "d-u.eng"
    assert registry.ounits("unknown.ac.jp") is None
    assert ewp_validator().problems(build.ounits_response(units.values())) == []


def test_ewp_export_writes_every_document_validated(demo_loaded, tmp_path: Path, capsys) -> None:
    # given
    ewp_validator()
    # when
    call_command("ewp_export", out=tmp_path / "ewp")
    # then
    written = sorted(p.relative_to(tmp_path / "ewp").as_posix() for p in (tmp_path / "ewp").rglob("*.xml"))
    assert "institutions.xml" in written
    assert "u-tokyo.ac.jp/ounits.xml" in written
    assert f"wrote {len(written)} EWP documents" in capsys.readouterr().out
    root = etree.parse(str(tmp_path / "ewp" / "institutions.xml")).getroot()
    assert etree.QName(root).localname == "institutions-response"


def test_every_signed_demo_agreement_is_a_valid_iia_and_only_public_ones_are_served(demo_loaded) -> None:
    # given: the demo's agreements with cooperation conditions in a signed version
    from renkei.formats.ewp import agreements, iia_hash
    from renkei.partnerships import rules as agreement_rules
    from renkei.partnerships.models import Agreement

    validator = ewp_validator()
    exchange = Agreement.objects.filter(
        versions__status__in=agreement_rules.SIGNED_STATES, versions__conditions__isnull=False
    ).distinct()
    # when: every signed agreement (as the system sees them), and what the public is served
    every = {hei_id: agreements.iias(hei_id, None, reader=None) for hei_id in registry.covered_heis()}
    public = {hei_id: agreements.iias(hei_id, None) for hei_id in registry.covered_heis()}
    # then: each is one valid IIA with the specification's hash
    assert exchange.exists()
    assert sorted(i.iia_id for iias in every.values() for i in iias) == sorted(
        str(a.iia_id) for a in exchange
    )
    for iias in every.values():
        if iias:
            root = build.iias_get_response(iias)
            assert validator.problems(root) == []
            assert [e.text for e in root.iter("{*}iia-hash")] == iia_hash.hashes(root)
            samples = sum(i.is_sample for i in iias)
            assert etree.tostring(root, encoding="unicode").count("Sample data (Renkei demo)") == samples
    # and: the public is served the public agreements only
    served = sorted(i.iia_id for iias in public.values() for i in iias)
    assert served == sorted(str(a.iia_id) for a in exchange if a.is_public)


DEMO_TEXTS = Path(__file__).parent / "data" / "ewp_demo_texts_to_hash.txt"


def test_the_demo_agreements_hash_as_checked_against_the_specification(demo_loaded) -> None:
    # given: the texts-to-hash of the demo's signed agreements, checked when our implementation
    # replaced the specification's transform (same hashes for all of them); the first partner's
    # iia-id is a UUID drawn at load time, so it stands as {iia_id}
    from renkei.formats.ewp import agreements, iia_hash

    iias = [iia for hei_id in registry.covered_heis() for iia in agreements.iias(hei_id, None, reader=None)]
    # when
    root = build.iias_get_response(iias)
    texts = iia_hash.texts_to_hash(root)
    # then
    assert sorted(text.replace(iia_id, "{iia_id}") for iia_id, text in texts) == (
        DEMO_TEXTS.read_text(encoding="utf-8").splitlines()
    )
    assert [e.text for e in root.iter("{*}iia-hash")] == [iia_hash.digest(text) for _, text in texts]

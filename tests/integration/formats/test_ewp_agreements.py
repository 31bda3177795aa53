"""Agreements as EWP IIA v7 documents: only public signed versions, valid against the XSD, with the
specification's hash."""

from __future__ import annotations

import pytest
from support.ewp import ewp_agreement, ewp_validator, make_heis

from renkei.formats.ewp import agreements, build, iia_hash
from renkei.formats.ewp.model import MobilityKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def heis(db: None):  # type: ignore[no-untyped-def]
    return make_heis()


def test_a_public_signed_agreement_is_a_valid_iia_with_the_specs_hash(heis) -> None:
    # given
    home, unit, partner = heis
    agreement = ewp_agreement(home, unit, partner)
    # when
    found = agreements.iias("f-u.ac.jp", None)
    root = build.iias_get_response(found)
    # then
    assert ewp_validator().problems(root) == []
    (iia,) = found
    assert iia.iia_id == str(agreement.iia_id)
    assert [p.hei_id for p in iia.partners] == ["f-u.ac.jp", "uni-x.de"]
    assert iia.partners[0].ounit_id == "f-u.eng"
    assert iia.partners[0].signing_contact is not None
    assert iia.partners[0].signing_contact.email == ""  # public URLs: no e-mail
    studies = next(s for s in iia.conditions if s.kind is MobilityKind.STUDENT_STUDIES)
    assert studies.last_academic_year == "2028/2029"  # the academic year in which the version ends
    assert [a.isced_f_code for a in studies.subject_areas] == ["0714"]  # "07" is not a detailed field
    assert root.findtext(".//{*}iia-hash") == iia_hash.hashes(root)[0]
    assert (
        root.find(".//{*}staff-training-mobility-spec/{*}mobilities-per-year").get("not-yet-defined")
        == "true"
    )


def test_iias_by_id(heis) -> None:
    home, unit, partner = heis
    wanted = ewp_agreement(home, unit, partner)
    ewp_agreement(home, unit, partner)
    assert [i.iia_id for i in agreements.iias("f-u.ac.jp", [str(wanted.iia_id), "other"])] == [
        str(wanted.iia_id)
    ]


def test_drafts_and_internal_agreements_are_not_served(heis) -> None:
    home, unit, partner = heis
    ewp_agreement(home, unit, partner, public=False)
    ewp_agreement(home, unit, partner, sign=False)
    assert agreements.iias("f-u.ac.jp", None) == []

"""The IIA v7 `text-to-hash`, rule by rule, on a small hand-written IIA (each expected string is written
out from the specification's rules), and the official example's stated hash."""

from __future__ import annotations

import hashlib

from lxml import etree
from support.ewp import ewp_example

from renkei.formats.ewp import iia_hash

OFFICIAL_HASH = "e950faa83a799cf45839e7915db88ed51575babe7845c1219dfde54ce30a61e4"
NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
C = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"

SPEC = """
<student-studies-mobility-spec>
  <sending-hei-id>u-tokyo.ac.jp</sending-hei-id>
  <sending-contact><c:contact-name>Not hashed</c:contact-name></sending-contact>
  <receiving-hei-id>ethz.ch</receiving-hei-id>
  <receiving-first-academic-year-id>2024/2025</receiving-first-academic-year-id>
  <receiving-last-academic-year-id>2028/2029</receiving-last-academic-year-id>
  <mobilities-per-year{places}>4</mobilities-per-year>
  <recommended-language-skill>
    <language>en</language>
    <cefr-level>B2</cefr-level>
  </recommended-language-skill>
  <subject-area>
    <isced-f-code{v6}>0314</isced-f-code>
    <isced-clarification xml:lang="ja">社会学</isced-clarification>
  </subject-area>
  <total-months-per-year>40</total-months-per-year>
  <blended>false</blended>
</student-studies-mobility-spec>
"""


def _response(*, second_iia_id: str = "", places: str = "", v6: str = "", conditions: str = "") -> bytes:
    second = f"<iia-id>{second_iia_id}</iia-id>" if second_iia_id else ""
    spec = SPEC.format(places=places, v6=v6)
    return f"""<iias-get-response xmlns="{NS}" xmlns:c="{C}"><iia>
      <partner><hei-id>u-tokyo.ac.jp</hei-id><iia-id>A-1</iia-id><iia-code>not hashed</iia-code>
        <signing-contact><c:contact-name>Not hashed</c:contact-name></signing-contact></partner>
      <partner><hei-id>ethz.ch</hei-id>{second}</partner>
      <in-effect>true</in-effect>
      <!-- a comment is not part of the agreement -->
      <cooperation-conditions{conditions}>{spec}</cooperation-conditions>
    </iia></iias-get-response>""".encode()


STUDIES = "student-studies-mobility-spec"
LEAF = f"cooperation-conditions.{STUDIES}"


def test_the_hash_of_the_official_example_is_reproduced() -> None:
    # given
    example = ewp_example("iias-v7-get-response-example.xml")
    # when
    hashes = iia_hash.hashes(example)
    # then
    assert hashes == [OFFICIAL_HASH]
    assert etree.fromstring(example).findtext(".//{*}iia-hash") == OFFICIAL_HASH


def test_the_text_to_hash_follows_the_specifications_rules() -> None:
    # when
    [(iia_id, text)] = iia_hash.texts_to_hash(_response(second_iia_id="B-2"))
    # then: iia-ids by position; leaves with two ancestors; attributes first; contacts left out;
    # the years close the mobility specification
    assert iia_id == "A-1"
    assert text == (
        "_iia-id_1=A-1__iia-id_2=B-2_"
        f"_{LEAF}.sending-hei-id=u-tokyo.ac.jp_"
        f"_{LEAF}.receiving-hei-id=ethz.ch_"
        f"_{LEAF}.mobilities-per-year=4_"
        f"_{STUDIES}.recommended-language-skill.language=en_"
        f"_{STUDIES}.recommended-language-skill.cefr-level=B2_"
        f"_{STUDIES}.subject-area.isced-f-code=0314_"
        f"_@{STUDIES}.subject-area.isced-clarification.lang=ja@_"
        f"_{STUDIES}.subject-area.isced-clarification=社会学_"
        f"_{LEAF}.total-months-per-year=40_"
        f"_{LEAF}.blended=false_"
        "_receiving-first-academic-year-id=2024/2025__receiving-last-academic-year-id=2028/2029_"
    )
    assert iia_hash.hashes(_response(second_iia_id="B-2")) == [hashlib.sha256(text.encode()).hexdigest()]


def test_what_changes_the_text_and_what_does_not() -> None:
    def text(**changes: str) -> str:
        return iia_hash.texts_to_hash(_response(**changes))[0][1]

    base = text()
    # an unmapped partner (no iia-id yet) still counts by position
    assert base.startswith("_iia-id_1=A-1__iia-id_2=_")
    # not-yet-defined ("true" or "1") leaves the element out, and the attribute is never written
    for flag in ("true", "1"):
        undefined = text(places=f' not-yet-defined="{flag}"')
        assert "mobilities-per-year" not in undefined
        assert "not-yet-defined" not in undefined
    assert text(places=' not-yet-defined="false"') == base
    # v6-value replaces the ISCED code
    assert "isced-f-code=031_" in text(v6=' v6-value="031"')
    assert text(v6=' v6-value=""') == base
    # an agreement terminated as a whole says so first
    terminated = text(conditions=' terminated-as-a-whole="true"')
    assert terminated == "_@terminated-as-a-whole@_" + base
    assert text(conditions=' terminated-as-a-whole="false"') == base


def test_each_iia_of_a_response_gets_its_own_text() -> None:
    # given
    one = etree.fromstring(_response(second_iia_id="B-2"))
    two = etree.fromstring(_response(second_iia_id="B-3"))
    one.append(two[0])
    # when
    texts = iia_hash.texts_to_hash(one)
    # then
    assert [t.split("__")[1] for _, t in texts] == ["iia-id_2=B-2", "iia-id_2=B-3"]

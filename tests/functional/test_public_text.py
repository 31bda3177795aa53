"""Public text is for the public (issue 10): data-entry notes of the seeds are editorial notes that
only staff and signed-in editors see; the public text is in the third person, without source codes or
data-set names; every source chip links to the sources page, which says what was taken from each."""

from __future__ import annotations

import re

import pytest
from factories import AffiliationFactory, UserFactory

from renkei.core.models import Source
from renkei.networks.models import Network
from renkei.organisations.models import Affiliation, Organisation

pytestmark = pytest.mark.django_db

DATA_ENTRY = [
    "構成員は出典に記載がない",
    "を指すと判断",
    "とのみ表記",
    "凡例に記載",
    "出典は英語表記のみ",
    "本学",
    "code4fukui",
    "localgovjp",
    "No official English name verified",
    "participating-units legend",
    "The source writes",
    "the source gives only",
]
SOURCE_CODE_IN_TEXT = re.compile(r"[(（](?:出典|source )?\d{3}[)）]")


def public_text(html: str) -> str:
    """The visible text of a page, without the chips (whose text is a source code by design)."""
    html = re.sub(r'<a class="source-code"[^>]*>[^<]*</a>', "", html)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def pages() -> list[str]:
    keys = [f"/organisations/{key}/" for key in Organisation.objects.values_list("key", flat=True)]
    return keys + [f"/networks/{key}/" for key in Network.objects.values_list("key", flat=True)]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_data_entry_note_reaches_a_public_page(client, demo_loaded, prefix):
    found = []
    for url in pages():
        text = public_text(client.get(prefix + url).content.decode())
        found += [(url, phrase) for phrase in DATA_ENTRY if phrase in text]
        found += [(url, code) for code in SOURCE_CODE_IN_TEXT.findall(text)]
    assert found == []


def test_public_text_names_the_university_of_tokyo_in_the_third_person(client, demo_loaded):
    html = client.get("/organisations/princeton/").content.decode()
    assert (
        '2013年1月、<a href="/organisations/utokyo/">東京大学</a>で初めて戦略的パートナーシップ覚書を締結'
        in html
    )


def test_the_editorial_notes_are_kept_for_staff(client, demo_loaded):
    washington = Organisation.objects.get(name_en="University of Washington")
    assert "を指すと判断" in washington.editorial_note
    assert "を指すと判断" not in washington.note_ja
    assert "構成員は出典" in Network.objects.get(key="wakitatsu-tohoku").editorial_note


@pytest.mark.parametrize("who", ["staff", "editor"])
def test_signed_in_editors_see_the_editorial_notes(client, demo_loaded, who):
    washington = Organisation.objects.get(name_en="University of Washington")
    if who == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = UserFactory()
        AffiliationFactory(user=user, organisation=washington, role=Affiliation.Role.EDITOR)
    client.force_login(user)
    html = client.get(f"/organisations/{washington.key}/").content.decode()
    assert 'data-testid="editorial-note"' in html
    assert "を指すと判断" in html
    assert "code4fukui" in client.get("/organisations/yamagata-city/").content.decode()
    network = client.get("/networks/wakitatsu-tohoku/").content.decode()
    assert "構成員は出典（000）に記載がない" in network


def test_a_viewer_does_not_see_the_editorial_notes(client, demo_loaded):
    user = UserFactory()
    AffiliationFactory(user=user, organisation=Organisation.objects.get(key="utokyo"))  # a viewer
    client.force_login(user)
    assert 'data-testid="editorial-note"' not in client.get("/organisations/utokyo.ipmu/").content.decode()


def test_the_admin_edits_the_editorial_note(client, demo_loaded, superuser):
    client.force_login(superuser)
    pk = Organisation.objects.get(key="utokyo.ipmu").pk
    html = client.get(f"/admin/organisations/organisation/{pk}/change/").content.decode()
    assert 'name="editorial_note"' in html
    assert "003 の参画部局凡例に記載" in html


def test_every_source_chip_links_to_the_sources_page(client, demo_loaded):
    urls = ["/organisations/utokyo/", "/networks/tohoku-sosei-alliance/", "/networks/yamagata-platform/"]
    for url in urls:
        html = client.get(url).content.decode()
        spans = re.findall(r'<span class="source-code"', html)
        chips = re.findall(r'<a class="source-code" href="/sources/#source-([^"]+)"', html)
        assert spans == [], url
        assert chips, url
        assert set(chips) <= set(Source.objects.values_list("code", flat=True))


def test_the_sources_page_says_what_each_source_is_and_what_was_taken(client, demo_loaded):
    html = client.get("/sources/").content.decode()
    for source in Source.objects.all():
        entry = html.split(f'id="source-{source.code}"')[1].split("</li>")[0]
        assert source.title_ja in entry
        assert source.publisher in entry
        assert source.used_for_ja
        assert source.used_for_ja in entry
    assert "令和5年5月11日（2023年）" in html  # 002's date
    english = client.get("/en/sources/").content.decode()
    assert "What was taken from it" in english
    assert "strategic partners (9 primary, 7 prospective)" in english

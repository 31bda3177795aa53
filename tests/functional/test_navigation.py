"""Navigation and order (issue 10): the home page opens with the networks that have members and offers
a way in to the universities; /organisations/ groups by kind, universities first; an organisation links
to its programs; a network links to its joint curriculum and shared content; a partner's text links the
university it names; the README lists the four networks the home page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.html import texts

from renkei.networks.models import Network

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_home_page_opens_with_networks_that_have_members(client, demo_loaded):
    html = client.get("/").content.decode()
    cards = texts(html, "h3")
    assert cards[-1] == "わきたつ東北戦略会議"  # no member listed by its source: after the others
    assert cards[0] != "わきたつ東北戦略会議"


def test_the_home_page_is_a_way_in_to_the_universities(client, demo_loaded):
    html = client.get("/").content.decode()
    section = html.split('id="universities-heading"')[1]
    assert 'href="/organisations/utokyo/"' in section
    assert 'href="/organisations/tohoku-u/"' in section


def test_organisations_are_grouped_by_kind_universities_first(client, demo_loaded):
    html = client.get("/organisations/").content.decode()
    groups = re.findall(r'<h2 id="kind-([a-z_]+)">', html)
    assert groups[0] == "university"
    assert groups.index("prefecture") < groups.index("municipality")
    assert len(groups) == len(set(groups))  # one group per kind
    # the Japanese universities are on the first page, before JST, JICA and the associations
    assert html.index('href="/organisations/utokyo/"') < html.index('href="/organisations/jst/"')
    # the filter still narrows to one kind
    only = client.get("/organisations/", {"kind": "municipality"}).content.decode()
    assert re.findall(r'<h2 id="kind-([a-z_]+)">', only) == ["municipality"]


def test_a_provider_page_links_to_its_programs(client, demo_loaded):
    html = client.get("/organisations/yamagata-u/").content.decode()
    assert re.search(
        r'<a class="button" href="/programs/providers/yamagata-u/">提供しているプログラム（\d+件）', html
    )
    assert 'href="/programs/providers/' not in client.get("/organisations/princeton/").content.decode()


def test_the_alliance_page_links_to_its_joint_curriculum_and_shared_content(client, demo_loaded):
    html = client.get("/networks/tohoku-sosei-alliance/").content.decode()
    section = html.split('id="shared"')[1].split("</section>")[0]
    assert 'href="/programs/curricula/tohoku-sosei-alliance/mdash-sample/"' in section
    assert 'href="/programs/contents/"' in section


def test_a_partner_page_links_the_university_it_names(client, demo_loaded):
    ja = client.get("/organisations/princeton/").content.decode()
    en = client.get("/en/organisations/princeton/").content.decode()
    assert '<a href="/organisations/utokyo/">東京大学</a>の主要な戦略的パートナーシップ校' in ja
    assert '<a href="/en/organisations/utokyo/">The University of Tokyo</a>' in en


def test_the_readme_lists_the_networks_the_home_page_shows(client, demo_loaded):
    readme = README.read_text(encoding="utf-8")
    listed = re.findall(r"^- the (.+?) \((.+?)\)[,.]$", readme, flags=re.M)
    shown = set(texts(client.get("/").content.decode(), "h3"))
    assert {ja for _, ja in listed} == shown
    assert shown == set(Network.objects.values_list("name_ja", flat=True))
    english = set(texts(client.get("/en/").content.decode(), "h3"))
    assert {en for en, _ in listed} == english

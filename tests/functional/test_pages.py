"""The public portal through the Django test client: Japanese first, English under /en/."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from renkei.networks.models import Membership, Network, Post
from renkei.organisations.models import Organisation

ALLIANCE = "/networks/tohoku-sosei-alliance/"
ALLIANCE_MEMBERS_JA = [
    "弘前大学",
    "岩手大学",
    "東北大学",
    "宮城教育大学",
    "秋田大学",
    "山形大学",
    "福島大学",
    "新潟大学",
]


class _TableReader(HTMLParser):
    """The text of each body row of the table carrying data-testid=<testid>."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.depth = 0  # > 0 inside the wanted table
        self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and (self.depth or ("data-testid", self.testid) in attrs):
            self.depth += 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.depth and self.in_body and tag == "tr":
            self.rows.append([])
        elif self.depth and self.in_body and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "table":
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, testid: str) -> list[list[str]]:
    reader = _TableReader(testid)
    reader.feed(html)
    return reader.rows


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang=...>"
    return match.group(1)


def label(choice: object, language: str) -> str:
    with translation.override(language):
        return str(choice.label)


# --- home -------------------------------------------------------------------------------------------------


def test_home_lists_the_networks_in_japanese_by_default(client, demo_loaded):
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html_lang(html) == "ja"
    for network in Network.objects.all():
        assert network.name_ja in html
        assert f'href="/networks/{network.key}/"' in html
    assert "Tohoku Sosei National University Alliance" not in html


def test_home_in_english_under_en(client, demo_loaded):
    # when
    response = client.get("/en/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html_lang(html) == "en"
    assert "Collaboration networks" in html
    for network in Network.objects.all():
        assert (network.name_en or network.name_ja) in html
        assert f'href="/en/networks/{network.key}/"' in html
    assert "東北創成国立大学アライアンス" not in html


def test_the_japanese_home_is_translated(client, demo_loaded):
    # given: a UI string whose msgid is English
    with translation.override("ja"):
        heading = translation.gettext("Collaboration networks")
    # when
    html = client.get("/").content.decode()
    # then
    assert heading != "Collaboration networks", "no Japanese translation compiled for the home heading"
    assert heading in html


# --- network page ---------------------------------------------------------------------------------------------


def test_the_network_page_lists_members_with_kind_and_since_date(client, demo_loaded):
    # when
    html = client.get(ALLIANCE).content.decode()
    # then: organisation, kind, role, category, since, source
    university = label(Organisation.Kind.UNIVERSITY, "ja")
    member = label(Membership.Role.MEMBER, "ja")
    secretariat = label(Membership.Role.SECRETARIAT, "ja")
    since = "令和3年3月12日（2021年）"
    assert table_rows(html, "members-table") == [
        *([name, university, member, "加盟大学", since, "000"] for name in ALLIANCE_MEMBERS_JA),
        ["東北大学", university, secretariat, "庶務（要綱第8条）", since, "000"],
    ]


def test_the_network_page_in_english(client, demo_loaded):
    # when
    html = client.get("/en" + ALLIANCE).content.decode()
    # then
    assert html_lang(html) == "en"
    rows = table_rows(html, "members-table")
    assert rows[0] == [
        "Hirosaki University",
        "university",
        "member",
        "member university",
        "12 March 2021",
        "000",
    ]
    assert rows[-1] == [
        "Tohoku University",
        "university",
        "secretariat",
        "secretariat (bylaws art. 8)",
        "12 March 2021",
        "000",
    ]
    assert {(row[1], row[4]) for row in rows} == {("university", "12 March 2021")}
    assert "Steering Council" in html
    assert "Bylaws of the Tohoku Sosei National University Alliance" in html


def test_the_network_page_shows_bodies_posts_and_bylaws(client, demo_loaded):
    # when
    html = client.get(ALLIANCE).content.decode()
    # then
    for body in ("運営会議", "連絡協議会", "事務局"):
        assert body in html
    assert "議長" in html
    assert label(Post.Selection.ELECTED_AMONG_MEMBERS, "ja") in html
    assert "東北創成国立大学アライアンス要綱" in html
    assert "第6条 運営会議に議長を置き、加盟大学等の代表者の互選によって定める。" in html


def test_the_network_page_shows_the_declared_counts(client, demo_loaded):
    # when
    html = client.get("/networks/yamagata-platform/").content.decode()
    # then
    figures = dict(re.findall(r"<dt>([^<]+)(?:<small>[^<]*</small>)?</dt><dd>(\d+)</dd>", html))
    declared = {
        "加盟機関（合計）": "59",
        "高等教育機関（県内全て）": "13",
        "山形県": "1",
        "市町村（県内全て）": "35",
        "主要関係団体": "10",
    }
    assert {name: figures.get(name) for name in declared} == declared
    # the members named: 6 HEIs, the prefecture, 35 municipalities, 4 associations, and the secretariat
    assert len(table_rows(html, "members-table")) == 47
    assert "山形県中小企業家同友会" in html  # a participant of the division


# --- organisations ------------------------------------------------------------------------------------------


def test_the_organisation_page_shows_units_and_memberships(client, demo_loaded):
    # when
    html = client.get("/organisations/utokyo/").content.decode()
    # then
    assert "東京大学" in html
    for code in ("法", "医", "工", "東文研", "IPMU", "IRCN", "IFI", "病院"):
        assert f'<span class="unit-code">{code}</span>' in html
    assert 'href="/organisations/utokyo.ipmu/"' in html
    assert 'href="/networks/internationalization-forum/"' in html


def test_a_member_page_links_to_its_networks_with_roles(client, demo_loaded):
    html = client.get("/en/organisations/tohoku-u/").content.decode()
    assert html.count('href="/en/networks/tohoku-sosei-alliance/"') == 2  # member and secretariat
    assert "secretariat" in html
    assert "since 12 March 2021" in html


def test_a_group_page_lists_its_institutions(client, demo_loaded):
    html = client.get("/organisations/paris-group/").content.decode()
    for key in ("polytechnique", "enpc", "ens-paris-saclay", "ens-psl", "cnrs", "u-bordeaux"):
        assert f'href="/organisations/{key}/"' in html


def test_the_organisation_list_shows_top_level_organisations_and_filters(client, demo_loaded):
    # given: top-level organisations, grouped by kind (universities first), then by reading
    from renkei.organisations.selectors import organisation_directory

    first_page = organisation_directory(user=None)[:200]
    # when
    top = client.get("/organisations/").content.decode()
    municipalities = client.get("/organisations/", {"kind": "municipality"}).content.decode()
    search = client.get("/organisations/", {"q": "IPMU"}).content.decode()
    # then
    assert re.findall(r'href="/organisations/([^"/]+)/"', top) == [o.key for o in first_page]
    assert first_page[0].kind == "university"
    assert re.findall(r'href="/organisations/([^"/]+)/"', municipalities) == list(
        Organisation.objects.filter(kind="municipality")
        .order_by("country", "name_kana", "name_ja", "pk")
        .values_list("key", flat=True)
    )
    assert re.findall(r'href="/organisations/([^"/]+)/"', search) == ["utokyo.ipmu"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ＩＰＭＵ", {"utokyo.ipmu"}),  # full-width letters, as a Japanese keyboard types them
        ("ipmu", {"utokyo.ipmu"}),
        ("東北　大学", {"tohoku-u"}),  # two words (ideographic space), both in the name
        ('"東北大学" -病院', {"tohoku-u"}),  # a phrase and an exclusion, as the catalog search reads them
    ],
)
def test_the_organisation_search_reads_words_as_the_catalog_does(client, demo_loaded, q, expected):
    """One text pipeline (renkei.text) for every Japanese text match: the query and the names are
    normalised the same way (NFKC, long vowels, bigrams, Sudachi forms), not compared raw."""
    # when
    html = client.get("/organisations/", {"q": q}).content.decode()
    api = client.get("/api/v1/organisations", {"q": q, "limit": 1000}).json()
    # then
    assert set(re.findall(r'href="/organisations/([^"/]+)/"', html)) >= expected
    assert {o["key"] for o in api["items"]} >= expected
    assert "utokyo" not in re.findall(r'href="/organisations/([^"/]+)/"', html)


@pytest.mark.parametrize(
    "url",
    [
        "/networks/no-such-network/",
        "/en/networks/no-such-network/",
        "/organisations/no-such-org/",
        "/en/organisations/no-such-org/",
    ],
)
def test_unknown_keys_are_404(client, demo_loaded, url):
    assert client.get(url).status_code == 404


# --- query counts: fixed, whatever the amount of data -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 4),  # + the universities to start from
        ("/en/", 4),
        (ALLIANCE, 18),  # + names to link, its joint curriculum (4 prefetches), its shared programs, projects
        ("/networks/yamagata-platform/", 13),  # + the network's projects (partnerships)
        ("/organisations/", 4),
        ("/organisations/?kind=municipality", 4),
        ("/organisations/?q=大学", 5),
        ("/organisations/utokyo/", 11),  # + names to link, its count of programs, its partnerships
    ],
)
def test_query_counts_are_pinned(client, demo_loaded, django_assert_max_num_queries, url, queries):
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200

"""Public catalog pages through the Django client: browse, search (full page and HTMX partial),
program detail with schema.org JSON-LD, providers, content, curricula, map; Japanese and English.

Each test checks the status and what the page shows (headings, the programs listed, counts), read with
tests/support/html.py; the query-count tests check the same on the pages they count.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from support.html import rows, texts

from renkei.catalog import bitmaps, relevance
from renkei.catalog.models import CurriculumUnit, JointCurriculum, TeachingContent

pytestmark = pytest.mark.django_db

PUBLISHED = ["Python入門", "品質保証の実践", "品質管理入門"]  # newest first: the order of make_program below


def cards(html: str) -> list[str]:
    """The titles of the program cards, in page order."""
    return texts(html, "h3")


def results_count(html: str) -> str:
    [count] = texts(html, "p", "results-count")
    return count


@pytest.fixture
def catalog(owner_org, other_org, network, make_program, concepts):
    soon = timezone.localdate() + dt.timedelta(days=20)
    make_program(
        owner_org,
        "QC-1",
        title_ja="品質管理入門",
        title_en="Quality control basics",
        mode="online",
        fee_yen=0,
        runs=[soon],
        fields=[concepts.management],
        skills=[concepts.quality],
        is_sample=True,
    )
    make_program(
        owner_org,
        "QC-2",
        title_ja="品質保証の実践",
        mode="onsite",
        fee_yen=30000,
        runs=[soon],
        venue_name_ja="山形市民会館",
        venue_address_ja="山形県山形市",
        latitude=Decimal("38.25"),
        longitude=Decimal("140.33"),
        fields=[concepts.management],
        hours_total=Decimal("12"),
    )
    make_program(other_org, "PY", title_ja="Python入門", fields=[concepts.informatics], mode="hybrid")
    make_program(owner_org, "DRAFT", title_ja="品質の下書き", status="draft")
    content = TeachingContent.objects.create(
        provider=owner_org, code="C1", title_ja="データ分析教材", status="published", is_sample=True
    )
    curriculum = JointCurriculum.objects.create(
        network=network, key="mdash", title_ja="データ活用の共同カリキュラム", is_sample=True
    )
    CurriculumUnit.objects.create(curriculum=curriculum, concept=concepts.unit, order=1).contents.set(
        [content]
    )
    return content


def test_landing_shows_fields_first(client, catalog):
    response = client.get("/programs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "経営" in html
    assert "情報・データサイエンス" in html
    assert html.index("経営") < html.index("Python入門")  # the field tiles come before the newest programs
    assert 'href="/programs/search/?field=' in html
    assert "badge-sample" in html
    assert texts(html, "h1") == ["地域の大学で学ぶ"]
    assert texts(html, "h2") == ["分野から探す", "受講形態から探す", "提供機関から探す", "新着"]
    assert "3件のプログラムを掲載" in texts(html, "p", "small")[0]  # the draft is not counted
    fields = dict(zip(texts(html, "span", "tile-label"), texts(html, "span", "tile-count"), strict=True))
    assert (fields["経営"], fields["情報・データサイエンス"]) == ("2件", "1件")
    assert (fields["所有大学"], fields["他大学"]) == ("2", "1")  # the provider tiles
    assert cards(html) == PUBLISHED


def test_search_page(client, catalog):
    response = client.get("/programs/search/", {"q": "品質", "mode": "online"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "htmx" in html
    assert "品質管理入門" in html
    assert "品質保証の実践" not in html
    assert 'name="mode" value="online" checked' in html
    assert "品質の下書き" not in html
    assert "badge-sample" in html
    assert 'href="?q=%E5%93%81%E8%B3%AA"' in html  # the chip that removes the mode filter
    assert texts(html, "h1") == ["プログラムを探す"]
    assert results_count(html) == "1 件のプログラム · “品質”"
    assert cards(html) == ["品質管理入門"]


def test_search_partial_for_htmx(client, catalog):
    response = client.get("/programs/search/", {"q": "品質"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="search-layout"' in html
    assert "品質管理入門" in html
    assert "品質保証の実践" in html
    assert texts(html, "h1") == []
    assert results_count(html) == "2 件のプログラム · “品質”"
    assert sorted(cards(html)) == ["品質保証の実践", "品質管理入門"]


def test_search_works_without_javascript(client, catalog):
    # the form is a plain GET form: its action and field names are the URL parameters
    response = client.get("/programs/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form id="program-search"[^>]*method="get"[^>]*action="/programs/search/"', html)
    assert 'name="q"' in html
    assert 'type="checkbox" name="field"' in html
    assert 'type="submit"' in html
    # and: with no words, every published program is listed (the draft is not)
    assert results_count(html) == "3 件のプログラム"
    assert sorted(cards(html)) == sorted(PUBLISHED)


def test_search_in_english(client, catalog):
    response = client.get("/en/programs/search/", {"q": "quality"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    assert "Quality control basics" in html
    assert 'href="/en/programs/owner-u/QC-1/"' in html
    assert texts(html, "h1") == ["Find a program"]
    assert results_count(html) == "1 program · “quality”"
    assert cards(html) == ["Quality control basics"]


def test_program_detail_with_json_ld(client, catalog):
    response = client.get("/programs/owner-u/QC-2/")
    html = response.content.decode()
    assert response.status_code == 200
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Course"
    assert data["name"] == "品質保証の実践"
    assert data["provider"]["name"] == "所有大学"
    assert data["offers"] == {
        "@type": "Offer",
        "price": 30000,
        "priceCurrency": "JPY",
        "category": "Paid",
        "url": "http://localhost/programs/owner-u/QC-2/",
    }
    instance = data["hasCourseInstance"][0]
    assert instance["courseMode"] == "Onsite"
    assert instance["location"]["geo"]["latitude"] == "38.250000"
    assert data["timeRequired"] == "PT12H"
    assert 'name="robots"' not in html
    # and: what a reader sees
    assert texts(html, "h1") == ["品質保証の実践"]
    assert texts(html, "h2") == ["日程", "分野・スキル"]
    assert texts(html, "p", "provider-name") == ["所有大学"]
    assert len(rows(html)) == 1  # the one run in the schedule
    facts = dict(zip(texts(html, "dt"), texts(html, "dd"), strict=True))
    assert facts["受講料"] == "¥30,000"
    assert facts["開催場所"] == "山形市民会館 山形県山形市"
    assert facts["プログラムコード"] == "QC-2"


def test_sample_program_is_marked(client, catalog):
    response = client.get("/programs/owner-u/QC-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "h1") == ["品質管理入門"]
    assert texts(html, "p", "sample-banner")[0].startswith("サンプル ")
    assert 'class="sample-banner"' in html
    assert '<meta name="robots" content="noindex">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert "SAMPLE" in data["disambiguatingDescription"]
    assert data["isAccessibleForFree"] is True
    assert data["hasCourseInstance"][0]["courseMode"] == "Online"
    assert dict(zip(texts(html, "dt"), texts(html, "dd"), strict=True))["受講料"] == "無料"


def test_json_ld_cannot_break_out_of_its_script(client, owner_org, make_program):
    make_program(owner_org, "XSS", title_ja="</script><script>alert(1)</script>")
    response = client.get("/programs/owner-u/XSS/")
    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "h1") == ["</script><script>alert(1)</script>"]  # shown as text, escaped
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert json.loads(script)["name"] == "</script><script>alert(1)</script>"


def test_drafts_are_not_public(client, catalog, owner):
    assert client.get("/programs/owner-u/DRAFT/").status_code == 404
    client.force_login(owner)
    response = client.get("/programs/owner-u/DRAFT/")
    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "h1") == ["品質の下書き"]
    assert texts(html, "span", "badge-status") == ["下書き"]


def test_provider_pages(client, catalog):
    response = client.get("/programs/providers/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/programs/providers/owner-u/" in html
    assert texts(html, "h1") == ["提供機関"]
    assert rows(html) == [["所有大学", "", "2"], ["他大学", "", "1"]]  # provider, prefecture, programs
    response = client.get("/programs/providers/owner-u/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "品質管理入門" in html
    assert "Python入門" not in html
    assert "データ分析教材" in html
    assert texts(html, "h1") == ["所有大学"]
    assert texts(html, "h2") == ["プログラム 2", "共有教育コンテンツ"]
    assert cards(html) == ["品質保証の実践", "品質管理入門"]  # by title; the draft is not listed
    assert client.get("/programs/providers/nobody/").status_code == 404


def test_content_and_curricula(client, catalog):
    response = client.get("/programs/contents/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "データ分析教材" in html
    assert "badge-sample" in html
    assert texts(html, "h1") == ["共有教育コンテンツ"]
    assert rows(html) == [["サンプル データ分析教材", "所有大学", "講義", "無断転載禁止", ""]]
    response = client.get(f"/programs/contents/{catalog.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "h1") == ["データ分析教材"]
    facts = dict(zip(texts(html, "dt"), texts(html, "dd"), strict=True))
    assert (facts["ライセンス"], facts["使用プログラム"]) == ("無断転載禁止", "データ活用の共同カリキュラム")
    response = client.get("/programs/curricula/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "データ活用の共同カリキュラム" in html
    assert texts(html, "h1") == ["共同カリキュラム"]
    assert texts(html, "h2") == ["データ活用の共同カリキュラム"]
    assert "1項目" in texts(html, "p", "small")
    response = client.get("/programs/curricula/network-n/mdash/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "データ分析教材" in html
    assert texts(html, "h1") == ["データ活用の共同カリキュラム"]
    # unit number, unit, programs (none), shared content with its licence
    assert rows(html) == [["1", "データ・AI利活用の基礎", "—", "データ分析教材 無断転載禁止"]]
    assert client.get("/programs/curricula/network-n/none/").status_code == 404


def test_map_page(client, catalog):
    response = client.get("/programs/map/", {"mode": "onsite"})
    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "h1") == ["プログラムの地図"]
    assert texts(html, "p", "small")[0] == "1件のプログラムが該当します。"  # QC-2 is the one onsite
    assert 'data-geojson="/api/v1/programs.geojson"' in html
    assert "leaflet/leaflet.js" in html
    assert "renkei/map.js" in html
    assert 'id="map-labels"' in html
    assert 'name="mode" value="onsite" checked' in html
    response = client.get("/programs/map/", {"mode": "onsite"}, headers={"HX-Request": "true"})
    partial = response.content.decode()
    assert response.status_code == 200
    assert partial.startswith('<div class="facets"')
    assert texts(partial, "h1") == []


def test_search_page_query_count_does_not_grow_with_results(
    client, owner_org, make_program, concepts, django_assert_num_queries
):
    for i in range(30):
        make_program(
            owner_org,
            f"N{i:02d}",
            title_ja=f"講座{i}",
            fields=[concepts.management],
            skills=[concepts.python],
            runs=[dt.date(2030, 4, 1)],
            municipality_code="06201",
        )
    bitmaps.facet_bitmaps().order("newest")  # built once per index change, not per request
    bitmaps.facet_bitmaps().order("focus")
    relevance.tag_index(bitmaps.facet_bitmaps())  # the concepts' terms, also once per index change
    client.get("/programs/search/")  # the ended programs too: read once per index change and day
    # token, text match, title matches, programs, fields, skills, runs, organisation and concept labels;
    # PostgreSQL reads the postings of the query's terms once for the match and every ranking lookup
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(9 - (1 if postgres else 0)):
        response = client.get("/programs/search/", {"q": "講座"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card program-card') == 20
    assert results_count(html) == "30 件のプログラム · “講座”"
    shown = cards(html)
    assert len(set(shown)) == 20
    assert set(shown) <= {f"講座{i}" for i in range(30)}
    assert "1 / 2ページ" in texts(html, "nav", "pager")[0]
    # one title match does not fill the page: two more lookups on SQLite, for title + summary and for
    # part of the word (講座 without 1) in title + summary (the ranking's partial level)
    with django_assert_num_queries(11 - (3 if postgres else 0)):
        response = client.get("/programs/search/", {"q": "講座1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card program-card') == 1
    assert results_count(html) == "1 件のプログラム · “講座1”"
    assert cards(html) == ["講座1"]


def test_home_and_detail_query_counts(client, catalog, django_assert_max_num_queries):
    bitmaps.facet_bitmaps()
    with django_assert_max_num_queries(10):
        home = client.get("/programs/")
    with django_assert_max_num_queries(8):
        detail = client.get("/programs/owner-u/QC-2/")
    # the pages counted are whole pages: the newest programs on the home page, the program in detail
    assert (home.status_code, detail.status_code) == (200, 200)
    html = home.content.decode()
    assert texts(html, "h1") == ["地域の大学で学ぶ"]
    assert cards(html) == PUBLISHED
    html = detail.content.decode()
    assert texts(html, "h1") == ["品質保証の実践"]
    assert texts(html, "h2") == ["日程", "分野・スキル"]
    assert len(rows(html)) == 1


def test_a_curriculum_is_read_by_its_key_in_the_database(client, catalog, django_assert_max_num_queries):
    from renkei.catalog import selectors

    assert selectors.curriculum_get(user=None, network="network-n", key="mdash").key == "mdash"
    with pytest.raises(JointCurriculum.DoesNotExist):
        selectors.curriculum_get(user=None, network="other-network", key="mdash")
    with django_assert_max_num_queries(8):
        assert client.get("/programs/curricula/network-n/mdash/").status_code == 200


def test_the_sort_options_are_defined_once(client, catalog):
    """The search page's sort menu and the API's allowed sorts come from one definition."""
    from renkei.catalog.params import Sort

    html = client.get("/en/programs/search/", {"q": "品質"}).content.decode()
    menu = re.findall(r'<option value="([a-z]+)"', html.split('name="sort"')[1].split("</select>")[0])
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/programs"]["get"]["parameters"]
    assert menu == list(Sort.values)
    assert next(p for p in parameters if p["name"] == "sort")["schema"]["enum"] == list(Sort.values)

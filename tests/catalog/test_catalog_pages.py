"""Public catalog pages through the Django client: browse, search (full page and HTMX partial),
program detail with schema.org JSON-LD, providers, content, curricula, map; Japanese and English."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from renkei.catalog import bitmaps
from renkei.catalog.models import CurriculumUnit, JointCurriculum, TeachingContent

pytestmark = pytest.mark.django_db


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
        network=network, key="mdash", title_ja="共同カリキュラム", is_sample=True
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


def test_search_partial_for_htmx(client, catalog):
    response = client.get("/programs/search/", {"q": "品質"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="search-layout"' in html
    assert "品質管理入門" in html
    assert "品質保証の実践" in html


def test_search_works_without_javascript(client, catalog):
    # the form is a plain GET form: its action and field names are the URL parameters
    html = client.get("/programs/search/").content.decode()
    assert re.search(r'<form id="program-search"[^>]*method="get"[^>]*action="/programs/search/"', html)
    assert 'name="q"' in html
    assert 'type="checkbox" name="field"' in html
    assert 'type="submit"' in html


def test_search_in_english(client, catalog):
    html = client.get("/en/programs/search/", {"q": "quality"}).content.decode()
    assert 'lang="en"' in html
    assert "Quality control basics" in html
    assert 'href="/en/programs/owner-u/QC-1/"' in html


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


def test_sample_program_is_marked(client, catalog):
    html = client.get("/programs/owner-u/QC-1/").content.decode()
    assert 'class="sample-banner"' in html
    assert '<meta name="robots" content="noindex">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert "SAMPLE" in data["disambiguatingDescription"]
    assert data["isAccessibleForFree"] is True
    assert data["hasCourseInstance"][0]["courseMode"] == "Online"


def test_json_ld_cannot_break_out_of_its_script(client, owner_org, make_program):
    make_program(owner_org, "XSS", title_ja="</script><script>alert(1)</script>")
    html = client.get("/programs/owner-u/XSS/").content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert json.loads(script)["name"] == "</script><script>alert(1)</script>"


def test_drafts_are_not_public(client, catalog, owner):
    assert client.get("/programs/owner-u/DRAFT/").status_code == 404
    client.force_login(owner)
    assert client.get("/programs/owner-u/DRAFT/").status_code == 200


def test_provider_pages(client, catalog):
    html = client.get("/programs/providers/").content.decode()
    assert "/programs/providers/owner-u/" in html
    html = client.get("/programs/providers/owner-u/").content.decode()
    assert "品質管理入門" in html
    assert "Python入門" not in html
    assert "データ分析教材" in html
    assert client.get("/programs/providers/nobody/").status_code == 404


def test_content_and_curricula(client, catalog):
    html = client.get("/programs/contents/").content.decode()
    assert "データ分析教材" in html
    assert "badge-sample" in html
    assert client.get(f"/programs/contents/{catalog.pk}/").status_code == 200
    html = client.get("/programs/curricula/").content.decode()
    assert "共同カリキュラム" in html
    html = client.get("/programs/curricula/network-n/mdash/").content.decode()
    assert "データ分析教材" in html
    assert client.get("/programs/curricula/network-n/none/").status_code == 404


def test_map_page(client, catalog):
    html = client.get("/programs/map/", {"mode": "onsite"}).content.decode()
    assert 'data-geojson="/api/v1/programs.geojson"' in html
    assert "leaflet/leaflet.js" in html
    assert "renkei/map.js" in html
    assert 'id="map-labels"' in html
    assert 'name="mode" value="onsite" checked' in html
    partial = client.get(
        "/programs/map/", {"mode": "onsite"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.startswith('<div class="facets"')


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
    # token, text match, title matches, programs, fields, skills, runs, organisation and concept labels;
    # PostgreSQL reads the postings of the query's terms once for the match and every tier
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(9 - (1 if postgres else 0)):
        response = client.get("/programs/search/", {"q": "講座"})
    assert response.content.decode().count('class="card program-card') == 20
    # one title match does not fill the page: one more lookup for the title + summary tier (SQLite)
    with django_assert_num_queries(10 - (2 if postgres else 0)):
        response = client.get("/programs/search/", {"q": "講座1"})
    assert response.content.decode().count('class="card program-card') == 1


def test_home_and_detail_query_counts(client, catalog, django_assert_max_num_queries):
    bitmaps.facet_bitmaps()
    with django_assert_max_num_queries(10):
        client.get("/programs/")
    with django_assert_max_num_queries(8):
        client.get("/programs/owner-u/QC-2/")


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

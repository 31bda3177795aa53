"""The catalog API: search with facets, detail, providers, content, curricula, GeoJSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from renkei.catalog.models import CurriculumUnit, JointCurriculum, TeachingContent

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(owner_org, other_org, network, make_program, concepts):
    owner_org.latitude, owner_org.longitude = Decimal("38.25"), Decimal("140.33")
    owner_org.save()
    soon = timezone.localdate() + dt.timedelta(days=20)
    make_program(
        owner_org,
        "QC-1",
        title_ja="品質管理入門",
        mode="online",
        fee_yen=0,
        runs=[soon],
        skills=[concepts.quality],
        fields=[concepts.management],
        is_sample=True,
    )
    make_program(
        owner_org,
        "QC-2",
        title_ja="品質保証の実践",
        mode="onsite",
        fee_yen=30000,
        latitude=Decimal("38.9"),
        longitude=Decimal("139.8"),
        municipality_code="06204",
        prefecture="06",
    )
    make_program(
        other_org,
        "PY",
        title_ja="Python入門",
        title_en="Introduction to Python",
        mode="hybrid",
        latitude=Decimal("38.26"),
        longitude=Decimal("140.87"),
        subsidy_kyouiku_kunren=True,
    )
    make_program(owner_org, "DRAFT", title_ja="品質の下書き", status="draft")
    content = TeachingContent.objects.create(
        provider=owner_org,
        code="C1",
        title_ja="データ分析教材",
        licence=TeachingContent.Licence.CC_BY,
        status="published",
        is_sample=True,
    )
    content.mdash_units.set([concepts.unit])
    curriculum = JointCurriculum.objects.create(network=network, key="mdash", title_ja="共同カリキュラム")
    unit = CurriculumUnit.objects.create(curriculum=curriculum, concept=concepts.unit, order=1)
    unit.contents.set([content])
    return content


def test_search(client, catalog):
    response = client.get("/api/v1/programs", {"q": "品質"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert {item["code"] for item in body["items"]} == {"QC-1", "QC-2"}
    assert (body["sort"], body["limit"], body["next"]) == ("relevance", 20, None)
    mode = next(f for f in body["facets"] if f["key"] == "mode")
    assert {v["value"]: v["count"] for v in mode["values"]} == {"online": 1, "onsite": 1}
    first = next(item for item in body["items"] if item["code"] == "QC-1")
    assert first["is_sample"] is True
    assert first["provider"] == "owner-u"
    assert first["next_run"]["starts_on"]
    assert first["page_url"] == "/programs/owner-u/QC-1/"
    assert [s["label_ja"] for s in first["skills"]] == ["品質管理"]


def test_search_with_repeated_facet_parameters(client, catalog):
    body = client.get("/api/v1/programs?mode=online&mode=hybrid&sort=title").json()
    assert [item["code"] for item in body["items"]] == ["PY", "QC-1"]  # "python入門" < "品質…"
    body = client.get("/api/v1/programs?subsidy=1").json()
    assert [item["code"] for item in body["items"]] == ["PY"]
    body = client.get("/api/v1/programs?fee=free&provider=owner-u").json()
    assert [item["code"] for item in body["items"]] == ["QC-1"]


def test_search_validates_paging(client, catalog):
    assert client.get("/api/v1/programs?limit=0").status_code == 422
    assert client.get("/api/v1/programs?limit=101").status_code == 422
    assert client.get("/api/v1/programs?page=2").status_code == 422  # cursor pages now
    assert client.get("/api/v1/programs?cursor=forged").status_code == 422


def _walk(client, url):
    codes, pages = [], 0
    while url:
        body = client.get(url).json()
        codes += [item["code"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    return codes, pages


@pytest.mark.parametrize("sort", ["title", "newest", "relevance", "fee", "start"])
def test_search_cursor_pages_walk_every_result_once(client, catalog, sort):
    # when
    codes, pages = _walk(client, f"/api/v1/programs?limit=1&sort={sort}&q=品質 OR Python")
    # then: the same programs, in the same order, as one big page
    whole = client.get(f"/api/v1/programs?limit=100&sort={sort}&q=品質 OR Python").json()
    assert codes == [item["code"] for item in whole["items"]]
    assert sorted(codes) == ["PY", "QC-1", "QC-2"]
    assert pages == 3


def test_search_pages_are_stable_when_programs_are_added(client, catalog, owner_org, make_program):
    # given: the first page in title order, then a program whose title sorts before every other
    first = client.get("/api/v1/programs?limit=2&sort=title").json()
    make_program(owner_org, "AAA", title_ja="AAA 入門")
    # when
    rest, _ = _walk(client, first["next"])
    # then: nothing shown twice, nothing skipped; the new one is in front, not on a later page
    assert [item["code"] for item in first["items"]] + rest == ["PY", "QC-2", "QC-1"]
    assert client.get("/api/v1/programs?limit=1&sort=title").json()["items"][0]["code"] == "AAA"


def test_detail(client, catalog):
    body = client.get("/api/v1/programs/owner-u/QC-1").json()
    assert body["title_ja"] == "品質管理入門"
    assert len(body["runs"]) == 1
    assert body["shared_with"] == []
    assert client.get("/api/v1/programs/owner-u/DRAFT").status_code == 404  # drafts are not public
    missing = client.get("/api/v1/programs/owner-u/NOPE")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_owner_sees_the_draft(client, catalog, owner):
    client.force_login(owner)
    assert client.get("/api/v1/programs/owner-u/DRAFT").status_code == 200
    assert client.get("/api/v1/programs", {"q": "品質"}).json()["total"] == 3


def test_providers(client, catalog):
    body = client.get("/api/v1/providers").json()
    assert {p["key"]: p["programs"] for p in body["items"]} == {"owner-u": 2, "other-u": 1}
    first = client.get("/api/v1/providers?limit=1").json()
    second = client.get(first["next"]).json()
    assert [p["key"] for p in first["items"] + second["items"]] == [p["key"] for p in body["items"]]
    assert (first["count"], second["next"]) == (2, None)


def test_contents(client, catalog):
    body = client.get("/api/v1/contents").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["licence"], item["is_sample"], item["curricula"]) == ("CC-BY-4.0", True, ["mdash"])
    assert client.get(f"/api/v1/contents/{catalog.pk}").json()["code"] == "C1"
    assert client.get("/api/v1/contents", {"q": "分析"}).json()["count"] == 1
    assert client.get("/api/v1/contents", {"q": "看護"}).json()["count"] == 0
    assert client.get("/api/v1/contents/999999").status_code == 404


def test_curricula(client, catalog):
    body = client.get("/api/v1/curricula").json()["items"]
    assert [c["key"] for c in body] == ["mdash"]
    assert body[0]["units"][0]["contents"][0]["code"] == "C1"


def test_geojson(client, catalog):
    response = client.get("/api/v1/programs.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    programs = [f for f in body["features"] if f["properties"]["kind"] == "program"]
    providers = [f for f in body["features"] if f["properties"]["kind"] == "provider"]
    assert {f["properties"]["code"] for f in programs} == {"QC-2", "PY"}  # QC-1 is online, without a place
    assert programs[0]["geometry"]["type"] == "Point"
    assert (body["total"], body["located"], body["truncated"]) == (3, 2, False)
    assert [f["properties"]["provider"] for f in providers] == ["owner-u"]  # other-u has no coordinates
    assert providers[0]["properties"]["programs"] == 2
    filtered = client.get("/api/v1/programs.geojson?mode=hybrid&lang=en").json()
    assert [
        f["properties"]["code"] for f in filtered["features"] if f["properties"]["kind"] == "program"
    ] == ["PY"]
    assert filtered["features"][0]["properties"]["url"] == "/en/programs/other-u/PY/"


def test_openapi_names_the_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "programs_list",
        "programs_detail",
        "programs_geojson",
        "providers_list",
        "contents_list",
        "contents_detail",
        "curricula_list",
    } <= operations

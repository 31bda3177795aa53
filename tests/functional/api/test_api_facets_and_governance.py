"""Issue 10's API items: facet labels in both languages, facet values by the codes the API shows, a 422
for a value that names nothing, and read routes for bodies, posts, documents and meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from factories import AgendaItemFactory, BodyFactory, MeetingFactory, PostFactory

from renkei.networks.models import Attendance, Decision, Document, DocumentVersion, Tenure
from renkei.organisations.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(owner_org: Any, other_org: Any, make_program: Any, concepts: Any) -> Any:
    make_program(
        owner_org, "QC-1", title_ja="品質管理入門", fields=[concepts.management], skills=[concepts.quality]
    )
    make_program(
        other_org, "PY", title_ja="Python入門", fields=[concepts.informatics], skills=[concepts.python]
    )
    return concepts


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["code"] for item in response.json()["items"])


def test_facets_carry_their_labels_in_both_languages(client: Any, programs: Any) -> None:
    for language in ("ja", "en"):
        body = client.get("/api/v1/programs", HTTP_ACCEPT_LANGUAGE=language).json()
        field = next(f for f in body["facets"] if f["key"] == "field")
        assert (field["label_ja"], field["label_en"]) == ("分野", "Field")
        assert field["label"] == field["label_ja"]  # `label` in Japanese, as before
        management = next(v for v in field["values"] if v["value"] == str(programs.management.pk))
        assert (management["label_ja"], management["label_en"]) == ("経営", "Management")
        assert management["label"] == management["label_ja"]
        mode = next(f for f in body["facets"] if f["key"] == "mode")
        assert all(v["label_ja"] and v["label_en"] for v in mode["values"])
        assert {v["label_en"] for v in mode["values"]} != {v["label_ja"] for v in mode["values"]}


def test_a_field_or_skill_is_selected_by_the_code_the_api_shows_or_by_its_id(
    client: Any, programs: Any
) -> None:
    item = next(i for i in client.get("/api/v1/programs").json()["items"] if i["code"] == "QC-1")
    code = item["fields"][0]["code"]
    assert code == "f-mgmt"
    assert _codes(client.get("/api/v1/programs", {"field": code})) == ["QC-1"]
    assert _codes(client.get("/api/v1/programs", {"field": programs.management.pk})) == ["QC-1"]
    assert _codes(client.get("/api/v1/programs?skill=s-python&skill=s-quality")) == ["PY", "QC-1"]
    assert _codes(client.get("/api/v1/programs", {"field": "f-info"})) == ["PY"]
    geojson = client.get("/api/v1/programs.geojson", {"field": "f-info"})
    assert geojson.status_code == 200
    selected = next(
        f for f in client.get("/api/v1/programs", {"field": code}).json()["facets"] if f["key"] == "field"
    )
    assert [v["value"] for v in selected["values"] if v["selected"]] == [str(programs.management.pk)]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("field=no-such-field", "field"),
        ("field=f-python", "field"),  # a skill's code is not a field
        ("skill=999999", "skill"),
        ("provider=no-such-university", "provider"),
    ],
)
def test_a_facet_value_that_names_nothing_is_a_422_naming_it(
    client: Any, programs: Any, query: str, parameter: str
) -> None:
    for url in (f"/api/v1/programs?{query}", f"/api/v1/programs.geojson?{query}"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 422, url
        assert response["Content-Type"].startswith("application/problem+json")
        problem = response.json()
        assert [e["parameter"] for e in problem["errors"]] == [parameter]
        assert query.split("=", 1)[1] in problem["errors"][0]["detail"]
        assert "Nothing is named" in problem["detail"]
    japanese = client.get(f"/api/v1/programs?{query}", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert "当たるものはありません" in japanese["detail"]


def test_the_search_page_stays_lenient_and_takes_codes_too(client: Any, programs: Any) -> None:
    assert client.get("/programs/search/?field=no-such-field").status_code == 200
    html = client.get("/programs/search/?field=f-mgmt").content.decode()
    assert "品質管理入門" in html
    assert "Python入門" not in html


@pytest.fixture
def governance(network: Any, owner_org: Any, other_org: Any) -> Any:
    body = BodyFactory(network=network, key="council", name_ja="運営会議")
    post = PostFactory(body=body, label_ja="議長")
    person = Person.objects.create(name_ja="議長 太郎", name_en="Taro Gicho", organisation=owner_org)
    Tenure.objects.create(post=post, person=person, on_behalf_of=owner_org, start_date=dt.date(2024, 4, 1))
    document = Document.objects.create(network=network, title_ja="規約", title_en="Bylaws")
    DocumentVersion.objects.create(
        document=document, number=1, text_ja="第1条", adopted_on=dt.date(2020, 4, 1)
    )
    DocumentVersion.objects.create(document=document, number=2, text_ja="第1条（改）", change_summary="改正")
    public = MeetingFactory(body=body, title_ja="公開の総会", is_public=True, held_on=dt.date(2024, 7, 1))
    item = AgendaItemFactory(meeting=public, title_ja="議長の選任")
    Decision.objects.create(meeting=public, agenda_item=item, text_ja="議長を選任した")
    Attendance.objects.create(meeting=public, organisation=other_org, attendees=2)
    private = MeetingFactory(body=body, title_ja="非公開の会議", is_public=False, held_on=dt.date(2024, 8, 1))
    return {"body": body, "post": post, "document": document, "public": public, "private": private}


def test_bodies_and_posts_are_read_with_participants_and_terms(client: Any, governance: Any) -> None:
    bodies = client.get("/api/v1/bodies", {"network": "network-n"}).json()
    assert [b["key"] for b in bodies["items"]] == ["council"]
    assert bodies["next"] is None
    detail = client.get("/api/v1/bodies/network-n/council").json()
    assert detail["name_ja"] == "運営会議"
    assert client.get("/api/v1/bodies/network-n/nothing").status_code == 404
    posts = client.get("/api/v1/posts", {"network": "network-n", "body": "council"}).json()["items"]
    assert posts[0]["label_ja"] == "議長"
    assert posts[0]["tenures"] == [
        {
            "person_ja": "議長 太郎",
            "person_en": "Taro Gicho",
            "on_behalf_of": "owner-u",
            "start_date": "2024-04-01",
            "end_date": None,
        }
    ]
    assert client.get("/api/v1/bodies", {"kind": "parliament"}).status_code == 422


def test_documents_list_their_versions_and_the_detail_has_the_text(client: Any, governance: Any) -> None:
    listed = client.get("/api/v1/documents").json()["items"]
    assert [v["number"] for v in listed[0]["versions"]] == [2, 1]
    assert "text_ja" not in listed[0]["versions"][0]
    detail = client.get(f"/api/v1/documents/{governance['document'].pk}").json()
    assert detail["versions"][0]["text_ja"] == "第1条（改）"


def test_a_meeting_not_marked_public_is_for_the_networks_members_only(
    client: Any, governance: Any, viewer: Any, outsider: Any
) -> None:
    public, private = governance["public"], governance["private"]
    titles = [m["title_ja"] for m in client.get("/api/v1/meetings").json()["items"]]
    assert titles == ["公開の総会"]
    assert client.get(f"/api/v1/meetings/{private.pk}").status_code == 404
    detail = client.get(f"/api/v1/meetings/{public.pk}").json()
    assert detail["agenda_items"][0]["title_ja"] == "議長の選任"
    assert detail["decisions"][0]["agenda_item"] == detail["agenda_items"][0]["number"]
    assert detail["attendances"] == [{"organisation": "other-u", "attendees": 2}]
    client.force_login(outsider)
    assert client.get(f"/api/v1/meetings/{private.pk}").status_code == 404
    client.force_login(viewer)  # a viewer at a member organisation
    titles = [m["title_ja"] for m in client.get("/api/v1/meetings").json()["items"]]
    assert titles == ["非公開の会議", "公開の総会"]  # the latest first
    assert client.get("/api/v1/meetings", {"public": "false"}).json()["items"][0]["id"] == private.pk


def test_governance_lists_page_by_cursor(client: Any, governance: Any, viewer: Any) -> None:
    client.force_login(viewer)  # sees both meetings
    first = client.get("/api/v1/meetings", {"limit": 1}).json()
    assert [m["title_ja"] for m in first["items"]] == ["非公開の会議"]
    second = client.get(first["next"]).json()
    assert [m["title_ja"] for m in second["items"]] == ["公開の総会"]
    assert second["next"] is None
    assert client.get("/api/v1/meetings", {"cursor": "nonsense"}).status_code == 422

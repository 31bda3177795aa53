"""The v1 REST API through the Django test client, and its OpenAPI snapshot."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.utils import timezone
from factories import MembershipFactory, NetworkFactory, OrganisationFactory

from renkei.networks.models import Membership, Network
from renkei.organisations.models import Organisation

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"
PROBLEM = "application/problem+json"


def get(client, url: str, **params: object) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- organisations ---------------------------------------------------------------------------------------


def test_organisations_are_paged_by_cursor(client, demo_loaded):
    # given
    total = Organisation.objects.count()
    # when
    first = get(client, "/api/v1/organisations")
    keys, url, pages = [], "/api/v1/organisations?limit=40", 0
    while url:
        page = get(client, url)
        keys += [o["key"] for o in page["items"]]
        url, pages = page["next"], pages + 1
    # then
    assert first["count"] == total
    assert len(first["items"]) == min(total, 100)
    assert first["next"].startswith("http://localhost/api/v1/organisations?cursor=")
    assert pages == -(-total // 40)
    assert keys == [o["key"] for o in get(client, "/api/v1/organisations", limit=1000)["items"]]
    assert len(set(keys)) == total


def test_pages_are_stable_when_records_are_added(client, demo_loaded):
    """Keyset pages: a record added in front of the cursor's place neither repeats nor hides a row."""
    # given: the first page of municipalities, read before a new one sorts in front of it
    first = get(client, "/api/v1/organisations", kind="municipality", limit=5)
    OrganisationFactory(key="aaa-new-town", kind="municipality", name_kana="")
    # when
    second = get(client, first["next"])
    # then
    every = [o["key"] for o in get(client, "/api/v1/organisations", kind="municipality", limit=1000)["items"]]
    assert every.index("aaa-new-town") < every.index(first["items"][-1]["key"])  # it did sort in front
    shown = [o["key"] for o in first["items"]] + [o["key"] for o in second["items"]]
    assert shown == [key for key in every if key != "aaa-new-town"][:10]
    assert second["count"] == first["count"] + 1


def test_a_cursor_keeps_the_filters_of_its_link(client, demo_loaded):
    first = get(client, "/api/v1/organisations", kind="municipality", prefecture="06", limit=20)
    second = get(client, first["next"])
    assert {o["kind"] for o in second["items"]} == {"municipality"}
    assert first["count"] == second["count"] == 35
    assert second["next"] is None


@pytest.mark.parametrize(
    ("url", "parameter", "code"),
    [
        ("/api/v1/organisations?offset=5", "offset", "unknown-parameter"),
        ("/api/v1/organisations?cursor=not-a-cursor", "cursor", "invalid-value"),
        ("/api/v1/organisations?limit=0", "limit", "invalid-value"),
        ("/api/v1/organisations?limit=%C2%B2", "limit", "invalid-value"),
        ("/api/v1/organisations?limit=99999999999999999999999", "limit", "invalid-value"),
        ("/api/v1/organisations?kind=university&kind=company", "kind", "repeated-parameter"),
        ("/api/v1/organisations?kind=no-such-kind", "kind", "invalid-value"),
        ("/api/v1/organisations?q=a%00b", "q", "invalid-value"),
        ("/api/v1/organisations?q=%zz", "", "malformed-query"),
        ("/api/v1/organisations?q=%C3", "", "malformed-query"),
        ("/api/v1/networks/yamagata-platform?x=1", "x", "unknown-parameter"),
        ("/api/v1/contents?unit=99999999999999999999999", "unit", "invalid-value"),
        ("/api/v1/memberships?current=maybe", "current", "invalid-value"),
    ],
)
def test_bad_parameters_are_named_in_a_422(client, demo_loaded, url, parameter, code):
    # when
    response = client.get(url, headers={"accept-language": "en"})
    # then
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"].startswith("/api/v1/problems/")
    assert [(e["parameter"], e["code"]) for e in problem["errors"]] == [(parameter, code)]
    assert problem["detail"].isascii()  # English, as asked


def test_problem_details_follow_the_request_language(client, demo_loaded):
    ja = client.get("/api/v1/organisations?limit=0").json()
    en = client.get("/api/v1/organisations?limit=0", headers={"accept-language": "en"}).json()
    assert ja["type"] == en["type"] == "/api/v1/problems/invalid-value"
    assert ja["detail"] == "limit: 1以上の値を指定してください。"
    assert en["detail"] == "limit: Give a value of at least 1."
    assert (ja["title"], en["title"]) == ("値が正しくありません", "Invalid value")


def test_organisations_carry_both_languages_identifiers_and_sources(client, demo_loaded):
    items = get(client, "/api/v1/organisations", q="東北大学")["items"]
    tohoku = next(o for o in items if o["key"] == "tohoku-u")
    assert (tohoku["name_ja"], tohoku["name_en"]) == ("東北大学", "Tohoku University")
    assert tohoku["kind"] == "university"
    assert tohoku["parent"] is None
    assert tohoku["prefecture"] == "04"
    assert {"scheme": "mext", "value": "F104110100856"} in tohoku["identifiers"]
    assert "000" in tohoku["sources"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "municipality"}, lambda: Organisation.objects.filter(kind="municipality")),
        ({"prefecture": "06"}, lambda: Organisation.objects.filter(prefecture="06")),
        (
            {"kind": "university", "prefecture": "06"},
            lambda: Organisation.objects.filter(kind="university", prefecture="06"),
        ),
        ({"q": "IPMU"}, lambda: Organisation.objects.filter(key="utokyo.ipmu")),
        ({"q": "とうほく"}, lambda: Organisation.objects.filter(name_kana__contains="とうほく")),
        ({"parent": "utokyo"}, lambda: Organisation.objects.filter(parent__key="utokyo")),
        ({"country": "fr"}, lambda: Organisation.objects.filter(country="FR")),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else "",
)
def test_organisation_filters(client, demo_loaded, params, expected):
    # when
    body = get(client, "/api/v1/organisations", limit=1000, **params)
    # then
    keys = set(expected().values_list("key", flat=True))
    assert body["count"] == len(keys)
    assert {o["key"] for o in body["items"]} == keys
    assert keys  # every filter matches something


def test_municipality_filter_returns_the_35_of_yamagata(client, demo_loaded):
    body = get(client, "/api/v1/organisations", kind="municipality", prefecture="06")
    assert body["count"] == 35
    # organisations of their own, located in the prefecture, not units of it
    assert {o["parent"] for o in body["items"]} == {None}
    assert {o["prefecture"] for o in body["items"]} == {"06"}


def test_an_organisation_in_detail(client, demo_loaded):
    # when
    utokyo = get(client, "/api/v1/organisations/utokyo")
    paris = get(client, "/api/v1/organisations/paris-group")
    # then
    assert utokyo["name_en"] == "The University of Tokyo"
    codes = {unit["code"] for unit in utokyo["units"]}
    assert {"法", "医", "工", "東文研", "IPMU", "IRCN", "IFI", "病院"} <= codes
    assert len(utokyo["units"]) == Organisation.objects.filter(parent__key="utokyo").count()
    assert [c["key"] for c in paris["components"]] == [
        "polytechnique",
        "enpc",
        "ens-paris-saclay",
        "ens-psl",
        "cnrs",
        "u-bordeaux",
    ]


@pytest.mark.parametrize("url", ["/api/v1/organisations/no-such-org", "/api/v1/networks/no-such-network"])
def test_unknown_keys_are_problem_details(client, demo_loaded, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/not-found"
    assert problem["title"] == "見つかりません"
    assert problem["status"] == 404
    assert problem["detail"]


def test_problem_types_describe_themselves(client, db):
    problem = client.get("/api/v1/organisations?limit=0").json()
    described = client.get(problem["type"]).json()
    assert described["status"] == 422
    assert described["title"] == {"ja": "値が正しくありません", "en": "Invalid value"}


def test_unknown_api_paths_are_problem_details(client, db):
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


# --- networks and memberships -----------------------------------------------------------------------------


def test_networks_list(client, demo_loaded):
    # when
    body = get(client, "/api/v1/networks")
    # then
    assert body["count"] == Network.objects.count() == 4
    by_key = {n["key"]: n for n in body["items"]}
    alliance = by_key["tohoku-sosei-alliance"]
    assert alliance["name_ja"] == "東北創成国立大学アライアンス"
    assert alliance["founded_on"] == "2021-03-12"
    assert alliance["founded_precision"] == "day"
    # the seed states only the month: the API says so, without inventing a day
    assert by_key["yamagata-platform"]["founded_on"] == "2022-10"
    assert by_key["yamagata-platform"]["founded_precision"] == "month"
    assert alliance["member_count"] == 8
    assert alliance["sources"] == ["000"]
    assert by_key["yamagata-platform"]["member_count"] == 46  # named members; the secretariat is not counted


def test_a_network_in_detail(client, demo_loaded):
    # when
    platform = get(client, "/api/v1/networks/yamagata-platform")
    # then
    assert platform["kind"] == "platform"
    assert [(c["subject"], c["value"]) for c in platform["declared_counts"]] == [
        ("members", 59),
        ("heis", 13),
        ("prefecture", 1),
        ("municipalities", 35),
        ("associations", 10),
    ]
    assert platform["declared_counts"][0]["as_of"] == "2023-05-11"


def test_memberships_of_a_network(client, demo_loaded):
    # when
    body = get(client, "/api/v1/memberships", network="yamagata-platform", current="true")
    # then
    assert body["count"] == Membership.objects.filter(network__key="yamagata-platform").count() == 47
    assert {m["network"] for m in body["items"]} == {"yamagata-platform"}
    kinds = [m["organisation"]["key"] for m in body["items"] if m["organisation"]["kind"] == "municipality"]
    assert len(kinds) == 35
    secretariat = [m for m in body["items"] if m["role"] == "secretariat"]
    assert [m["organisation"]["key"] for m in secretariat] == ["yamagata-u"]
    assert {m["source"] for m in body["items"]} == {"002"}


def test_current_memberships_leave_out_ended_and_future_ones(client, db):
    # given
    network = NetworkFactory(key="n")
    today = timezone.localdate()
    MembershipFactory(network=network, organisation__key="current")
    MembershipFactory(network=network, organisation__key="ended", end_date=today - dt.timedelta(days=1))
    MembershipFactory(network=network, organisation__key="future", start_date=today + dt.timedelta(days=1))
    MembershipFactory(organisation__key="elsewhere")
    # when
    current = get(client, "/api/v1/memberships", network="n", current="true")
    every = get(client, "/api/v1/memberships", network="n")
    # then
    assert [m["organisation"]["key"] for m in current["items"]] == ["current"]
    assert {m["organisation"]["key"] for m in every["items"]} == {"current", "ended", "future"}
    ended = next(m for m in every["items"] if m["organisation"]["key"] == "ended")
    assert ended["end_date"] == (today - dt.timedelta(days=1)).isoformat()


def test_memberships_of_an_organisation(client, demo_loaded):
    body = get(client, "/api/v1/memberships", organisation="tohoku-u")
    assert sorted((m["network"], m["role"]) for m in body["items"]) == [
        ("tohoku-sosei-alliance", "member"),
        ("tohoku-sosei-alliance", "secretariat"),
    ]


# --- query counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/organisations", 4),
        ("/api/v1/organisations/utokyo", 6),
        ("/api/v1/networks", 4),
        ("/api/v1/memberships?network=yamagata-platform", 2),
    ],
)
def test_api_query_counts_are_pinned(client, demo_loaded, django_assert_max_num_queries, url, queries):
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


# --- OpenAPI ---------------------------------------------------------------------------------------------------


def test_openapi_matches_the_snapshot(client, db):
    """A change to the public API must be deliberate: run with UPDATE_SNAPSHOTS=1 to accept it."""
    # when
    response = client.get("/api/v1/openapi.json")
    # then
    assert response.status_code == 200
    current = response.json()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        pytest.fail(
            f"OpenAPI snapshot updated: {SNAPSHOT}; check the diff, then run again without UPDATE_SNAPSHOTS"
        )
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}: run with UPDATE_SNAPSHOTS=1 to write it"
    assert current == json.loads(SNAPSHOT.read_text()), (
        "the OpenAPI schema changed: if intended, run with UPDATE_SNAPSHOTS=1 and commit the new snapshot"
    )


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document names each schema by its class name: two classes of one name become one
    component, and one of them then describes the other's responses wrongly (as catalog's and
    matching's `RunOut` did). Every schema class the routers use must have a name of its own."""
    from ninja import Schema

    from renkei.api.urls import api

    api.get_openapi_schema()  # imports every router and its schemas

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    ours = {c for c in subclasses(Schema) if c.__module__.startswith("renkei.")}
    by_name: dict[str, set[str]] = {}
    for cls in ours:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_openapi_documents_the_v1_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/organisations",
        "/api/v1/organisations/{key}",
        "/api/v1/networks",
        "/api/v1/networks/{key}",
        "/api/v1/memberships",
    } <= set(paths)


def test_every_operation_documents_its_problems(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = {"get": "200", "post": "201", "put": "200", "patch": "200", "delete": "204"}[method]
            if method == "post" and "200" in responses and "201" not in responses:
                success = "200"  # an action on an existing record (an agreement version's transition)
            problems = {"400", "401", "403", "422", "429"}
            problems |= {"404"} if "{" in path else set()
            problems |= {"409"} if method != "get" else set()
            assert {success} | problems <= set(responses), (method, path, sorted(responses))
            for status in problems:
                assert list(responses[status]["content"]) == [PROBLEM], (method, path, status)
                assert responses[status]["content"][PROBLEM]["example"]["status"] == int(status)
            assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
            if method != "get":
                assert operation["security"] == [{"BearerToken": []}, {"BrowserSession": []}]
                assert any(
                    p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"]
                )
            else:
                assert {} in operation["security"]  # reading needs no credentials


def test_creates_link_to_what_can_be_done_with_the_new_record(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    links = paths["/api/v1/programs"]["post"]["responses"]["201"]["links"]
    assert links["GetProgram"] == {
        "operationId": "programs_detail",
        "parameters": {"provider_key": "$response.body#/provider", "code": "$response.body#/code"},
    }
    operation_ids = {op["operationId"] for path in paths.values() for op in path.values()}
    for path in paths.values():
        for operation in path.values():
            for link in operation["responses"].get("201", {}).get("links", {}).values():
                assert link["operationId"] in operation_ids


def test_filters_document_their_allowed_values(client, db):
    parameters = {
        p["name"]: p["schema"]
        for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/programs"]["get"]["parameters"]
    }
    assert parameters["mode"]["items"]["enum"] == ["onsite", "online", "hybrid", "on_demand"]
    assert parameters["sort"]["enum"] == ["relevance", "newest", "start", "fee", "title"]
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 100)
    assert parameters["q"]["maxLength"] == 200
    assert parameters["field"]["maxItems"] == 20
    assert parameters["cursor"]["format"] == "cursor-programs"


@pytest.mark.parametrize(
    ("url", "assets"),
    [
        ("/api/v1/docs", ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"]),
        ("/api/v1/redoc", ["ninja/redoc.standalone.js", "renkei/redoc-init.js"]),
    ],
)
def test_api_docs_are_served_from_the_package_offline(client, db, url, assets):
    # when
    html = client.get(url).content.decode()
    # then: every script and style is ours, none comes from a CDN
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script (a strict Content-Security-Policy can apply)
    for asset in assets:
        assert f"/static/{asset}" in html
        response = client.get(f"/static/{asset}")
        response.close()  # a file response
        assert response.status_code == 200

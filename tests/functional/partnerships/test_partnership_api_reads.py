"""The partnership reads of the v1 API beyond the matrix: joint funds with their calls and funded
projects, joint degree programs with their figures and partners, network projects, a partnership's
mobility figures (counted and declared kept apart) and its health. Each lists what the pages show
from the demo; an outsider does not see an unpublished partnership's records nor the applications
that were not funded; lists are paged with a `next` link; an unknown parameter is a 422."""

from __future__ import annotations

import html
import re

import pytest
from factories import OrganisationFactory
from support.api_tokens import bearer

from renkei.partnerships import models as pm

PROBLEM = "application/problem+json"
API = "/api/v1/partnerships"


def _all(client, url: str, **headers: str) -> list[dict]:
    """Every item of a list, following the `next` links."""
    items: list[dict] = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["items"]
        url = body["next"]
    return items


# --- the demo, as the public sees it ------------------------------------------------------------------


def test_the_princeton_fund_keeps_its_declared_counts_apart_from_the_recorded_call(
    client, demo_loaded
) -> None:
    # when
    body = client.get(f"{API}/funds").json()
    # then: 003's 9 calls and 29 projects as declared, the one sample call recorded beside them
    (fund,) = body["items"]
    assert (fund["key"], fund["partnership"], fund["partner"]) == (
        "princeton-utokyo-joint-fund",
        "utokyo-princeton",
        "princeton",
    )
    assert (fund["declared_calls"], fund["declared_projects"]) == (9, 29)
    assert [(c["number"], c["is_sample"]) for c in fund["calls"]] == [(10, True)]
    # the public sees the funded projects only, marked as sample data
    outcomes = [a["outcome"] for a in fund["calls"][0]["applications"]]
    assert outcomes
    assert set(outcomes) == {"funded"}
    assert all(a["is_sample"] for a in fund["calls"][0]["applications"])
    assert fund["funded_projects"] == len(outcomes)
    assert body["count"] == 1
    assert body["next"] is None


def test_the_home_staff_see_every_application_with_its_outcome(client, demo_loaded, superuser) -> None:
    # given
    client.force_login(superuser)
    # when
    (fund,) = client.get(f"{API}/funds?partnership=utokyo-princeton").json()["items"]
    # then: the application that was not funded as well
    outcomes = {a["outcome"] for a in fund["calls"][0]["applications"]}
    assert {"funded", "not_funded"} <= outcomes


def test_the_joint_degree_programs_with_their_partners_and_figures(client, demo_loaded) -> None:
    # when
    programs = _all(client, f"{API}/joint-degrees?limit=1")
    partners = _all(client, f"{API}/joint-degrees/partners?owner=tohoku-u&limit=2")
    figures = _all(client, f"{API}/joint-degrees/figures?owner=tohoku-u&fiscal_year=2019")
    # then: the three programs 001 names, spintronics first; Mainz the first partner
    assert [p["key"] for p in programs] == [
        "tohoku-jgp-spintronics",
        "tohoku-jgp-data-science",
        "tohoku-jgp-japanese-studies",
    ]
    assert all(p["owner"] == "tohoku-u" for p in programs)
    assert len(partners) == 5
    assert "Mainz" in partners[0]["name_en"]
    by_metric = {f["metric"]: f for f in figures}
    assert (by_metric["enrolment"]["value"], by_metric["graduates"]["value"]) == (197, 21)
    assert by_metric["funding_yen"]["value"] == 290_000_000
    assert by_metric["programs"]["value"] == 9
    assert by_metric["partners"]["value"] == 20
    assert {f["basis"] for f in figures} == {"declared"}


def test_a_metric_filter_keeps_one_metric(client, demo_loaded) -> None:
    body = client.get(f"{API}/joint-degrees/figures?metric=enrolment").json()
    assert [(f["fiscal_year"], f["value"]) for f in body["items"]] == [(2019, 197)]


def test_the_forums_project(client, demo_loaded) -> None:
    # when
    body = client.get(f"{API}/network-projects?network=internationalization-forum").json()
    # then: UTokyo's project on strategic partnership networks
    (project,) = body["items"]
    assert (project["key"], project["lead"], project["network"]) == (
        "strategic-partnership-network",
        "utokyo",
        "internationalization-forum",
    )
    assert client.get(f"{API}/network-projects?network=no-such-network").json()["items"] == []


def test_mobility_keeps_counted_and_declared_figures_apart(client, demo_loaded) -> None:
    # when: the NTU partnership's counted (sample) flows, paged two at a time
    counted = _all(client, f"{API}/utokyo-ntu-tw/mobility?basis=counted&limit=2")
    outbound = client.get(f"{API}/utokyo-ntu-tw/mobility?basis=counted&direction=outbound").json()
    # then: the sample agreement's figures, FY2021-2025 each way, marked as sample data
    assert len(counted) == 10
    assert {f["basis"] for f in counted} == {"counted"}
    assert all(f["is_sample"] for f in counted)
    assert {f["agreement"] for f in counted} == {"sample-utokyo-ntu-exchange"}
    assert [(f["fiscal_year"], f["count"]) for f in outbound["items"]] == [
        (2021, 0),
        (2022, 3),
        (2023, 6),
        (2024, 7),
        (2025, 5),
    ]


def test_a_declared_figure_stays_declared(client, demo_loaded) -> None:
    # when: a partnership whose source declares 'over 100 faculty and students a year'
    declared = []
    for partnership in _all(client, API):
        declared += _all(client, f"{API}/{partnership['key']}/mobility?basis=declared")
    # then: the source's figures, not counted, with their qualifier and no sample flag
    assert declared
    assert {(f["count"], f["qualifier"]) for f in declared} >= {(100, "over"), (100, "under")}
    assert not any(f["is_sample"] for f in declared)


def test_health_gives_the_score_with_its_reasons_to_the_home_staff(client, demo_loaded, superuser) -> None:
    # given: the public does not see it (the page shows it to the home's staff only)
    refused = client.get(f"{API}/utokyo-ntu-tw/health")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith(PROBLEM)
    client.force_login(superuser)
    # when
    body = client.get(f"{API}/utokyo-ntu-tw/health").json()
    page = client.get("/en/partnerships/utokyo-ntu-tw/").content.decode()
    # then: the score the page shows, its band, and reasons in both languages
    assert 0 <= body["score"] <= 100
    assert body["band"] in {"good", "watch", "poor"}
    assert body["reasons"]
    assert all(r["message_ja"] and r["message_en"] for r in body["reasons"])
    shown = re.search(r'<section class="panel health.*?</section>', page, re.S)
    assert shown is not None
    items = [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", shown.group(0))]
    assert items == [
        f"{'+' if r['points'] > 0 else ''}{r['points']} · {r['message_en']}" for r in body["reasons"]
    ]
    assert f'<span class="score">{body["score"]}</span>' in page


# --- what an outsider does not see ----------------------------------------------------------------------


@pytest.fixture
def unpublished(owner_org):
    partner = OrganisationFactory(key="hidden-u", name_ja="非公開大学", country="FR")
    partnership = pm.Partnership.objects.create(
        key="owner-hidden", home=owner_org, partner=partner, status="draft", summary_ja="概要"
    )
    fund = pm.JointFund.objects.create(partnership=partnership, key="hidden-fund", name_ja="非公開基金")
    pm.MobilityFigure.objects.create(
        partnership=partnership, fiscal_year=2024, direction="outbound", category="graduate", count=3
    )
    return partnership, fund


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_an_outsider_does_not_see_an_unpublished_partnerships_records(
    client, unpublished, outsider, who
) -> None:
    # given
    if who == "outsider":
        client.force_login(outsider)
    # then
    assert client.get(f"{API}/funds?partnership=owner-hidden").json()["items"] == []
    assert "hidden-fund" not in {f["key"] for f in _all(client, f"{API}/funds")}
    assert client.get(f"{API}/owner-hidden/mobility").status_code == 404
    assert client.get(f"{API}/owner-hidden/health").status_code == 404


def test_the_owners_staff_see_them(client, unpublished, owner, owner_org, api_token) -> None:
    token = api_token(owner, owner_org)
    funds = client.get(f"{API}/funds?partnership=owner-hidden", headers=bearer(token)).json()
    assert [f["key"] for f in funds["items"]] == ["hidden-fund"]
    mobility = client.get(f"{API}/owner-hidden/mobility", headers=bearer(token)).json()
    assert [(m["fiscal_year"], m["count"], m["basis"]) for m in mobility["items"]] == [(2024, 3, "counted")]
    assert client.get(f"{API}/owner-hidden/health", headers=bearer(token)).status_code == 200


# --- bad parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/funds?colour=red",
        f"{API}/joint-degrees?owner=tohoku-u&sort=name",
        f"{API}/joint-degrees/figures?metric=income",
        f"{API}/joint-degrees/partners?program=x",
        f"{API}/network-projects?lead=utokyo",
        f"{API}/utokyo-ntu-tw/mobility?direction=sideways",
        f"{API}/utokyo-ntu-tw/mobility?year=2024",
        f"{API}/funds?cursor=not-a-cursor",
    ],
)
def test_unknown_parameters_and_values_are_refused(client, demo_loaded, url) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith(PROBLEM)

"""The indicators API: reads with the policy (unpublished actuals only to the owners), and the owners'
writes of targets and actuals through the services, with a token or the session, and Idempotency-Key."""

from __future__ import annotations

import pytest
from factories import ActualFactory, EvaluationFactory, IndicatorFactory, InitiativeFactory, TargetFactory
from support.api_tokens import bearer, send

from renkei.core.models import AuditEntry
from renkei.indicators.models import Actual, Target

PROBLEM = "application/problem+json"


@pytest.fixture
def indicator(owner_org, network):
    initiative = InitiativeFactory(
        key="init-a", organisation=owner_org, name_ja="取組A", name_en="Initiative A"
    )
    EvaluationFactory(initiative=initiative, evaluator_ja="国際アドバイザリーボード", fiscal_year=2019)
    indicator = IndicatorFactory(
        key="students-a", initiative=initiative, baseline_value=2048, baseline_fy=2013, category="students"
    )
    TargetFactory(indicator=indicator, fiscal_year=2023, value=3500)
    ActualFactory(indicator=indicator, fiscal_year=2019, value=3548, state=Actual.State.PUBLISHED)
    ActualFactory(indicator=indicator, fiscal_year=2020, value=3600, state=Actual.State.ENTERED)
    IndicatorFactory(key="other-b", initiative=InitiativeFactory(key="init-b"), category="mobility")
    return indicator


@pytest.fixture
def token(owner, owner_org, api_token):
    return api_token(owner, owner_org)


def test_initiatives_and_indicators_are_listed_by_cursor_with_their_baselines(client, indicator):
    page = client.get("/api/v1/initiatives?limit=1").json()
    assert [i["key"] for i in page["items"]] == ["init-a"]
    assert page["count"] == 2
    assert page["next"]
    assert [i["key"] for i in client.get(page["next"]).json()["items"]] == ["init-b"]
    detail = client.get("/api/v1/initiatives/init-a").json()
    assert detail["organisation"] == "owner-u"
    assert [e["fiscal_year"] for e in detail["evaluations"]] == [2019]
    listed = client.get("/api/v1/indicators?organisation=owner-u").json()["items"]
    assert [i["key"] for i in listed] == ["students-a"]
    assert listed[0]["baseline"] == {"value": "2048.00", "fiscal_year": 2013}
    assert [i["key"] for i in client.get("/api/v1/indicators?category=mobility").json()["items"]] == [
        "other-b"
    ]


def test_unpublished_actuals_are_seen_only_by_the_owners(client, indicator, owner, outsider):
    public = client.get("/api/v1/indicators/students-a").json()
    assert [a["fiscal_year"] for a in public["actuals"]] == [2019]
    assert [p["fiscal_year"] for p in public["series"]] == [2019]
    assert public["targets"][0]["value"] == "3500.00"
    assert public["progress"]["status"] == "achieved"
    client.force_login(outsider)
    assert [a["fiscal_year"] for a in client.get("/api/v1/indicators/students-a").json()["actuals"]] == [2019]
    client.force_login(owner)
    owned = client.get("/api/v1/indicators/students-a").json()
    assert [(a["fiscal_year"], a["state"]) for a in owned["actuals"]] == [
        (2019, "published"),
        (2020, "entered"),
    ]


def test_an_editor_sets_a_target_and_an_actual_through_the_services(client, indicator, token):
    created = send(
        client, "PUT", "/api/v1/indicators/students-a/targets/2019", {"value": 3200}, **bearer(token)
    )
    assert created.status_code == 201, created.content
    assert created.json()["value"] == "3200.00"
    replaced = send(
        client, "PUT", "/api/v1/indicators/students-a/targets/2019", {"value": 3300, "set_in_fy": 2016},
        **bearer(token),
    )  # fmt: skip
    assert replaced.status_code == 200
    assert Target.objects.get(indicator=indicator, fiscal_year=2019).value == 3300
    actual = send(
        client, "PUT", "/api/v1/indicators/students-a/actuals/2021", {"value": 3700, "source_detail": "p. 3"},
        **bearer(token),
    )  # fmt: skip
    assert actual.status_code == 201
    assert actual.json()["state"] == "entered"
    services = set(AuditEntry.objects.filter(via="api").values_list("service", flat=True))
    assert services == {"indicators.target_save", "indicators.actual_save"}
    assert (
        send(client, "DELETE", "/api/v1/indicators/students-a/targets/2019", **bearer(token)).status_code
        == 204
    )
    assert not Target.objects.filter(indicator=indicator, fiscal_year=2019).exists()


def test_a_skipped_verification_step_is_a_422_in_the_callers_language(client, indicator, token):
    before = AuditEntry.objects.count()
    response = send(
        client, "PUT", "/api/v1/indicators/students-a/actuals/2020", {"value": 3600, "state": "published"},
        **bearer(token, **{"Accept-Language": "en"}),
    )  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert Actual.objects.get(indicator=indicator, fiscal_year=2020).state == Actual.State.ENTERED
    assert AuditEntry.objects.count() == before


def test_the_same_idempotency_key_writes_once(client, indicator, token):
    headers = bearer(token, **{"Idempotency-Key": "target-2022-once"})
    first = send(client, "PUT", "/api/v1/indicators/students-a/targets/2022", {"value": 3400}, **headers)
    again = send(client, "PUT", "/api/v1/indicators/students-a/targets/2022", {"value": 3400}, **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert AuditEntry.objects.filter(service="indicators.target_save").count() == 1


def test_others_may_not_write_and_bad_bodies_write_nothing(
    client, indicator, viewer, api_token, owner_org, token
):
    assert send(client, "PUT", "/api/v1/indicators/students-a/targets/2022", {"value": 1}).status_code == 401
    viewer_token = api_token(viewer, owner_org)
    forbidden = send(
        client, "PUT", "/api/v1/indicators/students-a/targets/2022", {"value": 1}, **bearer(viewer_token)
    )
    assert forbidden.status_code == 403
    for body in ({"value": "lots"}, {"value": 1, "colour": "red"}, {"value": 10**13}, {}):
        response = send(client, "PUT", "/api/v1/indicators/students-a/targets/2022", body, **bearer(token))
        assert response.status_code == 422, body
    assert (
        send(
            client, "PUT", "/api/v1/indicators/students-a/targets/1800", {"value": 1}, **bearer(token)
        ).status_code
        == 422
    )
    assert not Target.objects.filter(fiscal_year__in=[2022, 1800]).exists()

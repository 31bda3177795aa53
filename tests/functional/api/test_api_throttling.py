"""Throttling: a request budget per token, per signed-in user and per address, answered past it with a
429 problem in the request's language and a Retry-After."""

from __future__ import annotations

import pytest
from support.api_tokens import bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def rates(settings):
    settings.RENKEI_API_RATES = {"token": "3/min", "user": "3/min", "address": "2/min", "failure": "2/min"}
    return settings.RENKEI_API_RATES


def _spent(client, n, **headers):
    return [client.get("/api/v1/networks", headers=headers).status_code for _ in range(n)]


def test_each_token_has_its_own_budget(client, rates, owner, owner_org, api_token):
    first, second = api_token(owner, owner_org), api_token(owner, owner_org)
    # when
    statuses = _spent(client, 4, **bearer(first))
    last = client.get("/api/v1/networks", headers=bearer(first, **{"Accept-Language": "en"}))
    # then
    assert statuses == [200, 200, 200, 429]
    assert last.status_code == 429
    assert last["Content-Type"] == PROBLEM
    assert last.json()["type"] == "/api/v1/problems/too-many-requests"
    assert last.json()["title"] == "Too many requests"
    assert 1 <= int(last["Retry-After"]) <= 60
    assert _spent(client, 1, **bearer(second)) == [200]  # the same address, another token


def test_writes_count_against_the_token_too(client, rates, owner, owner_org, api_token):
    token = api_token(owner, owner_org)
    _spent(client, 3, **bearer(token))
    response = client.post("/api/v1/programs", {}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 429
    assert response.json()["title"] == "リクエストが多すぎます"  # Japanese unless asked otherwise


def test_anonymous_callers_are_counted_by_address(client, rates, db):
    assert _spent(client, 3) == [200, 200, 429]
    other = client.get("/api/v1/networks", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    # a header the client writes itself does not make it someone else
    assert client.get("/api/v1/networks", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 429


def test_a_signed_in_user_has_a_budget_of_their_own(client, rates, owner):
    assert _spent(client, 2) == [200, 200]  # the address's budget is spent...
    client.force_login(owner)
    assert _spent(client, 4) == [200, 200, 200, 429]  # ... the user's is not


def test_guessing_tokens_is_throttled_by_address(client, rates, db):
    statuses = _spent(client, 3, **bearer("rk_aaaaaaaaaa_" + "A" * 43))
    assert statuses == [401, 401, 429]

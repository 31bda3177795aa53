"""`Idempotency-Key` on writes: a replay gets the first response, a different request with the key a
422, and a duplicate sent while the first is still running a 409 (two real threads, two connections)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connections
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone
from support.api_tokens import bearer, send

from renkei.api.models import IdempotencyKey
from renkei.catalog.models import Program
from renkei.core.models import AuditEntry

PROBLEM = "application/problem+json"
NEW = {"provider": "owner-u", "code": "IDEM-1", "title_ja": "一度だけの講座"}


@pytest.fixture
def token(owner, owner_org, api_token):
    return api_token(owner, owner_org)


def test_a_replay_returns_the_first_response_and_writes_once(client, token):
    # when
    first = send(client, "POST", "/api/v1/programs", NEW, **bearer(token, **{"Idempotency-Key": "order-1"}))
    entries = AuditEntry.objects.count()
    again = send(client, "POST", "/api/v1/programs", NEW, **bearer(token, **{"Idempotency-Key": "order-1"}))
    # then
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Program.objects.filter(code="IDEM-1").count() == 1
    assert AuditEntry.objects.count() == entries  # nothing written the second time


def test_a_replay_of_a_refusal_is_the_same_refusal(client, token):
    bad = {**NEW, "latitude": "38.2"}  # a latitude without its longitude: a rule across fields
    first = send(client, "POST", "/api/v1/programs", bad, **bearer(token, **{"Idempotency-Key": "k"}))
    again = send(client, "POST", "/api/v1/programs", bad, **bearer(token, **{"Idempotency-Key": "k"}))
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_the_same_key_for_a_different_request_is_a_422(client, token):
    send(client, "POST", "/api/v1/programs", NEW, **bearer(token, **{"Idempotency-Key": "order-1"}))
    # when
    other = send(
        client,
        "POST",
        "/api/v1/programs",
        {**NEW, "code": "IDEM-2"},
        **bearer(token, **{"Idempotency-Key": "order-1", "Accept-Language": "en"}),
    )
    # then
    assert other.status_code == 422
    assert other["Content-Type"] == PROBLEM
    assert other.json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert not Program.objects.filter(code="IDEM-2").exists()


def test_keys_belong_to_their_caller(client, token, owner, owner_org, api_token):
    other_token = api_token(owner, owner_org)
    send(client, "POST", "/api/v1/programs", NEW, **bearer(token, **{"Idempotency-Key": "same"}))
    second = send(
        client,
        "POST",
        "/api/v1/programs",
        {**NEW, "code": "IDEM-2"},
        **bearer(other_token, **{"Idempotency-Key": "same"}),
    )
    assert second.status_code == 201
    assert IdempotencyKey.objects.filter(key="same").count() == 2


def test_an_expired_key_is_a_new_key(client, token):
    send(client, "POST", "/api/v1/programs", NEW, **bearer(token, **{"Idempotency-Key": "old"}))
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # when: the key comes back a day later with another request
    later = send(
        client,
        "POST",
        "/api/v1/programs",
        {**NEW, "code": "IDEM-2"},
        **bearer(token, **{"Idempotency-Key": "old"}),
    )
    # then
    assert later.status_code == 201
    assert IdempotencyKey.objects.filter(key="old").count() == 1


@pytest.mark.parametrize("key", ["x" * 256, "with space", "日本語"])
def test_a_malformed_key_is_named_in_a_422(client, token, key):
    response = send(
        client,
        "POST",
        "/api/v1/programs",
        NEW,
        **bearer(token, **{"Idempotency-Key": key, "Accept-Language": "en"}),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "Idempotency-Key"
    assert not Program.objects.exists()


def test_a_delete_is_replayed_not_repeated_as_a_404(client, token):
    send(client, "POST", "/api/v1/programs", NEW, **bearer(token))
    first = send(
        client, "DELETE", "/api/v1/programs/owner-u/IDEM-1", **bearer(token, **{"Idempotency-Key": "del"})
    )
    again = send(
        client, "DELETE", "/api/v1/programs/owner-u/IDEM-1", **bearer(token, **{"Idempotency-Key": "del"})
    )
    assert first.status_code == again.status_code == 204


# --- two requests at once ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_sent_while_the_first_runs_gets_a_409(owner, owner_org, api_token):
    """The first request is held inside its service (a receiver of the program's post_save waits), so
    that the duplicate arrives on another thread, with its own connection, while the first is running."""
    token = api_token(owner, owner_org)
    headers = bearer(token, **{"Idempotency-Key": "concurrent-1"})
    inside, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def hold(sender, instance, **kwargs):
        if instance.code == NEW["code"] and threading.current_thread().name == "first":
            inside.set()
            release.wait(timeout=30)

    def first_request():
        try:
            results["first"] = send(
                Client(SERVER_NAME="localhost"), "POST", "/api/v1/programs", NEW, **headers
            )
        finally:
            connections.close_all()

    post_save.connect(hold, sender=Program, dispatch_uid="test-hold")
    try:
        first = threading.Thread(target=first_request, name="first")
        first.start()
        assert inside.wait(timeout=30), "the first request never reached its service"
        # when: the duplicate, on this thread and its own connection, while the first is inside
        duplicate = send(Client(SERVER_NAME="localhost"), "POST", "/api/v1/programs", NEW, **headers)
        release.set()
        first.join(timeout=60)
    finally:
        release.set()
        post_save.disconnect(dispatch_uid="test-hold", sender=Program)
    # then
    assert duplicate.status_code == 409, duplicate.content
    assert duplicate.json()["type"] == "/api/v1/problems/idempotency-in-progress"
    assert results["first"].status_code == 201
    replay = send(Client(SERVER_NAME="localhost"), "POST", "/api/v1/programs", NEW, **headers)
    assert (replay.status_code, json.loads(replay.content)) == (201, json.loads(results["first"].content))
    assert Program.objects.filter(code=NEW["code"]).count() == 1

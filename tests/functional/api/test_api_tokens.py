"""API tokens as a client meets them: the scope of one organisation, the permissions, expiry and
revocation at once, and a secret that no database dump or log holds."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import AffiliationFactory, NetworkStaffFactory, UserFactory
from support.api_tokens import bearer, send

from renkei.accounts.models import ApiToken
from renkei.accounts.services import token_revoke
from renkei.accounts.tokens import hash_secret, parse

PROBLEM = "application/problem+json"


@pytest.fixture
def both(owner_org, other_org, owner_unit):
    """An editor at A and at B: in person they see and write both organisations' programs."""
    user = AffiliationFactory(user=UserFactory(username="both"), organisation=owner_org, role="editor").user
    AffiliationFactory(user=user, organisation=other_org, role="editor")
    return user


@pytest.fixture
def drafts(make_program, owner_org, other_org):
    return {
        "a": make_program(owner_org, "A-DRAFT", status="draft"),
        "b": make_program(other_org, "B-DRAFT", status="draft"),
        "b_published": make_program(other_org, "B-PUB"),
    }


def _codes(client, **headers) -> set[str]:
    body = client.get("/api/v1/programs", {"limit": 100}, headers=headers).json()
    return {item["code"] for item in body["items"]}


def test_a_token_of_a_reads_and_writes_nothing_private_of_b_though_its_owner_may(
    client, both, drafts, owner_org, api_token
):
    # given: the owner, signed in, sees both drafts (the scope below is what hides B's)
    client.force_login(both)
    assert {"A-DRAFT", "B-DRAFT"} <= _codes(client)
    assert client.get("/api/v1/programs/other-u/B-DRAFT").status_code == 200
    client.logout()
    token = api_token(both, owner_org)
    # when / then: reads
    assert _codes(client, **bearer(token)) == {"A-DRAFT", "B-PUB"}
    assert client.get("/api/v1/programs/owner-u/A-DRAFT", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/programs/other-u/B-DRAFT", headers=bearer(token)).status_code == 404
    # writes: B's draft is not even there; B's published program and a new one for B are refused
    assert (
        send(
            client, "PATCH", "/api/v1/programs/other-u/B-DRAFT", {"title_en": "x"}, **bearer(token)
        ).status_code
        == 404
    )
    assert (
        send(
            client, "PATCH", "/api/v1/programs/other-u/B-PUB", {"title_en": "x"}, **bearer(token)
        ).status_code
        == 403
    )
    assert send(client, "DELETE", "/api/v1/programs/other-u/B-PUB", **bearer(token)).status_code == 403
    created = send(
        client,
        "POST",
        "/api/v1/programs",
        {"provider": "other-u", "code": "NEW", "title_ja": "新"},
        **bearer(token),
    )
    assert created.status_code == 403
    # ... while A's are written
    assert (
        send(
            client, "PATCH", "/api/v1/programs/owner-u/A-DRAFT", {"title_en": "A"}, **bearer(token)
        ).status_code
        == 200
    )
    drafts["b_published"].refresh_from_db()
    assert drafts["b_published"].title_en == ""


def test_a_token_of_a_unit_reaches_the_unit_only(
    client, both, owner_unit, make_program, owner_org, api_token
):
    # given: a draft of the faculty and one of the university itself
    make_program(owner_org, "UNIT-DRAFT", unit=owner_unit, status="draft")
    make_program(owner_org, "TOP-DRAFT", status="draft")
    token = api_token(both, owner_unit)
    # when
    codes = _codes(client, **bearer(token))
    # then
    assert "UNIT-DRAFT" in codes
    assert "TOP-DRAFT" not in codes


def test_a_personal_secretariat_role_does_not_travel_with_a_token(
    client, network, owner_org, make_program, other_org, api_token
):
    # given: named staff of network N (whose secretariat is none of A's), and a viewer at A
    staff = NetworkStaffFactory(network=network, user=UserFactory(username="staff")).user
    AffiliationFactory(user=staff, organisation=owner_org, role="viewer")
    make_program(other_org, "SHARED-DRAFT", status="draft", shared_with=[network])
    client.force_login(staff)
    assert "SHARED-DRAFT" in _codes(client)  # in person: the secretariat sees what is shared with N
    client.logout()
    # when
    token = api_token(staff, owner_org)
    # then
    assert "SHARED-DRAFT" not in _codes(client, **bearer(token))


def test_a_superusers_token_has_only_its_owners_roles(client, superuser, drafts, owner_org, api_token):
    # given: a superuser who is a viewer at A
    AffiliationFactory(user=superuser, organisation=owner_org, role="viewer")
    token = api_token(superuser, owner_org)
    # when / then
    assert _codes(client, **bearer(token)) == {"A-DRAFT", "B-PUB"}
    assert (
        send(
            client, "PATCH", "/api/v1/programs/owner-u/A-DRAFT", {"title_en": "x"}, **bearer(token)
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("permissions", "read", "write"),
    [(["read"], 200, 403), (["write"], 403, 201), (["read", "write"], 200, 201)],
)
def test_a_token_does_what_its_permissions_say(client, owner, owner_org, api_token, permissions, read, write):
    token = api_token(owner, owner_org, permissions=permissions)
    # when
    reading = client.get("/api/v1/programs", headers=bearer(token, **{"Accept-Language": "en"}))
    writing = send(
        client,
        "POST",
        "/api/v1/programs",
        {"provider": "owner-u", "code": "P", "title_ja": "題"},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    # then
    assert (reading.status_code, writing.status_code) == (read, write)
    for response in (reading, writing):
        if response.status_code == 403:
            assert response["Content-Type"] == PROBLEM
            assert "permission" in response.json()["detail"]


def test_revocation_and_expiry_hold_from_the_next_request(client, owner, owner_org, api_token):
    # given: two tokens that work
    revoked, expiring = api_token(owner, owner_org), api_token(owner, owner_org)
    for token in (revoked, expiring):
        assert client.get("/api/v1/programs", headers=bearer(token)).status_code == 200
    # when
    token_revoke(token=ApiToken.objects.get(prefix=parse(revoked)[0]), actor=owner)
    ApiToken.objects.filter(prefix=parse(expiring)[0]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    # then
    for token in (revoked, expiring):
        response = client.get("/api/v1/programs", headers=bearer(token))
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
        assert send(client, "POST", "/api/v1/programs", {"title_ja": "x"}, **bearer(token)).status_code == 401


def test_a_deactivated_owner_takes_the_token_down(client, owner, owner_org, api_token):
    token = api_token(owner, owner_org)
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    assert client.get("/api/v1/programs", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer rk_aaaaaaaaaa_" + "A" * 43,  # well formed, unknown
        "Bearer not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer rk_" + "ä" * 10,
    ],
)
def test_a_bad_token_is_a_401_problem_even_for_a_read(client, owner_org, header):
    response = client.get("/api/v1/programs", headers={"Authorization": header, "Accept-Language": "en"})
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "/api/v1/problems/unauthorized"
    assert response.json()["detail"].isascii()


def test_a_wrong_secret_of_a_real_prefix_is_refused(client, owner, owner_org, api_token):
    token = api_token(owner, owner_org)
    prefix, secret = parse(token)
    forged = f"rk_{prefix}_{'B' if secret[0] != 'B' else 'C'}{secret[1:]}"
    assert client.get("/api/v1/programs", headers=bearer(forged)).status_code == 401


def test_no_token_is_in_a_database_dump_the_audit_log_or_a_log(client, owner, owner_org, caplog):
    # given: a token made on the owner's page, as a person makes it
    client.force_login(owner)
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        page = client.post(
            "/en/account/tokens/",
            {
                "name": "sync",
                "organisation": owner_org.pk,
                "permissions": ["read", "write"],
                "expires_in": 30,
            },
        )
        text = page.content.decode()
        token = text.split('id="new-token" type="text" readonly value="', 1)[1].split('"', 1)[0]
        prefix, secret = parse(token)
        client.logout()
        # ... used for a write, and once with a wrong secret
        assert (
            send(
                client,
                "POST",
                "/api/v1/programs",
                {"provider": "owner-u", "code": "S", "title_ja": "題"},
                **bearer(token),
            ).status_code
            == 201
        )
        assert client.get("/api/v1/programs", headers=bearer(token[:-1] + "x")).status_code == 401
    assert "no-store" in page["Cache-Control"]
    # when: the whole database is dumped
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    # then: the dump holds the token's row (its prefix and hash) but never its secret
    assert prefix in dump.getvalue()
    assert hash_secret(secret) in dump.getvalue()
    for haystack in (dump.getvalue(), " ".join(q["sql"] for q in queries.captured_queries), caplog.text):
        assert secret not in haystack
        assert token not in haystack
    # and the audit entry of the token masks even the hash
    from renkei.core.models import AuditEntry

    entry = AuditEntry.objects.get(content_type__model="apitoken", action="create")
    assert entry.service == "accounts.token_create"
    assert entry.changes["secret_hash"].startswith("sha256:")
    assert hash_secret(secret) not in str(entry.changes)

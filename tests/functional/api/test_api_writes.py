"""API writes through the services: programs, runs and organisations, with a token or the session."""

from __future__ import annotations

import pytest
from django.test import Client
from factories import AffiliationFactory, UserFactory
from support.api_tokens import bearer, send

from renkei.catalog.models import Program, ProgramRun
from renkei.core.models import AuditEntry
from renkei.organisations.models import Organisation

PROBLEM = "application/problem+json"


@pytest.fixture
def token(owner, owner_org, api_token):
    return api_token(owner, owner_org)


def _new_program(**extra):
    return {"provider": "owner-u", "code": "API-1", "title_ja": "API講座", **extra}


def test_a_token_creates_a_program_through_the_service(client, token, owner, network, concepts):
    # when
    response = send(
        client,
        "POST",
        "/api/v1/programs",
        _new_program(
            unit="owner-u.law",
            fields=["f-info"],
            skills=["s-python"],
            shared_with=["network-n"],
            audiences=["students"],
            fee_yen=12000,
            status="published",
        ),
        **bearer(token),
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["provider"], body["code"], body["unit"]) == ("owner-u", "API-1", "owner-u.law")
    assert [c["code"] for c in body["fields"]] == ["f-info"]
    assert body["shared_with"] == ["network-n"]
    assert response["Location"] == "/api/v1/programs/owner-u/API-1"
    program = Program.objects.get(provider__key="owner-u", code="API-1")
    entry = AuditEntry.objects.filter(
        content_type__model="program", object_id=str(program.pk), action="create"
    ).get()
    assert (entry.service, entry.via, entry.actor_id) == ("catalog.program_save", "api", owner.pk)
    assert entry.label.startswith("API token rk_")
    # the search index follows, in the same transaction
    assert client.get("/api/v1/programs", {"q": "API講座"}).json()["total"] == 1


def test_a_program_is_changed_and_deleted(client, token, concepts):
    send(client, "POST", "/api/v1/programs", _new_program(fields=["f-info"]), **bearer(token))
    # when
    changed = send(
        client,
        "PATCH",
        "/api/v1/programs/owner-u/API-1",
        {"title_en": "API course", "fields": []},
        **bearer(token),
    )
    # then: what was given changed, the rest was kept
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title_en"], changed.json()["title_ja"], changed.json()["fields"]) == (
        "API course",
        "API講座",
        [],
    )
    deleted = send(client, "DELETE", "/api/v1/programs/owner-u/API-1", **bearer(token))
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert not Program.objects.filter(code="API-1").exists()
    assert send(client, "DELETE", "/api/v1/programs/owner-u/API-1", **bearer(token)).status_code == 404


def test_runs_are_added_changed_and_deleted(client, token):
    send(client, "POST", "/api/v1/programs", _new_program(), **bearer(token))
    # when
    created = send(
        client,
        "POST",
        "/api/v1/programs/owner-u/API-1/runs",
        {"starts_on": "2031-04-01", "sessions": 8},
        **bearer(token),
    )
    run_url = created["Location"]
    changed = send(client, "PATCH", run_url, {"ends_on": "2031-07-31"}, **bearer(token))
    shown = client.get(run_url, headers=bearer(token))
    deleted = send(client, "DELETE", run_url, **bearer(token))
    # then
    assert created.status_code == 201, created.content
    assert run_url == f"/api/v1/programs/owner-u/API-1/runs/{created.json()['id']}"
    assert (changed.status_code, changed.json()["ends_on"], changed.json()["sessions"]) == (
        200,
        "2031-07-31",
        8,
    )
    assert shown.json()["starts_on"] == "2031-04-01"
    assert deleted.status_code == 204
    assert not ProgramRun.objects.exists()
    assert client.get(run_url, headers=bearer(token)).status_code == 404


@pytest.mark.parametrize(
    ("lang", "detail"),
    [("ja", "終了日が開始日より前です。"), ("en", "The run ends before it starts.")],
)
def test_a_broken_rule_is_a_422_naming_the_field_in_the_request_language(client, token, lang, detail):
    send(client, "POST", "/api/v1/programs", _new_program(), **bearer(token))
    # when
    response = send(
        client,
        "POST",
        "/api/v1/programs/owner-u/API-1/runs",
        {"starts_on": "2031-04-01", "ends_on": "2031-03-01"},
        **bearer(token, **{"Accept-Language": lang}),
    )
    # then
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/invalid-fields"
    assert {"field": "ends_on", "code": "dates", "detail": detail} in problem["errors"]
    assert not ProgramRun.objects.exists()


def test_each_bad_member_of_a_body_is_named(client, token):
    # when: a type error, an unknown member, a value out of range, and a reference to nothing
    response = send(
        client,
        "POST",
        "/api/v1/programs",
        {"provider": "owner-u", "code": "X", "title_ja": 5, "colour": "red", "fee_yen": -1},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    unknown = send(
        client,
        "POST",
        "/api/v1/programs",
        _new_program(skills=["NO-SUCH"]),
        **bearer(token, **{"Accept-Language": "en"}),
    )
    # then
    assert response.status_code == 422
    named = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert {("title_ja", "invalid-value"), ("colour", "unknown-field"), ("fee_yen", "invalid-value")} <= named
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "skills", "code": "unknown", "detail": "No such concept: NO-SUCH"}
    ]
    assert not Program.objects.exists()


def test_a_bad_value_of_a_member_that_may_be_left_out_is_named_once(client, token):
    send(client, "POST", "/api/v1/programs", _new_program(), **bearer(token))
    # when: a value outside the member's allowed values, in a PATCH where every member may be left out
    response = send(
        client,
        "PATCH",
        "/api/v1/programs/owner-u/API-1",
        {"status": "bogus", "mode": "online"},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    # then: one problem, with the allowed values (not a second, empty "not valid" for the member's None)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "status", "code": "invalid-value", "detail": "Allowed values: draft, published, archived."}
    ]
    assert Program.objects.get(code="API-1").mode == "onsite"


def test_a_taken_key_is_a_409(client, token, owner_org):
    assert send(client, "POST", "/api/v1/programs", _new_program(), **bearer(token)).status_code == 201
    # when
    again = send(client, "POST", "/api/v1/programs", _new_program(title_ja="別の講座"), **bearer(token))
    taken = send(
        client,
        "POST",
        "/api/v1/organisations",
        {"key": "owner-u", "kind": "university", "name_ja": "重複"},
        **bearer(token),
    )
    # then
    assert again.status_code == 409
    assert again.json()["type"] == "/api/v1/problems/conflict"
    assert again.json()["errors"][0]["code"] == "unique_together"
    assert Program.objects.get(code="API-1").title_ja == "API講座"
    assert taken.status_code in (
        403,
        409,
    )  # the policy speaks first: an editor of A adds no top-level organisation


def test_the_policy_refuses_a_program_for_another_provider(client, token, other_org):
    # when
    response = send(client, "POST", "/api/v1/programs", _new_program(provider="other-u"), **bearer(token))
    # then
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert not Program.objects.exists()


def test_an_administrator_registers_and_changes_a_unit(client, org_admin, owner_org, api_token):
    token = api_token(org_admin, owner_org)
    # when
    created = send(
        client,
        "POST",
        "/api/v1/organisations",
        {"key": "owner-u.eng", "kind": "faculty", "name_ja": "工学部", "parent": "owner-u"},
        **bearer(token),
    )
    changed = send(
        client, "PATCH", "/api/v1/organisations/owner-u.eng", {"name_en": "Engineering"}, **bearer(token)
    )
    taken = send(
        client,
        "POST",
        "/api/v1/organisations",
        {"key": "owner-u.eng", "kind": "faculty", "name_ja": "工学部2", "parent": "owner-u"},
        **bearer(token),
    )
    # then
    assert created.status_code == 201, created.content
    assert created["Location"] == "/api/v1/organisations/owner-u.eng"
    assert created.json()["parent"] == "owner-u"
    assert changed.json()["name_en"] == "Engineering"
    assert taken.status_code == 409
    assert Organisation.objects.get(key="owner-u.eng").name_ja == "工学部"


def test_an_editor_cannot_move_a_unit_under_another_organisation(client, token, other_org):
    response = send(
        client, "PATCH", "/api/v1/organisations/owner-u.law", {"parent": "other-u"}, **bearer(token)
    )
    assert response.status_code == 403
    assert Organisation.objects.get(key="owner-u.law").parent.key == "owner-u"


# --- the browser's session ---------------------------------------------------------------------------------


def test_the_session_writes_with_its_csrf_token(owner):
    # given: a browser-like client that enforces CSRF, signed in
    browser = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
    browser.force_login(owner)
    browser.get("/account/tokens/")  # a page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    # when
    without = send(browser, "POST", "/api/v1/programs", _new_program(), **{"Accept-Language": "en"})
    with_token = send(browser, "POST", "/api/v1/programs", _new_program(), **{"X-CSRFToken": csrf})
    # then
    assert without.status_code == 403
    assert "CSRF" in without.json()["detail"]
    assert with_token.status_code == 201, with_token.content
    assert AuditEntry.objects.filter(service="catalog.program_save", actor=owner).exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/programs"),
        ("PATCH", "/api/v1/programs/owner-u/API-1"),
        ("DELETE", "/api/v1/programs/owner-u/API-1"),
        ("POST", "/api/v1/organisations"),
        ("POST", "/api/v1/programs/owner-u/API-1/runs"),
    ],
)
def test_writes_without_credentials_are_a_401_problem(client, owner_org, method, url):
    response = send(client, method, url, {"title_ja": "x"}, **{"Accept-Language": "en"})
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Unauthorized"


def test_a_viewer_reads_but_does_not_write(client, viewer, owner_org, api_token):
    token = api_token(viewer, owner_org)
    response = send(client, "POST", "/api/v1/programs", _new_program(), **bearer(token))
    assert response.status_code == 403
    assert client.get("/api/v1/programs", headers=bearer(token)).status_code == 200


def test_a_signed_in_user_of_another_organisation_is_refused(client, owner_org):
    stranger = AffiliationFactory(user=UserFactory(username="x"), role="admin").user
    client.force_login(stranger)
    assert send(client, "POST", "/api/v1/programs", _new_program()).status_code == 403

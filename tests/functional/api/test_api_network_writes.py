"""API writes of networks and governance: memberships and meetings, through the networks' services,
by the network's secretariat (an API token of the organisation that serves as its secretariat, or
its named staff in the session)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from factories import AffiliationFactory, MembershipFactory, OrganisationFactory, UserFactory
from support.api_tokens import bearer, send

from renkei.core.models import AuditEntry
from renkei.networks.models import Body, Meeting, Membership

PROBLEM = "application/problem+json"


@pytest.fixture
def body(network):
    return Body.objects.create(
        network=network, key="council", kind=Body.Kind.STEERING_COUNCIL, name_ja="運営会議"
    )


@pytest.fixture
def secretariat_org(network):
    """The organisation that serves as network N's secretariat."""
    org = OrganisationFactory(key="sec-u", name_ja="事務局大学")
    MembershipFactory(network=network, organisation=org, role=Membership.Role.SECRETARIAT)
    return org


@pytest.fixture
def sec_editor(secretariat_org):
    return AffiliationFactory(
        organisation=secretariat_org, role="editor", user=UserFactory(username="sec-editor")
    ).user


@pytest.fixture
def token(sec_editor, secretariat_org, api_token):
    return api_token(sec_editor, secretariat_org)


def _entry(model: str, pk: int, action: str) -> AuditEntry:
    return AuditEntry.objects.filter(content_type__model=model, object_id=str(pk), action=action).get()


# --- memberships ---------------------------------------------------------------------------------------


def test_the_secretariat_adds_a_membership_through_the_service(client, token, sec_editor, owner_unit):
    # when
    response = send(
        client,
        "POST",
        "/api/v1/memberships",
        {
            "network": "network-n",
            "organisation": "owner-u.law",
            "role": "observer",
            "on_behalf_of": "owner-u",
            "category_ja": "部局",
            "start_date": "2031-04-01",
        },
        **bearer(token),
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    membership = Membership.objects.get(organisation__key="owner-u.law")
    assert response["Location"] == f"/api/v1/memberships/{membership.pk}"
    assert (body["id"], body["network"], body["role"], body["on_behalf_of"], body["start_date"]) == (
        membership.pk,
        "network-n",
        "observer",
        "owner-u",
        "2031-04-01",
    )
    entry = _entry("membership", membership.pk, "create")
    assert (entry.service, entry.via, entry.actor_id) == ("networks.membership_save", "api", sec_editor.pk)
    assert client.get(response["Location"]).json() == body


def test_the_secretariat_ends_a_membership(client, token, owner_org):
    membership = Membership.objects.get(network__key="network-n", organisation=owner_org)
    ended = timezone.localdate() - dt.timedelta(days=1)
    # when
    response = send(
        client,
        "PATCH",
        f"/api/v1/memberships/{membership.pk}",
        {"end_date": ended.isoformat()},
        **bearer(token),
    )
    # then: the date given changed, the rest was kept
    assert response.status_code == 200, response.content
    membership.refresh_from_db()
    assert membership.end_date == ended
    assert response.json()["role"] == membership.role == "member"
    assert _entry("membership", membership.pk, "update").service == "networks.membership_save"
    listed = client.get("/api/v1/memberships", {"organisation": "owner-u", "current": "true"}).json()
    assert listed["items"] == []  # no longer in force


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"network": "no-such-network", "organisation": "owner-u"}, "network"),
        ({"network": "network-n", "organisation": "no-such-u"}, "organisation"),
        ({"network": "network-n", "organisation": "owner-u", "role": "king"}, "role"),
        ({"network": "network-n", "organisation": "owner-u", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, token, payload, field):
    before = (Membership.objects.count(), AuditEntry.objects.count())
    # when
    response = send(
        client, "POST", "/api/v1/memberships", payload, **bearer(token, **{"Accept-Language": "en"})
    )
    # then
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert field in {e.get("field") for e in response.json()["errors"]}
    assert (Membership.objects.count(), AuditEntry.objects.count()) == before


def test_a_membership_that_ends_before_it_starts_is_refused_in_the_request_language(client, token, owner_org):
    membership = Membership.objects.get(network__key="network-n", organisation=owner_org)
    before = (membership.start_date, membership.end_date, AuditEntry.objects.count())
    url = f"/api/v1/memberships/{membership.pk}"
    # when
    answers = {
        lang: send(
            client,
            "PATCH",
            url,
            {"start_date": "2031-04-01", "end_date": "2030-03-31"},
            **bearer(token, **{"Accept-Language": lang}),
        )
        for lang in ("ja", "en")
    }
    # then
    assert {r.status_code for r in answers.values()} == {422}
    assert [(e["field"], e["code"]) for e in answers["en"].json()["errors"]] == [("end_date", "dates")]
    assert answers["ja"].json()["errors"][0]["detail"].startswith("終了日が開始日より前です")
    assert answers["en"].json()["errors"][0]["detail"].startswith("The membership ends before it starts")
    membership.refresh_from_db()
    assert (membership.start_date, membership.end_date, AuditEntry.objects.count()) == before


def test_a_member_that_is_not_the_secretariat_cannot_write_memberships(
    client, owner, owner_org, network, api_token
):
    token = api_token(owner, owner_org)
    membership = Membership.objects.get(network__key="network-n", organisation=owner_org)
    # when
    created = send(
        client,
        "POST",
        "/api/v1/memberships",
        {"network": "network-n", "organisation": "owner-u.law"},
        **bearer(token),
    )
    changed = send(
        client, "PATCH", f"/api/v1/memberships/{membership.pk}", {"end_date": "2030-03-31"}, **bearer(token)
    )
    # then
    assert (created.status_code, changed.status_code) == (403, 403)
    assert created["Content-Type"] == PROBLEM
    membership.refresh_from_db()
    assert membership.end_date is None
    assert not Membership.objects.filter(organisation__key="owner-u.law").exists()


def test_a_membership_replay_with_an_idempotency_key_writes_once(client, token, owner_unit):
    new = {"network": "network-n", "organisation": "owner-u.law", "role": "observer"}
    headers = bearer(token, **{"Idempotency-Key": "member-1"})
    # when
    first = send(client, "POST", "/api/v1/memberships", new, **headers)
    entries = AuditEntry.objects.count()
    again = send(client, "POST", "/api/v1/memberships", new, **headers)
    # then
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Membership.objects.filter(organisation__key="owner-u.law").count() == 1
    assert AuditEntry.objects.count() == entries


# --- meetings ----------------------------------------------------------------------------------------------


def test_the_secretariat_records_and_changes_a_meeting(client, token, sec_editor, body):
    # when
    created = send(
        client,
        "POST",
        "/api/v1/meetings",
        {"network": "network-n", "body": "council", "title_ja": "臨時会議", "held_on": "2031-06-01"},
        **bearer(token),
    )
    url = created["Location"]
    changed = send(client, "PATCH", url, {"location_ja": "山形市", "is_public": True}, **bearer(token))
    # then
    assert created.status_code == 201, created.content
    meeting = Meeting.objects.get(title_ja="臨時会議")
    assert url == f"/api/v1/meetings/{meeting.pk}" == f"/api/v1/meetings/{created.json()['id']}"
    assert created.json()["is_public"] is False
    assert changed.status_code == 200, changed.content
    assert (changed.json()["location_ja"], changed.json()["title_ja"]) == ("山形市", "臨時会議")
    services = {
        e.action: (e.service, e.via, e.actor_id)
        for e in AuditEntry.objects.filter(content_type__model="meeting", object_id=str(meeting.pk))
    }
    assert services == {
        "create": ("networks.meeting_save", "api", sec_editor.pk),
        "update": ("networks.meeting_save", "api", sec_editor.pk),
    }
    assert client.get(url).status_code == 200  # public now: anyone reads it


def test_a_body_of_another_network_is_not_found_by_its_key(client, token, body, other_network):
    Body.objects.create(network=other_network, key="board", kind=Body.Kind.COMMITTEE, name_ja="理事会")
    before = AuditEntry.objects.count()
    # when: the body exists, but in network M
    response = send(
        client,
        "POST",
        "/api/v1/meetings",
        {"network": "network-n", "body": "board", "title_ja": "会議", "held_on": "2031-06-01"},
        **bearer(token, **{"Accept-Language": "ja"}),
    )
    # then
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["body"]
    assert "会議体が見つかりません" in errors[0]["detail"]
    assert not Meeting.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_meeting_without_its_title_or_date_is_refused(client, token, body):
    response = send(
        client,
        "POST",
        "/api/v1/meetings",
        {"network": "network-n", "body": "council", "held_on": "x"},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"title_ja", "held_on"}
    assert not Meeting.objects.exists()


def test_members_read_but_do_not_change_a_members_only_meeting_and_others_do_not_see_it(
    client, owner, owner_org, other_network, api_token, body
):
    from factories import MeetingFactory

    meeting = MeetingFactory(body=body, is_public=False, title_ja="内部会議")
    member = api_token(owner, owner_org)
    outsider_org = other_network.memberships.get().organisation
    outsider = AffiliationFactory(
        organisation=outsider_org, role="admin", user=UserFactory(username="m-admin")
    ).user
    url = f"/api/v1/meetings/{meeting.pk}"
    # when
    by_member = send(client, "PATCH", url, {"title_ja": "書き換え"}, **bearer(member))
    by_outsider = send(
        client, "PATCH", url, {"title_ja": "書き換え"}, **bearer(api_token(outsider, outsider_org))
    )
    # then
    assert (by_member.status_code, by_outsider.status_code) == (403, 404)
    meeting.refresh_from_db()
    assert meeting.title_ja == "内部会議"


def test_the_secretariat_writes_a_meeting_in_the_session_with_csrf(sec_editor, body):
    from django.test import Client

    browser = Client(SERVER_NAME="localhost", enforce_csrf_checks=True)
    browser.force_login(sec_editor)
    browser.get("/account/tokens/")
    csrf = browser.cookies["csrftoken"].value
    new = {"network": "network-n", "body": "council", "title_ja": "定例会", "held_on": "2031-07-01"}
    # when
    without = send(browser, "POST", "/api/v1/meetings", new)
    with_token = send(browser, "POST", "/api/v1/meetings", new, **{"X-CSRFToken": csrf})
    # then
    assert without.status_code == 403
    assert with_token.status_code == 201, with_token.content
    entry = AuditEntry.objects.filter(service="networks.meeting_save", actor=sec_editor).get()
    assert entry.via == "api"


def test_a_meeting_replay_with_an_idempotency_key_writes_once(client, token, body):
    new = {"network": "network-n", "body": "council", "title_ja": "一度の会議", "held_on": "2031-06-01"}
    headers = bearer(token, **{"Idempotency-Key": "meeting-1"})
    first = send(client, "POST", "/api/v1/meetings", new, **headers)
    again = send(client, "POST", "/api/v1/meetings", new, **headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert Meeting.objects.filter(title_ja="一度の会議").count() == 1

"""The agreement lifecycle, mobility figures and team members written through the API (a token):
each call goes through the partnerships services; a refused move is a problem with the rule's message
in the request's language and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import OrganisationFactory, UnitFactory
from support.api_tokens import bearer, send

from renkei.core.models import AuditEntry
from renkei.partnerships import models as pm

PROBLEM = "application/problem+json"
BASE = "/api/v1/partnerships/agreements/a-agreement/versions"


@pytest.fixture
def token(owner, owner_org, api_token):
    return api_token(owner, owner_org)


@pytest.fixture
def agreement(owner_org, owner_unit):
    partner = OrganisationFactory(key="partner-u", name_ja="相手大学", country="DE")
    partnership = pm.Partnership.objects.create(
        key="a-partner", home=owner_org, partner=partner, status="published", summary_ja="概要"
    )
    agreement = pm.Agreement.objects.create(
        key="a-agreement", owner=owner_org, partnership=partnership, kind="student_exchange", title_ja="協定"
    )
    version = pm.AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        valid_from=dt.date(2024, 4, 1),
        valid_until=dt.date(2029, 3, 31),
        scope_ja="範囲",
    )
    pm.AgreementParty.objects.create(version=version, organisation=owner_org, sort_order=0)
    pm.AgreementParty.objects.create(version=version, organisation=partner, sort_order=1)
    return agreement


def test_a_draft_is_reviewed_signed_amended_and_the_amendment_signed(client, token, agreement) -> None:
    for status in ("internal_review", "with_partner"):
        moved = send(client, "POST", f"{BASE}/1/transition", {"status": status}, **bearer(token))
        assert moved.status_code == 200, moved.content
        assert moved.json()["status"] == status
    signatures = [
        {"organisation": "owner-u", "signed_on": "2024-03-01", "signatory_name": "総長"},
        {"organisation": "partner-u", "signed_on": "2024-03-15"},
    ]
    signed = send(client, "POST", f"{BASE}/1/sign", {"signatures": signatures}, **bearer(token))
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert (body["status"], body["signed_on"]) == ("in_effect", "2024-03-15")
    assert signed["Location"] == "/api/v1/partnerships/agreements/a-agreement"
    # an amendment: a new draft linked to version 1, carrying over the scope
    amended = send(
        client, "POST", f"{BASE}/1/amend", {"change_summary_ja": "受入人数の変更"}, **bearer(token)
    )
    assert amended.status_code == 201, amended.content
    new = amended.json()
    assert (new["number"], new["previous"], new["change"], new["status"]) == (2, 1, "amendment", "draft")
    assert new["scope_ja"] == "範囲"
    assert [p["signed_on"] for p in new["parties"]] == [None, None]
    for status in ("internal_review", "with_partner"):
        send(client, "POST", f"{BASE}/2/transition", {"status": status}, **bearer(token))
    signatures = [
        {"organisation": "owner-u", "signed_on": "2025-01-10"},
        {"organisation": "partner-u", "signed_on": "2025-01-20"},
    ]
    assert (
        send(client, "POST", f"{BASE}/2/sign", {"signatures": signatures}, **bearer(token)).status_code == 200
    )
    assert pm.AgreementVersion.objects.get(agreement=agreement, number=1).status == "amended"
    services = set(AuditEntry.objects.filter(via="api").values_list("service", flat=True))
    assert {
        "partnerships.agreement_transition",
        "partnerships.agreement_sign",
        "partnerships.agreement_amend",
    } <= services


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("ja", "状態「draft」から「in_effect」には移れません。"),
        ("en", "A version cannot move from 'draft' to 'in_effect'."),
    ],
)
def test_a_refused_move_is_a_problem_with_the_rule_in_the_request_language(
    client, token, agreement, lang, detail
) -> None:
    response = send(
        client,
        "POST",
        f"{BASE}/1/transition",
        {"status": "in_effect"},
        **bearer(token, **{"Accept-Language": lang}),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert detail in response.content.decode()
    assert pm.AgreementVersion.objects.get(agreement=agreement, number=1).status == "draft"


def test_signing_without_every_signature_changes_nothing(client, token, agreement) -> None:
    for status in ("internal_review", "with_partner"):
        send(client, "POST", f"{BASE}/1/transition", {"status": status}, **bearer(token))
    response = send(
        client,
        "POST",
        f"{BASE}/1/sign",
        {"signatures": [{"organisation": "owner-u", "signed_on": "2024-03-01"}]},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    assert response.status_code == 422, response.content
    version = pm.AgreementVersion.objects.get(agreement=agreement, number=1)
    assert version.status == "with_partner"
    assert not version.parties.exclude(signed_on=None).exists()  # the first signature was rolled back
    unknown = send(
        client,
        "POST",
        f"{BASE}/1/sign",
        {"signatures": [{"organisation": "nobody-u", "signed_on": "2024-03-01"}]},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    assert unknown.status_code == 422
    assert "nobody-u" in unknown.content.decode()


def test_terminate_and_renew_a_signed_version(client, token, agreement) -> None:
    for status in ("internal_review", "with_partner"):
        send(client, "POST", f"{BASE}/1/transition", {"status": status}, **bearer(token))
    signatures = [
        {"organisation": "owner-u", "signed_on": "2024-03-01"},
        {"organisation": "partner-u", "signed_on": "2024-03-02"},
    ]
    send(client, "POST", f"{BASE}/1/sign", {"signatures": signatures}, **bearer(token))
    renewal = send(
        client,
        "POST",
        f"{BASE}/1/renew",
        {"valid_from": "2029-04-01", "valid_until": "2034-03-31"},
        **bearer(token),
    )
    assert renewal.status_code == 201, renewal.content
    assert (renewal.json()["change"], renewal.json()["valid_from"]) == ("renewal", "2029-04-01")
    ended = send(client, "POST", f"{BASE}/1/terminate", {"reason": "相手校の再編"}, **bearer(token))
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "terminated"
    version = pm.AgreementVersion.objects.get(agreement=agreement, number=1)
    assert (version.termination_reason, version.scope_ja) == ("相手校の再編", "範囲")


def test_the_same_idempotency_key_writes_once(client, token, agreement) -> None:
    headers = bearer(token, **{"Idempotency-Key": "transition-1"})
    first = send(client, "POST", f"{BASE}/1/transition", {"status": "internal_review"}, **headers)
    again = send(client, "POST", f"{BASE}/1/transition", {"status": "internal_review"}, **headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()


def test_mobility_figures_and_team_members(client, token, agreement, owner_org) -> None:
    figure = {
        "fiscal_year": 2023,
        "direction": "inbound",
        "category": "faculty",
        "count": 4,
        "basis": "declared",
    }
    created = send(client, "POST", "/api/v1/partnerships/a-partner/mobility", figure, **bearer(token))
    assert created.status_code == 201, created.content
    assert (created.json()["count"], created.json()["basis"]) == (4, "declared")
    assert pm.MobilityFigure.objects.get(partnership__key="a-partner").count == 4
    unit = UnitFactory(parent=owner_org, key="owner-u.eng", code="工", name_ja="工学部")
    member = send(
        client,
        "POST",
        "/api/v1/partnerships/a-partner/team",
        {"unit": unit.key, "is_lead": True},
        **bearer(token),
    )
    assert member.status_code == 201, member.content
    assert (member.json()["code"], member.json()["is_lead"]) == ("工", True)
    # a unit of another institution is refused by the team rule
    other = UnitFactory(
        parent=OrganisationFactory(key="else-u", name_ja="他大学"), key="else-u.sci", name_ja="理学部"
    )
    refused = send(
        client,
        "POST",
        "/api/v1/partnerships/a-partner/team",
        {"unit": other.key},
        **bearer(token, **{"Accept-Language": "en"}),
    )
    assert refused.status_code == 422, refused.content
    assert pm.TeamMember.objects.filter(partnership__key="a-partner").count() == 1

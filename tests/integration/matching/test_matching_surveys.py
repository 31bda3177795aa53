"""Surveys through the invitation link: the token (hashed), expiry, one respondent, draft, submit once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from renkei.core.models import AuditEntry
from renkei.matching import selectors, services
from renkei.matching.models import EmployerProfile, Invitation, Need, Response

pytestmark = pytest.mark.django_db

ANSWERS = {"size": "s", "priority": "4", "need": "品質管理を学び、データ分析ができる人を育てたい。", "people": "6",
           "mode": "online", "skills": ["skill-python"]}  # fmt: skip
PROFILE = {
    "industry": "E",
    "employees_band": "50-99",
    "municipality_code": "06202",
    "respondent_name": "総務課",
}


def test_only_the_hash_of_the_token_is_kept_and_the_link_finds_its_invitation(matching_world):
    # given: an invitation and the token its link carries
    invitation, token = matching_world.invitation, matching_world.token
    secret = token.split("_", 2)[2]
    # then: the row and its audit entries hold no secret; the link finds the invitation
    stored = Invitation.objects.get(pk=invitation.pk)
    assert secret not in stored.secret_hash
    assert len(stored.secret_hash) == 64
    assert not any(secret in str(e.changes) for e in AuditEntry.objects.filter(object_id=str(invitation.pk)))
    assert selectors.invitation_for_token(token) == invitation
    assert selectors.invitation_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert selectors.invitation_for_token("sv_nonsense") is None


def test_a_draft_is_saved_then_submitted_once_and_a_second_submission_is_refused(matching_world):
    invitation = matching_world.invitation
    # when: a draft without the required answers
    draft = services.response_answer(
        invitation=invitation, answers={"priority": "3"}, profile=PROFILE, submit=False
    )
    # then: kept as a draft, no needs yet
    assert (draft.status, draft.answers) == ("draft", {"priority": 3})
    assert not Need.objects.exists()
    # when: submitted with every required answer
    response = services.response_answer(invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=True)
    # then: one response, submitted; the profile and one need, tagged and matched at once
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert response.status == "submitted"
    assert response.submitted_at is not None
    assert EmployerProfile.objects.get(organisation=invitation.organisation).industry == "E"
    [need] = Need.objects.filter(response=response)
    assert (need.headcount, need.mode) == (6, "online")
    assert {"skill-quality-management", "skill-data-analysis", "skill-python"} <= set(
        need.need_skills.values_list("concept__code", flat=True)
    )
    assert need.matches.exists()
    assert need.status == "matched"
    # when: submitted again, or saved as a draft again
    for submit in (True, False):
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            services.response_answer(invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=submit)
        assert "already been submitted" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.response_answer(invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=True)
    assert "すでに提出済み" in str(refused.value)
    # then: nothing changed
    assert Need.objects.count() == 1
    assert Response.objects.get(pk=response.pk).submitted_at == response.submitted_at


def test_required_and_typed_answers_are_checked_in_both_languages(matching_world):
    invitation = matching_world.invitation
    bad = {**ANSWERS, "need": "", "people": "１２", "size": "huge", "skills": ["no-such-skill"]}
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.response_answer(invitation=invitation, answers=bad, profile=PROFILE, submit=True)
    errors = refused.value.message_dict
    assert errors["need"] == ["This question must be answered."]
    assert errors["people"] == ["Enter a number (digits)."]
    assert errors["size"] == ["Choose from the list."]
    assert errors["skills"] == ["Choose skills from the list."]
    assert not Response.objects.exists()  # nothing written
    with pytest.raises(ValidationError) as refused:
        services.response_answer(
            invitation=invitation, answers={**ANSWERS, "people": "0"}, profile=PROFILE, submit=True
        )
    assert refused.value.message_dict["people"] == ["1〜1000 の範囲で入力してください。"]
    with pytest.raises(ValidationError) as refused:
        services.response_answer(
            invitation=invitation, answers=ANSWERS, profile={"industry": "Z"}, submit=True
        )
    assert refused.value.message_dict["industry"] == ["一覧から選んでください。"]


def test_an_expired_or_withdrawn_link_is_refused(matching_world):
    invitation = matching_world.invitation
    later = timezone.now() + dt.timedelta(days=31)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.response_answer(
            invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=False, now=later
        )
    assert "expired" in str(refused.value)
    services.invitation_revoke(invitation=invitation, actor=matching_world.secretariat)
    with pytest.raises(ValidationError) as refused:
        services.response_answer(invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=False)
    assert "取り消されました" in str(refused.value)
    assert not Response.objects.exists()


def test_one_respondent_per_link_and_a_new_link_replaces_the_old(matching_world):
    invitation, old = matching_world.invitation, matching_world.token
    services.response_answer(invitation=invitation, answers={"priority": "2"}, profile=PROFILE, submit=False)
    # when: the secretariat issues a new link (the old one stops working); the draft stays with it
    new = services.invitation_reissue(invitation=invitation, actor=matching_world.secretariat)
    assert selectors.invitation_for_token(old) is None
    assert selectors.invitation_for_token(new) == invitation
    response = services.response_answer(invitation=invitation, answers=ANSWERS, profile=PROFILE, submit=True)
    assert Response.objects.filter(invitation=invitation).count() == 1
    # then: a submitted invitation gets no new link
    with pytest.raises(ValidationError):
        services.invitation_reissue(invitation=invitation, actor=matching_world.secretariat)
    assert response.status == "submitted"


def test_a_closed_survey_takes_no_answers(matching_world):
    survey = matching_world.survey
    survey.status = survey.Status.CLOSED
    services.survey_save(survey=survey, actor=matching_world.secretariat)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.response_answer(
            invitation=matching_world.invitation, answers=ANSWERS, profile=PROFILE, submit=False
        )
    assert "no longer accepting" in str(refused.value)


def test_the_response_rate_is_counted_per_target_group(matching_world):
    services.response_answer(
        invitation=matching_world.invitation, answers=ANSWERS, profile=PROFILE, submit=True
    )
    rates = {
        r["group"]: r for r in selectors.response_rates(matching_world.secretariat, matching_world.survey)
    }
    assert (rates["製造業"]["invited"], rates["製造業"]["submitted"], rates["製造業"]["rate"]) == (1, 1, 100)
    assert (rates["医療・福祉"]["submitted"], rates["医療・福祉"]["rate"]) == (0, 0)
    assert (
        selectors.response_rates(matching_world.editors[0], matching_world.survey) == []
    )  # not a coordinator

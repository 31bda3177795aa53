"""Needs and matching through HTTP: the survey link (no account), coordinators' pages (runs with
progress, reasons, gaps with charts and CSV, proposals) and the policy per persona: employer A never
sees employer B's needs or answers, through pages, the API, exports or gap drill-downs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.matching import services
from renkei.matching.models import Invitation, MatchRun, Need, Proposal, Response

pytestmark = pytest.mark.django_db

ANSWERS = {"q-size": "s", "q-priority": "4", "q-need": "品質管理とPythonでのデータ分析を学ばせたい。", "q-people": "5",
           "q-mode": "online", "industry": "E", "employees_band": "50-99", "municipality_code": ""}  # fmt: skip


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def two_employers(matching_world):
    """A need and a submitted response for each of the two employers."""
    w = matching_world
    for n, (employer, text) in enumerate(zip(w.employers, ("品質管理の研修（A社）", "看護師の情報セキュリティ研修（B社）"),
                                             strict=True)):  # fmt: skip
        invitation = w.invitation if n == 0 else Invitation.objects.get(organisation=employer)
        response = services.response_answer(
            invitation=invitation, profile={"industry": "E"}, submit=True,
            answers={"size": "s", "need": text, "people": "3"},
        )  # fmt: skip
        assert response.needs.count() == 1
    return w


def test_the_survey_link_saves_a_draft_then_submits_once(client, matching_world):
    url = reverse("matching:survey-answer", args=[matching_world.token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "人材ニーズ調査" in html
    assert 'name="q-need"' in html
    assert "品質管理" in html
    # a draft without the required answers
    draft = client.post(url, {"q-priority": "2", "action": "draft"})
    assert draft.status_code == 200
    assert "notice" in draft.content.decode()
    assert Response.objects.get().status == "draft"
    # submitting without a required answer says which
    missing = client.post(url, {**ANSWERS, "q-need": "", "action": "submit"})
    assert missing.status_code == 422
    assert "この設問は回答必須です。" in missing.content.decode()
    # submitted
    done = client.post(url, {**ANSWERS, "action": "submit"})
    assert done.status_code == 302
    thanks = client.get(url).content.decode()
    assert 'id="submitted"' in thanks
    assert "品質管理入門" in thanks
    assert "このアンケートはすでに提出済みです。" not in thanks  # opened again: nothing was refused
    assert "/matching/matches/" not in thanks  # a match's own page needs an account the respondent lacks
    # a second submission is refused with a clear message
    again = client.post(url, {**ANSWERS, "action": "submit"})
    assert again.status_code == 409
    assert "このアンケートはすでに提出済みです。" in again.content.decode()
    assert Response.objects.count() == 1
    assert Need.objects.count() == 1
    english = client.post("/en" + url, {**ANSWERS, "action": "submit"}, headers={"accept-language": "en"})
    assert english.status_code == 409
    assert b"This survey has already been submitted." in english.content


def test_an_expired_or_unknown_link_says_so(client, matching_world):
    Invitation.objects.filter(pk=matching_world.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    expired = client.get(reverse("matching:survey-answer", args=[matching_world.token]))
    assert expired.status_code == 410
    assert "有効期限が切れています" in expired.content.decode()
    assert client.post(reverse("matching:survey-answer", args=[matching_world.token]),
                       {**ANSWERS, "action": "submit"}).status_code == 422  # fmt: skip
    assert not Response.objects.exists()
    assert client.get(reverse("matching:survey-answer", args=["sv_" + "x" * 12 + "_nope"])).status_code == 404


def test_a_coordinator_runs_a_batch_and_reads_the_reasons_gaps_and_a_proposal(
    client, immediate, two_employers
):
    w = two_employers
    client.force_login(w.secretariat)
    start = client.post(reverse("matching:run-list"), {"network": w.network.pk, "top_k": "3"})
    assert start.status_code == 302
    run = MatchRun.objects.filter(scope="open_needs").get()
    detail = client.get(start["Location"]).content.decode()
    assert run.state == "done"
    assert "品質管理入門" in detail
    assert "スキル: 品質管理" in detail
    status = client.get(reverse("matching:run-status", args=[run.pk]))
    assert status["HX-Refresh"] == "true"
    match = run.matches.order_by("need_id", "rank").first()
    reasons = client.get(reverse("matching:match-detail", args=[match.pk])).content.decode()
    assert match.reasons_ja in reasons
    assert "<td>スキル</td>" in reasons  # the skill contribution, named in Japanese (not the engine's key)
    assert "<td>skill</td>" not in reasons
    gaps = client.get(reverse("matching:gaps"))
    html = gaps.content.decode()
    assert gaps.status_code == 200
    assert "<svg" in html
    assert 'id="skill-table"' in html
    csv = client.get(reverse("matching:gaps-csv"), {"network": w.network.key, "table": "skills"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "skill_code" in csv.content.decode("utf-8-sig")
    # a proposal from the gap of a skill nobody teaches
    need = Need.objects.create(organisation=w.employers[0], network=w.network, text="溶接")
    services.need_tag(need=need)
    services.need_match(need=need, actor=None)
    welding = w.skill["skill-welding"]
    made = client.post(reverse("matching:proposal-list"), {"network": w.network.pk, "skill": welding.pk})
    proposal = Proposal.objects.get()
    assert made.status_code == 302
    assert list(proposal.needs.all()) == [need]
    page = client.get(reverse("matching:proposal-detail", args=[proposal.pk])).content.decode()
    assert "溶接" in page
    assert w.employers[0].name_ja in page
    client.post(reverse("matching:proposal-detail", args=[proposal.pk]), {"status": "in_development"})
    refused = client.post(reverse("matching:proposal-detail", args=[proposal.pk]), {"status": "launched"})
    assert refused.status_code == 422
    assert "公開されたプログラム" in refused.content.decode()
    assert Proposal.objects.get().status == "in_development"


def test_employer_a_never_sees_employer_bs_needs(client, two_employers):
    w = two_employers
    a_need = Need.objects.get(organisation=w.employers[0])
    b_need = Need.objects.get(organisation=w.employers[1])
    b_response = Response.objects.get(organisation=w.employers[1])
    client.force_login(w.editors[0])
    # pages
    mine = client.get(reverse("matching:need-list")).content.decode()
    assert "A社" in mine
    assert "B社" not in mine
    assert client.get(reverse("matching:need-detail", args=[b_need.pk])).status_code == 404
    assert client.get(reverse("matching:response-detail", args=[b_response.pk])).status_code == 404
    assert client.get(reverse("matching:need-detail", args=[a_need.pk])).status_code == 200
    home = client.get(reverse("matching:home")).content.decode()
    assert "A社" in home
    assert "B社" not in home
    b_match = b_need.matches.first()
    assert client.get(reverse("matching:match-detail", args=[b_match.pk])).status_code == 404
    # API
    listed = client.get("/api/v1/needs").json()
    assert [n["id"] for n in listed["items"]] == [a_need.pk]
    assert client.get(f"/api/v1/needs/{b_need.pk}").status_code == 404
    # gap drill-down: only its own needs are counted
    gaps = client.get(f"/api/v1/gaps/{w.network.key}").json()
    assert gaps["unmet_needs"] in ([], [a_need.pk])
    assert sum(s["needs"] for s in gaps["segments"]) == 1
    # exports and coordinators' pages are closed to it
    assert client.get(reverse("matching:gaps-csv")).status_code == 403
    assert client.get(reverse("matching:gaps")).status_code == 403
    assert client.get(reverse("matching:survey-detail", args=[w.survey.pk])).status_code == 403
    # and it cannot change B's need
    assert (
        client.post(reverse("matching:need-detail", args=[b_need.pk]), {"action": "match"}).status_code == 404
    )


def test_an_employer_enters_a_need_and_edits_its_tags(client, matching_world):
    w = matching_world
    client.force_login(w.editors[0])
    response = client.post(reverse("matching:need-new"), {
        "organisation": w.employers[0].pk, "network": w.network.pk, "text": "Excelと品質管理を学びたい",
        "mode": "any", "headcount": "4"})  # fmt: skip
    assert response.status_code == 302
    need = Need.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Excel" in page
    assert "品質管理入門" in page
    excel = need.need_skills.get(concept__code="skill-excel")
    client.post(response["Location"], {"action": "remove-skill", "skill": excel.pk})
    excel.refresh_from_db()
    assert excel.rejected
    client.post(response["Location"], {"action": "add-skill", "concept": w.skill["skill-leadership"].pk})
    assert need.need_skills.filter(concept__code="skill-leadership", origin="person").exists()
    # another employer's organisation is not offered, and refused if sent
    refused = client.post(reverse("matching:need-new"), {
        "organisation": w.employers[1].pk, "network": w.network.pk, "text": "x", "mode": "any"})  # fmt: skip
    assert refused.status_code == 200
    assert Need.objects.count() == 1


def test_an_employer_posts_a_need_through_the_api(client, matching_world):
    w = matching_world
    client.force_login(w.editors[0])
    body = {
        "employer": w.employers[0].key,
        "network": w.network.key,
        "text": "情報セキュリティを学びたい",
        "mode": "on_demand",
    }
    created = client.post("/api/v1/needs", data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["skills"][0]["code"] == "skill-security"
    assert data["skills"][0]["words"] == "情報セキュリティ"
    assert data["matches"][0]["program_code"] == "SEC"
    assert data["matches"][0]["reasons_en"]
    other = {**body, "employer": w.employers[1].key}
    assert (
        client.post("/api/v1/needs", data=json.dumps(other), content_type="application/json").status_code
        == 403
    )


def test_a_coordinators_bad_page_parameters_are_explained(client, matching_world):
    client.force_login(matching_world.secretariat)
    for url in ("/matching/needs/?status=nope", "/matching/gaps/?network=%00", "/matching/gaps.csv?table=x",
                "/matching/needs/?page=%C2%B2"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 400, url
        assert b'class="problems"' in response.content, url
    assert client.get("/matching/gaps/?network=no-such-network").status_code == 404
    assert client.get("/matching/needs/99999999999999999999/").status_code == 404


def _shown_link(html: str) -> str:
    """The path of the survey link shown once on the invitations page."""
    from urllib.parse import urlsplit

    return urlsplit(html.split('id="new-link" class="copy-field" value="', 1)[1].split('"', 1)[0]).path


def test_a_coordinator_invites_an_organisation_and_sees_the_link_once(client, matching_world):
    from factories import OrganisationFactory

    w = matching_world
    company = OrganisationFactory(kind="company", name_ja="山形精機株式会社（テスト）")
    url = reverse("matching:survey-invitations", args=[w.survey.pk])
    client.force_login(w.secretariat)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "山形精機株式会社（テスト）" in html  # offered
    assert "not started" in html or "未回答" in html
    created = client.post(url, {"organisation": company.pk, "target_group": "製造業", "days": "14"})
    assert created.status_code == 201
    html = created.content.decode()
    invitation = Invitation.objects.get(organisation=company)
    link = _shown_link(html)
    token = link.rsplit("/s/", 1)[1].rstrip("/")
    assert services.hash_secret(token.split("_", 2)[2]) == invitation.secret_hash
    assert client.get(link).status_code == 200  # the link works
    # never shown again: the list has no link, and the token is nowhere in the page
    again = client.get(url).content.decode()
    assert token not in again
    assert 'id="new-link"' not in again
    # a new link replaces the old one
    reissued = client.post(reverse("matching:invitation-action", args=[invitation.pk, "reissue"]))
    assert reissued.status_code == 200
    new_link = _shown_link(reissued.content.decode())
    assert client.get(link).status_code == 404
    assert client.get(new_link).status_code == 200
    # withdrawn: the link is refused and the list says so
    withdrawn = client.post(reverse("matching:invitation-action", args=[invitation.pk, "withdraw"]))
    assert withdrawn.status_code == 302
    assert client.get(new_link).status_code == 410
    assert "state-withdrawn" in client.get(url).content.decode()
    # the same organisation twice, or an unknown action, is refused
    assert client.post(url, {"organisation": company.pk, "days": "14"}).status_code == 422
    assert (
        client.post(reverse("matching:invitation-action", args=[invitation.pk, "nonsense"])).status_code
        == 404
    )
    assert Invitation.objects.filter(organisation=company).count() == 1


def test_the_invitation_list_shows_draft_and_submitted_and_a_submitted_link_is_not_reissued(
    client, matching_world
):
    w = matching_world
    services.response_answer(invitation=w.invitation, profile={}, answers={"need": "品質管理"}, submit=False)
    client.force_login(w.secretariat)
    url = reverse("matching:survey-invitations", args=[w.survey.pk])
    assert "state-draft" in client.get(url).content.decode()
    services.response_answer(
        invitation=w.invitation, profile={"industry": "E"}, submit=True,
        answers={"size": "s", "need": "品質管理の研修", "people": "3"},
    )  # fmt: skip
    assert "state-submitted" in client.get(url).content.decode()
    before = Invitation.objects.get(pk=w.invitation.pk).secret_hash
    refused = client.post(reverse("matching:invitation-action", args=[w.invitation.pk, "reissue"]))
    assert refused.status_code == 409
    assert Invitation.objects.get(pk=w.invitation.pk).secret_hash == before
    # an employer may not see the page; the admin cannot add (the link would never be shown)
    client.force_login(w.editors[0])
    assert client.get(url).status_code == 403


def test_a_coordinator_enters_a_hearing_and_its_needs_are_tagged_and_matched(client, matching_world):
    from renkei.matching.models import Hearing

    w = matching_world
    client.force_login(w.secretariat)
    url = reverse("matching:hearing-new")
    page = client.get(url, {"survey": w.survey.pk, "network": w.network.pk})
    assert page.status_code == 200
    assert 'name="interviewees"' in page.content.decode()
    form = {
        "network": w.network.pk, "survey": w.survey.pk, "organisation": w.employers[0].pk,
        "held_on": "2026-11-20", "interviewees": "製造部長", "interviewer": "事務局 山田",
        "notes_ja": "若手の品質管理の力を底上げしたいとのこと。", "needs": "品質管理の研修を受けたい\n\n溶接の技能を継承したい",
    }  # fmt: skip
    saved = client.post(url, form)
    assert saved.status_code == 302
    hearing = Hearing.objects.get(interviewer="事務局 山田")
    needs = list(hearing.needs.order_by("pk"))
    assert [n.text for n in needs] == ["品質管理の研修を受けたい", "溶接の技能を継承したい"]
    assert {n.organisation_id for n in needs} == {w.employers[0].pk}
    assert "skill-quality-management" in {ns.concept.code for ns in needs[0].need_skills.all()}
    assert needs[0].matches.exists()  # matched at once
    detail = client.get(saved["Location"]).content.decode()
    assert "品質管理の研修を受けたい" in detail
    assert "本文から抽出：「品質管理」" in detail  # each need's skills, with the words behind each
    # a need too long: a clear message, and nothing written (neither the hearing nor any need)
    counts = (Hearing.objects.count(), Need.objects.count())
    bad = client.post(url, {**form, "interviewer": "別の人", "needs": "品質管理\n" + "あ" * 5000})
    assert bad.status_code == 422
    assert (Hearing.objects.count(), Need.objects.count()) == counts
    assert 'class="error"' in bad.content.decode()
    # an employer may not enter hearings
    client.force_login(w.editors[0])
    assert client.get(url).status_code == 403


def test_a_coordinator_starts_a_run_and_moves_a_proposal_through_the_api(client, immediate, two_employers):
    from factories import ProposalFactory

    w = two_employers
    client.force_login(w.secretariat)
    body = json.dumps({"network": w.network.key, "top_k": 3})
    headers = {"Idempotency-Key": "run-1"}
    started = client.post("/api/v1/match-runs", data=body, content_type="application/json", headers=headers)
    assert started.status_code == 201, started.content
    run = started.json()
    assert run["network"] == w.network.key
    assert run["parameters"]["unmet_below"] == 0.3
    polled = client.get(started["Location"]).json()
    assert polled["id"] == run["id"]
    assert polled["state"] == "done"  # the immediate task backend has run it
    assert polled["match_count"] > 0
    again = client.post("/api/v1/match-runs", data=body, content_type="application/json", headers=headers)
    assert again.json()["id"] == run["id"]  # the same key: no second run
    assert MatchRun.objects.filter(scope="open_needs").count() == 1
    unknown = client.post("/api/v1/match-runs", data=json.dumps({"network": "no-such"}),
                          content_type="application/json")  # fmt: skip
    assert unknown.status_code == 422
    # a proposal along its workflow; a step the workflow forbids is refused and changes nothing
    proposal = ProposalFactory(network=w.network)
    url = f"/api/v1/proposals/{proposal.pk}"
    moved = client.patch(url, data=json.dumps({"status": "in_development"}), content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_development"
    launched = client.patch(url, data=json.dumps({"status": "launched"}), content_type="application/json")
    assert launched.status_code == 422
    assert "program" in launched.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == "in_development"
    # an employer cannot start runs or see proposals
    client.force_login(w.editors[0])
    assert client.post("/api/v1/match-runs", data=body, content_type="application/json").status_code == 403
    assert (
        client.patch(
            url, data=json.dumps({"status": "withdrawn"}), content_type="application/json"
        ).status_code
        == 404
    )


def test_every_contribution_the_engine_gives_has_a_name_in_both_languages() -> None:
    from django.utils import translation

    from renkei.engine.reasons import KINDS
    from renkei.portal.matching_views import CONTRIBUTIONS

    assert set(KINDS) <= set(CONTRIBUTIONS)
    with translation.override("ja"):
        names = {kind: str(CONTRIBUTIONS[kind]) for kind in KINDS}
    assert all(not name.isascii() for name in names.values()), names  # every one translated
    assert names["skill_broader"] == "関連スキル(上位)"

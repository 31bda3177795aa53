"""Survey administration on the portal: a coordinator drafts a survey for their network (titles in
Japanese and English), opens it to answers and closes it, seeing its state and response rate; employers,
outsiders and another network's coordinators may not, and a refused step says why in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse as django_reverse
from django.utils import timezone, translation

from renkei.core.models import AuditEntry
from renkei.matching import services
from renkei.matching.models import Invitation, Question, Survey

pytestmark = pytest.mark.django_db


def reverse(name: str, args: list | None = None) -> str:
    """The Japanese address (the default language's), whatever language the last request activated."""
    with translation.override("ja"):
        return django_reverse(name, args=args)


NEW = {"title_ja": "介護事業所の研修ニーズ調査", "title_en": "Training needs of care providers", "intro_ja": "ご協力ください。",
       "intro_en": "", "opens_on": "", "closes_on": ""}  # fmt: skip


def test_a_coordinator_drafts_a_survey_for_their_network_and_finds_it_in_the_list(client, matching_world):
    w = matching_world
    client.force_login(w.secretariat)
    form = client.get(reverse("matching:survey-new"))
    assert form.status_code == 200
    assert "ネットワークN" in form.content.decode()
    created = client.post(reverse("matching:survey-new"), {**NEW, "network": w.network.pk})
    assert created.status_code == 302
    survey = Survey.objects.get(title_ja=NEW["title_ja"])
    assert created["Location"] == reverse("matching:survey-detail", args=[survey.pk])
    assert (survey.network, survey.status, survey.title_en) == (
        w.network,
        Survey.Status.DRAFT,
        NEW["title_en"],
    )
    assert survey.key == f"survey-{timezone.localdate():%Y%m%d}"
    assert AuditEntry.objects.filter(service="matching.survey_create", object_id=str(survey.pk)).exists()
    listed = client.get(reverse("matching:survey-list")).content.decode()
    assert NEW["title_ja"] in listed
    assert "人材ニーズ調査" in listed
    english = client.get("/en" + reverse("matching:survey-list"), headers={"accept-language": "en"})
    assert NEW["title_en"] in english.content.decode()
    # a second survey the same day gets a key of its own
    client.post(reverse("matching:survey-new"), {**NEW, "title_en": "", "network": w.network.pk})
    second = Survey.objects.exclude(pk=survey.pk).get(title_ja=NEW["title_ja"])
    assert second.key == f"{survey.key}-2"
    # without an English title the English page falls back to the Japanese one
    page = client.get(
        "/en" + reverse("matching:survey-detail", args=[second.pk]), headers={"accept-language": "en"}
    )
    assert NEW["title_ja"] in page.content.decode()
    assert "Draft" in page.content.decode() or "draft" in page.content.decode()


def test_bad_input_is_explained_and_writes_nothing(client, matching_world, other_network):
    w = matching_world
    client.force_login(w.secretariat)
    before = Survey.objects.count()
    missing = client.post(reverse("matching:survey-new"), {**NEW, "title_ja": "", "network": w.network.pk})
    assert missing.status_code == 422
    dates = client.post(reverse("matching:survey-new"),
                        {**NEW, "network": w.network.pk, "opens_on": "2027-05-01", "closes_on": "2027-04-01"})  # fmt: skip
    assert dates.status_code == 422
    assert "締切日が開始日より前です。" in dates.content.decode()
    english = client.post("/en" + reverse("matching:survey-new"), headers={"accept-language": "en"},
                          data={**NEW, "network": w.network.pk, "opens_on": "2027-05-01", "closes_on": "2027-04-01"})  # fmt: skip
    assert "The survey closes before it opens." in english.content.decode()
    # a network the coordinator does not keep is not a choice
    foreign = client.post(reverse("matching:survey-new"), {**NEW, "network": other_network.pk})
    assert foreign.status_code == 422
    assert Survey.objects.count() == before


@pytest.mark.parametrize("who", ["employer", "outsider", "other_coordinator"])
def test_others_may_not_create_open_or_close_a_survey(client, matching_world, other_network, who):
    from factories import NetworkStaffFactory, UserFactory

    w = matching_world
    user = {
        "employer": lambda: w.editors[0],
        "outsider": lambda: UserFactory(username="outsider-x"),
        "other_coordinator": lambda: NetworkStaffFactory(network=other_network, user=UserFactory(username="m-staff")).user,
    }[who]()  # fmt: skip
    client.force_login(user)
    before = Survey.objects.count()
    created = client.post(reverse("matching:survey-new"), {**NEW, "network": w.network.pk})
    # a coordinator of another network may draft surveys, but not for network N (not a choice)
    assert created.status_code == (422 if who == "other_coordinator" else 403)
    assert Survey.objects.count() == before
    closed = client.post(reverse("matching:survey-status", args=[w.survey.pk]), {"status": "closed"})
    assert closed.status_code == (404 if who == "other_coordinator" else 403)
    assert Survey.objects.get(pk=w.survey.pk).status == Survey.Status.OPEN
    if who != "other_coordinator":
        assert client.get(reverse("matching:survey-list")).status_code == 403


def test_open_and_close_with_the_state_and_response_rate_shown(client, matching_world):
    w = matching_world
    client.force_login(w.secretariat)
    services.response_answer(invitation=w.invitation, profile={}, submit=True,
                             answers={"size": "s", "need": "品質管理の研修"})  # fmt: skip
    url = reverse("matching:survey-detail", args=[w.survey.pk])
    status_url = reverse("matching:survey-status", args=[w.survey.pk])
    page = client.get(url).content.decode()
    assert "受付中" in page or "open" in page
    assert "2件中1件回答" in page or "1 of 2 answered" in page
    assert "(50%)" in page
    assert "(50%)" in client.get(reverse("matching:survey-list")).content.decode()
    assert 'value="closed"' in page
    assert 'value="open"' not in page
    assert client.post(status_url, {"status": "closed"}).status_code == 302
    assert Survey.objects.get(pk=w.survey.pk).status == Survey.Status.CLOSED
    # the other employer's link now refuses answers
    other = Invitation.objects.get(survey=w.survey, organisation=w.employers[1])
    token = services.invitation_reissue(invitation=other, actor=w.secretariat)
    refused = client.get(reverse("matching:survey-answer", args=[token]))
    assert "このアンケートは受付を終了しています。" in refused.content.decode()
    page = client.get(url).content.decode()
    assert 'value="open"' in page
    assert 'value="closed"' not in page
    # closing again is not a step: refused, with the reason
    again = client.post(status_url, {"status": "closed"})
    assert again.status_code == 422
    assert "この状態には変更できません" in again.content.decode()
    assert client.post(status_url, {"status": "open"}).status_code == 302
    assert Survey.objects.get(pk=w.survey.pk).is_open()


def test_a_survey_without_questions_or_past_its_closing_date_is_not_opened(client, matching_world):
    w = matching_world
    client.force_login(w.secretariat)
    empty = services.survey_create(network=w.network, actor=w.secretariat, title_ja="設問なし")
    refused = client.post(reverse("matching:survey-status", args=[empty.pk]), {"status": "open"})
    assert refused.status_code == 422
    assert "設問のないアンケートは公開できません。" in refused.content.decode()
    english = client.post("/en" + reverse("matching:survey-status", args=[empty.pk]), {"status": "open"},
                          headers={"accept-language": "en"})  # fmt: skip
    assert "A survey without questions cannot be opened." in english.content.decode()
    assert Survey.objects.get(pk=empty.pk).status == Survey.Status.DRAFT
    # past its closing date
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Survey.objects.filter(pk=w.survey.pk).update(status=Survey.Status.CLOSED, closes_on=yesterday,
                                                 opens_on=yesterday - dt.timedelta(days=30))  # fmt: skip
    late = client.post(reverse("matching:survey-status", args=[w.survey.pk]), {"status": "open"})
    assert late.status_code == 422
    assert "締切日を過ぎているため公開できません。" in late.content.decode()
    assert Survey.objects.get(pk=w.survey.pk).status == Survey.Status.CLOSED


def test_opening_a_draft_sets_its_first_day(matching_world):
    w = matching_world
    survey = services.survey_create(network=w.network, actor=w.secretariat, title_ja="新しい調査")
    services.question_save(
        question=Question(survey=survey, key="need", kind="text", role="need_text", text_ja="必要なこと"),
        actor=w.secretariat,
    )
    services.survey_set_status(survey=survey, status="open", actor=w.secretariat)
    survey.refresh_from_db()
    assert (survey.status, survey.opens_on) == (Survey.Status.OPEN, timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.survey_set_status(survey=survey, status="closed", actor=w.editors[0])
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN

"""Program proposals in Japanese and English: a coordinator words the title and summary in both
languages (English blank: English pages show the Japanese), the members' programs behind a proposal are
named in the reader's language and linked, and nobody else may change the texts."""

from __future__ import annotations

import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from renkei.catalog.models import Program
from renkei.matching import services
from renkei.matching.models import Proposal

pytestmark = pytest.mark.django_db

TEXTS = {"action": "texts", "title_ja": "品質管理のデータ活用講座", "title_en": "Data in quality management",
         "summary_ja": "製造業の品質管理担当者向け。", "summary_en": "For quality staff in manufacturing."}  # fmt: skip


def reverse(name: str, args: list | None = None) -> str:
    with translation.override("ja"):
        return django_reverse(name, args=args)


@pytest.fixture
def proposal(matching_world):
    w = matching_world
    Program.objects.filter(pk=w.programs["QC"].pk).update(title_en="Introduction to quality management")
    services.need_save(
        need=services.Need(organisation=w.employers[0], network=w.network, text="品質管理を学ばせたい"),
        actor=None,
    )
    return services.proposal_draft_from_gap(
        network=w.network, skills=[w.skill["skill-quality-management"]], actor=w.secretariat, key="p-qc"
    )


def test_the_draft_names_the_programs_behind_it_in_both_languages(matching_world, proposal):
    (entry,) = proposal.developer_evidence
    assert entry["programs"] == [{"id": matching_world.programs["QC"].pk, "code": "QC", "title": "品質管理入門",
                                  "title_en": "Introduction to quality management"}]  # fmt: skip
    assert proposal.title_en.startswith("New program: ")
    assert proposal.title_ja.endswith("新規プログラム案")


def test_a_coordinator_words_the_proposal_in_japanese_and_english(client, matching_world, proposal):
    w = matching_world
    client.force_login(w.secretariat)
    url = reverse("matching:proposal-detail", args=[proposal.pk])
    page = client.get(url).content.decode()
    program_url = reverse("catalog:program-detail", args=[w.a.key, "QC"])
    assert f'<a href="{program_url}">品質管理入門</a>' in page
    english = client.get("/en" + url, headers={"accept-language": "en"}).content.decode()
    assert f'<a href="/en{program_url}">Introduction to quality management</a>' in english
    assert client.post(url, TEXTS).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title_ja, proposal.title_en, proposal.summary_en) == (
        TEXTS["title_ja"], TEXTS["title_en"], TEXTS["summary_en"])  # fmt: skip
    english = client.get("/en" + url, headers={"accept-language": "en"}).content.decode()
    assert "<h1>Data in quality management</h1>" in english
    assert TEXTS["summary_en"] in english
    assert "<h1>品質管理のデータ活用講座</h1>" in client.get(url).content.decode()
    listed = client.get("/en" + reverse("matching:proposal-list"), headers={"accept-language": "en"})
    assert "Data in quality management" in listed.content.decode()
    # English left blank: English pages fall back to the Japanese
    client.post(url, {**TEXTS, "title_en": "", "summary_en": ""})
    english = client.get("/en" + url, headers={"accept-language": "en"}).content.decode()
    assert "<h1>品質管理のデータ活用講座</h1>" in english
    assert TEXTS["summary_ja"] in english


def test_a_proposal_without_a_japanese_title_is_refused_and_unchanged(client, matching_world, proposal):
    client.force_login(matching_world.secretariat)
    url = reverse("matching:proposal-detail", args=[proposal.pk])
    refused = client.post(url, {**TEXTS, "title_ja": " "})
    assert refused.status_code == 422
    assert "このフィールドは必須です。" in refused.content.decode()
    english = client.post("/en" + url, {**TEXTS, "title_ja": ""}, headers={"accept-language": "en"})
    assert "This field is required." in english.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).title_ja == proposal.title_ja


def test_others_may_not_change_the_texts(client, matching_world, proposal, other_network):
    from factories import NetworkStaffFactory, UserFactory

    url = reverse("matching:proposal-detail", args=[proposal.pk])
    other = NetworkStaffFactory(network=other_network, user=UserFactory(username="m-staff")).user
    for user, status in ((matching_world.editors[0], 403), (other, 404)):
        client.force_login(user)
        assert client.post(url, TEXTS).status_code == status
    assert Proposal.objects.get(pk=proposal.pk).title_ja == proposal.title_ja
    with pytest.raises(services.PermissionDenied):
        services.proposal_set_texts(proposal=proposal, actor=matching_world.editors[0], title_ja="x")

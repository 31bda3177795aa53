"""Needs: skills tagged from the text with the words that produced them, each editable; the status."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.matching import services
from renkei.matching.models import Need, NeedSkill

pytestmark = pytest.mark.django_db


def _skills(need: Need) -> dict[str, tuple[str, str, bool]]:
    return {
        ns.concept.code: (ns.words, ns.origin, ns.rejected)
        for ns in need.need_skills.select_related("concept")
    }


def test_the_tagger_finds_skills_with_their_words_and_follows_the_text(matching_world):
    need = Need(organisation=matching_world.employers[0], network=matching_world.network,
                text="QC手法とデータの分析を学びたい。パイソンも。")  # fmt: skip
    services.need_save(need=need, actor=matching_world.editors[0])
    assert _skills(need) == {
        "skill-quality-management": ("QC手法", "tagger", False),
        "skill-python": ("パイソン", "tagger", False),
        "skill-data-analysis": ("データ分析", "tagger", False),  # データの分析 → the words' forms
    }
    need.text = "品質管理だけ学びたい。"
    services.need_save(need=need, actor=matching_world.editors[0])
    assert _skills(need) == {"skill-quality-management": ("品質管理", "tagger", False)}


def test_a_persons_changes_to_the_tags_survive_retagging(matching_world):
    editor = matching_world.editors[0]
    need = Need(
        organisation=matching_world.employers[0], network=matching_world.network, text="品質管理とExcel"
    )
    services.need_save(need=need, actor=editor)
    excel = NeedSkill.objects.get(need=need, concept__code="skill-excel")
    # when: a person removes one tag and adds another
    services.need_skill_remove(need_skill=excel, actor=editor)
    services.need_skill_add(need=need, concept=matching_world.skill["skill-leadership"], actor=editor)
    need.text = "品質管理とExcelとSQL"
    services.need_save(need=need, actor=editor)
    # then: the removed one stays removed, the added one stays, the new word is found
    skills = _skills(need)
    assert skills["skill-excel"] == ("Excel", "tagger", True)
    assert skills["skill-leadership"] == ("", "person", False)
    assert skills["skill-sql"][1:] == ("tagger", False)


def test_status_moves_open_matched_addressed_and_not_back(matching_world):
    editor = matching_world.editors[0]
    need = Need(organisation=matching_world.employers[0], network=matching_world.network, text="英語")
    services.need_save(need=need, actor=editor)
    services.need_set_status(need=need, status="addressed", actor=matching_world.secretariat)
    with pytest.raises(ValidationError) as refused:
        services.need_set_status(need=need, status="open", actor=matching_world.secretariat)
    assert "この状態には変更できません" in str(refused.value)
    assert Need.objects.get(pk=need.pk).status == "addressed"


def test_an_employer_writes_only_its_own_needs(matching_world):
    need = Need(organisation=matching_world.employers[1], network=matching_world.network, text="看護の研修")
    with pytest.raises(PermissionDenied):
        services.need_save(need=need, actor=matching_world.editors[0])
    assert not Need.objects.exists()
    services.need_save(need=need, actor=matching_world.editors[1])
    services.need_save(need=need, actor=matching_world.secretariat)  # the network's coordinators too
    need.organisation = matching_world.employers[0]  # moved to another employer: refused
    with pytest.raises(PermissionDenied):
        services.need_save(need=need, actor=matching_world.editors[1])

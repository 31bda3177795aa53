"""Table-driven cases of the matching engine: one need and one program at a time, or a small catalog."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from support.engine_cases import (
    CARE,
    DATA_ANALYSIS,
    DATA_SCIENCE,
    MACHINE_LEARNING,
    QUALITY,
    SAKATA,
    STATISTICS,
    TENDO,
    YAMAGATA,
    catalog,
    taxonomy,
)

from renkei.engine import (
    DEFAULT_PARAMS,
    Need,
    Params,
    Place,
    Precedent,
    ProgramDoc,
    Taxonomy,
    build_index,
    rank_needs,
    rank_programs,
    reason_line,
)
from renkei.engine.reasons import shared_stretches

TAX = taxonomy()


def score(program: ProgramDoc, need: Need, params: Params = DEFAULT_PARAMS, others: int = 3) -> float:
    """The score of one pair, in an index with a few unrelated programs for the statistics."""
    filler = [ProgramDoc(1000 + i, f"簿記講座{i}", "仕訳と決算書を学びます。") for i in range(others)]
    index = build_index([program, *filler], taxonomy=TAX, params=params)
    found = rank_needs(index, program.id, [need])
    return found[0].score if found else 0.0


# (case, program skills, need skills, expected skill value): exact, narrower, broader, related, none
SKILL_CASES = [
    ("exact", {DATA_ANALYSIS}, {DATA_ANALYSIS}, 1.0),
    ("program narrower than need", {DATA_ANALYSIS}, {DATA_SCIENCE}, DEFAULT_PARAMS.narrower),
    ("program broader than need", {DATA_SCIENCE}, {DATA_ANALYSIS}, DEFAULT_PARAMS.broader),
    ("related", {STATISTICS}, {DATA_ANALYSIS}, DEFAULT_PARAMS.related),
    ("unrelated", {CARE}, {DATA_ANALYSIS}, 0.0),
    ("half of two", {DATA_ANALYSIS}, {DATA_ANALYSIS, QUALITY}, 0.5),
    ("best credit counts", {DATA_SCIENCE, DATA_ANALYSIS}, {DATA_ANALYSIS}, 1.0),
]


@pytest.mark.parametrize(("case", "have", "want", "value"), SKILL_CASES, ids=[c[0] for c in SKILL_CASES])
def test_skill_credit_through_the_taxonomy(case, have, want, value):
    program = ProgramDoc(1, "講座", skills=frozenset(have))
    need = Need(1, "", skills=frozenset(want))  # no text: the skills are the only component
    assert score(program, need) == pytest.approx(value, abs=1e-9)


# (case, program fields, need fields, expected constraint value for that one constraint)
CONSTRAINT_CASES = [
    ("mode accepted", {"mode": "online"}, {"modes": frozenset({"online"})}, "mode", 1.0),
    ("mode refused", {"mode": "onsite"}, {"modes": frozenset({"online"})}, "mode", 0.0),
    ("hybrid is on site and online", {"mode": "hybrid"}, {"modes": frozenset({"onsite"})}, "mode", 1.0),
    ("mode unknown", {"mode": ""}, {"modes": frozenset({"online"})}, "mode", DEFAULT_PARAMS.unknown),
    ("12 km", {"mode": "onsite", "place": YAMAGATA}, {"place": TENDO}, "distance", (60 - 12.4) / 50),
    ("same town", {"mode": "onsite", "place": YAMAGATA}, {"place": YAMAGATA}, "distance", 1.0),
    ("too far", {"mode": "onsite", "place": SAKATA}, {"place": YAMAGATA}, "distance", 0.0),
    ("online needs no travel", {"mode": "online", "place": SAKATA}, {"place": YAMAGATA}, "distance", 1.0),
    ("place unknown", {"mode": "onsite"}, {"place": YAMAGATA}, "distance", DEFAULT_PARAMS.unknown),
    ("within budget", {"fee_yen": 30_000}, {"budget_yen": 30_000}, "fee", 1.0),
    ("twice the budget", {"fee_yen": 60_000}, {"budget_yen": 30_000}, "fee", 0.5),
    ("free", {"fee_yen": 0}, {"budget_yen": 0}, "fee", 1.0),
    ("fee unknown", {}, {"budget_yen": 10_000}, "fee", DEFAULT_PARAMS.unknown),
    ("same level", {"level": "intermediate"}, {"level": "mdash_applied_basic"}, "level", 1.0),
    ("level one step", {"level": "advanced"}, {"level": "intermediate"}, "level", 0.5),
    ("level far", {"level": "graduate"}, {"level": "introductory"}, "level", 0.0),
    (
        "starts in the timeframe",
        {"starts": (date(2027, 1, 10),)},
        {"start_from": date(2027, 1, 1), "start_until": date(2027, 1, 31)},
        "schedule",
        1.0,
    ),
    ("starts too late", {"starts": (date(2027, 5, 1),)}, {"start_until": date(2027, 1, 31)}, "schedule", 0.0),
    ("no runs known", {}, {"start_from": date(2027, 1, 1)}, "schedule", DEFAULT_PARAMS.unknown),
    ("evening", {"times": frozenset({"evening", "weekend"})}, {"times": frozenset({"evening"})}, "time", 1.0),
    ("daytime only", {"times": frozenset({"daytime"})}, {"times": frozenset({"evening"})}, "time", 0.0),
]


@pytest.mark.parametrize(
    ("case", "program_fields", "need_fields", "constraint", "value"),
    CONSTRAINT_CASES,
    ids=[c[0] for c in CONSTRAINT_CASES],
)
def test_constraint_values(case, program_fields, need_fields, constraint, value):
    program = ProgramDoc(1, "品質管理セミナー", **program_fields)
    need = Need(1, "品質管理", **need_fields)
    index = build_index([program, ProgramDoc(2, "簿記講座")], taxonomy=TAX)
    (match,) = rank_needs(index, 1, [need])
    reason = next(r for r in match.reasons if r.kind == constraint)
    weights = DEFAULT_PARAMS.weights
    total = weights.text + getattr(weights, constraint)
    assert reason.contribution == pytest.approx(getattr(weights, constraint) * value / total, abs=1e-3)


HARD_CASES = [
    ("mode", {"mode": "onsite"}, {"modes": frozenset({"online"})}),
    ("distance", {"mode": "onsite", "place": SAKATA}, {"place": YAMAGATA}),
    ("fee", {"fee_yen": 60_000}, {"budget_yen": 30_000}),
    ("level", {"level": "graduate"}, {"level": "introductory"}),
    ("schedule", {"starts": (date(2027, 5, 1),)}, {"start_until": date(2027, 1, 31)}),
    ("time", {"times": frozenset({"daytime"})}, {"times": frozenset({"evening"})}),
]


@pytest.mark.parametrize(
    ("constraint", "program_fields", "need_fields"), HARD_CASES, ids=[c[0] for c in HARD_CASES]
)
def test_a_hard_constraint_excludes_and_a_soft_one_lowers(constraint, program_fields, need_fields):
    program = ProgramDoc(1, "品質管理セミナー", **program_fields)
    need = Need(1, "品質管理", **need_fields)
    soft = build_index([program], params=DEFAULT_PARAMS)
    hard = build_index([program], params=dataclasses.replace(DEFAULT_PARAMS, hard=frozenset({constraint})))
    assert [m.program_id for m in rank_programs(soft, need)] == [1]
    assert rank_programs(hard, need) == []
    assert rank_needs(hard, 1, [need]) == []
    # unknown data is not a failure: the same program without the datum stays
    blank = ProgramDoc(1, "品質管理セミナー")
    unknown = build_index([blank], params=dataclasses.replace(DEFAULT_PARAMS, hard=frozenset({constraint})))
    assert [m.program_id for m in rank_programs(unknown, need)] == [1]


# (need text, program title, the words the reason shows)
TEXT_CASES = [
    ("工場の品質管理を学びたい", "品質管理セミナー", ("品質管理",)),
    ("データ分析と機械学習", "データ分析と機械学習の実践", ("データ分析", "機械学習")),
    ("シュミレーションの講座", "シミュレーション技術", ("シミュレーション",)),  # through Sudachi's form
    ("python programming for beginners", "Python Programming", ("python", "programming")),
    ("ＤＸ推進", "DX推進リーダー養成", ("dx", "推進")),
]


@pytest.mark.parametrize(("text", "title", "terms"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_reasons_show_the_shared_words(text, title, terms):
    index = build_index([ProgramDoc(1, title), ProgramDoc(2, "介護技術講習")])
    (match, *_) = rank_programs(index, Need(1, text))
    assert match.program_id == 1
    reason = next(r for r in match.reasons if r.kind == "text")
    assert reason.terms == terms


def test_stretches_cut_at_particles_and_prefer_the_longest():
    assert shared_stretches("工場の品質管理", "品質管理と工場") == ("工場", "品質管理")
    assert shared_stretches("品質管理", "品質と管理") == ("品質", "管理")
    assert shared_stretches("データ分析", "") == ()


def test_text_ranks_the_closer_title_first():
    programs = catalog()
    index = build_index(programs)
    ranked = [m.program_id for m in rank_programs(index, Need(1, "介護の技術を学べる講習"))]
    assert ranked[0] == 4
    ranked = [m.program_id for m in rank_programs(index, Need(2, "統計学と回帰分析"))]
    assert ranked[0] == 3


def test_words_of_grammar_match_nothing():
    # 「…するための英語」 and 「教員のための…」 share only ため/する (and their kana bigrams)
    index = build_index(
        [ProgramDoc(1, "教員のためのICT活用講座"), ProgramDoc(2, "英語コミュニケーション講座")]
    )
    ranked = rank_programs(index, Need(1, "観光バスの運転士に、訪日外国人を案内するための英語を学ばせたい。"))
    assert [m.program_id for m in ranked] == [2]


def test_unrelated_programs_are_not_ranked_by_constraints_alone():
    index = build_index([ProgramDoc(1, "介護技術講習", mode="online", fee_yen=0)])
    need = Need(1, "品質管理", modes=frozenset({"online"}), budget_yen=10_000)
    assert rank_programs(index, need) == []


def test_ties_are_broken_by_program_id():
    programs = [ProgramDoc(i, "品質管理セミナー") for i in (7, 3, 5)]
    index = build_index(programs)
    matches = rank_programs(index, Need(1, "品質管理"))
    assert [m.program_id for m in matches] == [3, 5, 7]
    assert len({m.score for m in matches}) == 1


def test_k_limits_and_duplicate_ids_are_refused():
    index = build_index(catalog())
    assert len(rank_programs(index, Need(1, "データ分析 品質管理 統計 介護"), k=2)) == 2
    assert rank_programs(index, Need(1, "データ分析"), k=0) == []
    with pytest.raises(ValueError, match="duplicate program id 1"):
        build_index([ProgramDoc(1, "a"), ProgramDoc(1, "b")])
    with pytest.raises(ValueError, match="unknown hard constraints"):
        Params(hard=frozenset({"colour"}))


def test_empty_inputs():
    assert rank_programs(build_index([]), Need(1, "品質管理")) == []
    assert rank_programs(build_index(catalog()), Need(1, "")) == []
    assert rank_programs(build_index(catalog()), Need(1, "。、！")) == []


def test_precedents_lift_what_similar_needs_were_given():
    programs = [ProgramDoc(1, "フォークリフト運転技能講習"), ProgramDoc(2, "危険物取扱者講習")]
    precedents = [
        Precedent("倉庫で荷物を運ぶ作業員を育てたい", {1: 1.0}),
        Precedent("物流センターで荷物を仕分ける", {1: 1.0}),
        Precedent("ガソリンスタンドの店員", {2: 1.0}),
    ]
    index = build_index(programs, precedents=precedents)
    (match, *_) = rank_programs(index, Need(1, "倉庫の荷物の仕分け作業を担う人材"))
    assert match.program_id == 1
    assert "類似ニーズ 2件" in reason_line(match, "ja")
    assert "2 similar needs" in reason_line(match, "en")


def test_reason_line_labels_fall_back_between_languages():
    tax = Taxonomy(labels={1: ("データ分析", ""), 2: ("", "statistics")})
    index = build_index([ProgramDoc(1, "講座", skills=frozenset({1, 2}))], taxonomy=tax)
    (match,) = rank_programs(index, Need(1, "", skills=frozenset({1, 2})))
    assert reason_line(match, "ja", tax) == "スキル: データ分析, statistics"
    assert reason_line(match, "en", tax) == "skills: データ分析, statistics"


def test_a_place_far_away_and_a_free_on_demand_program_read_well():
    index = build_index([ProgramDoc(1, "品質管理", mode="on_demand", fee_yen=0)])
    need = Need(1, "品質管理", place=Place(38.25, 140.33), budget_yen=0, modes=frozenset({"on_demand"}))
    (match,) = rank_programs(index, need)
    assert reason_line(match, "ja") == "本文: 品質管理 / オンデマンド / 受講料 無料 (予算内)"
    assert reason_line(match, "en") == "text: 品質管理 / on demand / fee free (within budget)"


def test_labels_used_by_the_golden_are_the_taxonomy_labels():
    assert TAX.label(MACHINE_LEARNING, "ja") == "機械学習"
    assert TAX.label(MACHINE_LEARNING, "en") == "machine learning"
    assert TAX.label(999, "ja") == "999"
    assert TAX.narrower[DATA_SCIENCE] == frozenset({DATA_ANALYSIS, MACHINE_LEARNING})
    assert TAX.related[STATISTICS] == frozenset({DATA_ANALYSIS})


def test_head_repeat_weights_the_first_line_of_the_need():
    """The headline's terms count more; a one-line need is unchanged; 0 is off (the default is 8)."""
    care = ProgramDoc(1, "介護技術講座", "介護の基礎を学びます。")
    books = ProgramDoc(2, "簿記講座", "仕訳と決算書を学びます。")
    filler = [ProgramDoc(100 + i, f"観光講座{i}", "地域の観光を学びます。") for i in range(3)]
    need = Need(1, "介護\n簿記と決算書の知識も少し")
    off = dataclasses.replace(DEFAULT_PARAMS, head_repeat=0)
    heavy = dataclasses.replace(DEFAULT_PARAMS, head_repeat=8)
    plain = rank_programs(build_index([care, books, *filler], params=off), need)
    headed = rank_programs(build_index([care, books, *filler], params=heavy), need)
    assert DEFAULT_PARAMS.head_repeat == 8
    assert plain[0].program_id == 2
    assert headed[0].program_id == 1
    care_scores = []  # the headline's program gains with every step of head_repeat
    for repeat in (0, 2, 4, 8, 16):
        params = dataclasses.replace(DEFAULT_PARAMS, head_repeat=repeat)
        found = {
            m.program_id: m.score
            for m in rank_programs(build_index([care, books, *filler], params=params), need)
        }
        care_scores.append(found[1])
    assert care_scores == sorted(care_scores)
    assert len(set(care_scores)) == len(care_scores)
    one_line = Need(2, "簿記と決算書の知識も少し")
    assert rank_programs(build_index([care, books, *filler]), one_line) == rank_programs(
        build_index([care, books, *filler], params=off), one_line
    )

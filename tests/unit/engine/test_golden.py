"""One golden scenario: a Yamagata manufacturer's need against a small catalog, ranked and explained.

If a deliberate change of the engine or of DEFAULT_PARAMS moves these numbers, update them here and say
why in the commit (and bump Params.version when the parameters change)."""

from __future__ import annotations

from datetime import date

import pytest
from support.engine_cases import DATA_ANALYSIS, MACHINE_LEARNING, YAMAGATA, catalog, taxonomy

from renkei.engine import (
    DEFAULT_PARAMS,
    ENGINE_VERSION,
    Need,
    Params,
    build_index,
    rank_needs,
    rank_programs,
    reason_line,
)

NEED = Need(
    10,
    "工場の品質管理にデータ分析と機械学習を使える人材を育てたい。夜に受講できる講座を希望します。",
    skills=frozenset({DATA_ANALYSIS, MACHINE_LEARNING}),
    level="intermediate",
    modes=frozenset({"online", "onsite"}),
    place=YAMAGATA,
    budget_yen=50_000,
    times=frozenset({"evening"}),
    start_from=date(2026, 12, 1),
    start_until=date(2027, 3, 31),
)

GOLDEN = [
    (
        1,
        0.878508867,
        "スキル: データ分析, 機械学習 / 本文: データ分析, 機械学習, 品質管理 / オンライン / 受講料 3万円 (予算内)"
        " / レベル一致 / 開始 2027-01-10 / 夜間",
        "skills: data analysis, machine learning / text: データ分析, 機械学習, 品質管理 / online"
        " / fee ¥30,000 (within budget) / level matches / starts 2027-01-10 / evening",
    ),
    (
        5,
        0.412047013,
        "関連スキル(上位): データサイエンス / 本文: データ / 受講料 20万円 (予算超過) / レベル近い",
        "related skills (broader): data science / text: データ / fee ¥200,000 (over budget) / level close",
    ),
    (
        2,
        0.371679333,
        "本文: 品質管理, 工場 / 対面 / 12 km / 受講料 1万円 (予算内) / レベル近い / 開始 2027-02-01",
        "text: 品質管理, 工場 / on site / 12 km / fee ¥10,000 (within budget) / level close / starts 2027-02-01",
    ),
    (
        3,
        0.295192389,
        "関連スキル(関連): 統計 / 本文: 分析 / ハイブリッド / 42 km / 受講料 無料 (予算内) / レベル近い",
        "related skills (related): statistics / text: 分析 / hybrid / 42 km / fee free (within budget) / level close",
    ),
    (
        4,
        0.195449623,
        "本文: 使う / 対面 / 85 km / 受講料 5万円 (予算内)",
        "text: 使う / on site / 85 km / fee ¥50,000 (within budget)",
    ),
]


def test_golden_ranking_and_reason_lines():
    tax = taxonomy()
    index = build_index(catalog(), taxonomy=tax)
    matches = rank_programs(index, NEED, k=10)
    got = [(m.program_id, m.score, reason_line(m, "ja", tax), reason_line(m, "en", tax)) for m in matches]
    assert got == GOLDEN
    assert [m.rank for m in matches] == [1, 2, 3, 4, 5]
    for m in matches:  # the contributions add up to the score
        assert sum(r.contribution for r in m.reasons) == pytest.approx(m.score, abs=1e-8)


def test_golden_the_other_way_round():
    tax = taxonomy()
    """rank_needs gives each need the same score and reasons as rank_programs gave the program."""
    index = build_index(catalog(), taxonomy=tax)
    other = Need(11, "介護職員の研修", modes=frozenset({"onsite"}))
    by_program = {m.program_id: m for m in rank_programs(index, NEED)}
    for program_id, match in by_program.items():
        found = {m.need_id: m for m in rank_needs(index, program_id, [other, NEED])}
        assert found[NEED.id].score == match.score
        assert found[NEED.id].reasons == match.reasons
    assert [m.need_id for m in rank_needs(index, 4, [NEED, other])] == [11, 10]


def test_stored_parameters_repeat_the_run():
    tax = taxonomy()
    stored = DEFAULT_PARAMS.to_json()
    again = Params.from_dict(__import__("json").loads(stored))
    assert again == DEFAULT_PARAMS
    assert DEFAULT_PARAMS.to_dict()["engine_version"] == ENGINE_VERSION
    first = rank_programs(build_index(catalog(), taxonomy=tax), NEED)
    second = rank_programs(build_index(catalog(), taxonomy=tax, params=again), NEED)
    assert first == second

"""Properties of the matching engine, checked by hypothesis on random small catalogs and needs."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.engine_cases import taxonomy

from renkei.engine import (
    CONSTRAINTS,
    DEFAULT_PARAMS,
    LEVEL_RANK,
    MODES,
    TIMES,
    Need,
    Params,
    Place,
    Precedent,
    ProgramDoc,
    build_index,
    rank_needs,
    rank_programs,
    rank_programs_batch,
)
from renkei.engine.index import _haversine

TAX = taxonomy()
WORDS = (
    "品質管理",
    "データ分析",
    "機械学習",
    "介護",
    "統計",
    "観光",
    "農業",
    "経営",
    "会計",
    "python",
    "安全",
    "講座",
)
CONCEPTS = (1, 2, 3, 4, 5, 6)
LEVELS = ("", *LEVEL_RANK)
PLACES = (
    None,
    Place(38.2554, 140.3396),
    Place(37.9223, 140.1168),
    Place(38.9144, 139.8365),
    Place(38.3622, 140.3781),
)
DAY0 = date(2027, 1, 1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=5).map("と".join)
skill_sets = st.frozensets(st.sampled_from(CONCEPTS), max_size=3)


@st.composite
def programs(draw: st.DrawFn, pid: int) -> ProgramDoc:
    return ProgramDoc(
        pid,
        draw(texts),
        draw(texts),
        skills=draw(skill_sets),
        mode=draw(st.sampled_from(("", *MODES))),
        level=draw(st.sampled_from(LEVELS)),
        place=draw(st.sampled_from(PLACES)),
        fee_yen=draw(st.sampled_from((None, 0, 10_000, 50_000, 200_000))),
        starts=tuple(DAY0 + timedelta(days=d) for d in draw(st.lists(st.integers(0, 365), max_size=2))),
        times=draw(st.frozensets(st.sampled_from(TIMES), max_size=2)),
    )


@st.composite
def catalogs(draw: st.DrawFn) -> list[ProgramDoc]:
    ids = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=12, unique=True))
    return [draw(programs(i)) for i in ids]


@st.composite
def needs(draw: st.DrawFn, nid: int = 1) -> Need:
    start = draw(st.none() | st.integers(0, 365))
    return Need(
        nid,
        draw(texts),
        skills=draw(skill_sets),
        level=draw(st.sampled_from(LEVELS)),
        modes=draw(st.frozensets(st.sampled_from(MODES), max_size=2)),
        place=draw(st.sampled_from(PLACES)),
        max_km=draw(st.sampled_from((None, 20.0, 100.0))),
        budget_yen=draw(st.sampled_from((None, 0, 30_000, 100_000))),
        times=draw(st.frozensets(st.sampled_from(TIMES), max_size=2)),
        start_from=None if start is None else DAY0 + timedelta(days=start),
        start_until=None if start is None else DAY0 + timedelta(days=start + 120),
    )


hard_sets = st.frozensets(st.sampled_from(CONSTRAINTS))


@SETTINGS
@given(catalogs(), needs(), hard_sets)
def test_scores_are_in_range_and_the_reasons_add_up(catalog, need, hard):
    index = build_index(catalog, taxonomy=TAX, params=dataclasses.replace(DEFAULT_PARAMS, hard=hard))
    matches = rank_programs(index, need, k=20)
    for m in matches:
        assert 0.0 < m.score <= 1.0
        assert math.isclose(sum(r.contribution for r in m.reasons), m.score, abs_tol=1e-8)
        assert all(r.contribution >= 0 for r in m.reasons)
    assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
    assert [(-m.score, m.program_id) for m in matches] == sorted((-m.score, m.program_id) for m in matches)


@SETTINGS
@given(catalogs(), needs(), st.randoms(use_true_random=False))
def test_the_order_of_the_inputs_does_not_change_the_ranking(catalog, need, rnd):
    shuffled = list(catalog)
    rnd.shuffle(shuffled)
    first = rank_programs(build_index(catalog, taxonomy=TAX), need, k=20)
    again = rank_programs(build_index(shuffled, taxonomy=TAX), need, k=20)
    assert first == again
    other = Need(2, "品質管理と介護")
    needs_list = [need, other]
    program_id = catalog[0].id
    index = build_index(catalog, taxonomy=TAX)
    assert rank_needs(index, program_id, needs_list) == rank_needs(index, program_id, needs_list[::-1])


def _score(catalog: list[ProgramDoc], need: Need, program_id: int) -> float:
    found = rank_needs(build_index(catalog, taxonomy=TAX), program_id, [need])
    return found[0].score if found else 0.0


@SETTINGS
@given(catalogs(), needs(), st.data())
def test_adding_a_matching_skill_never_lowers_a_score(catalog, need, data):
    program = data.draw(st.sampled_from(catalog))
    skill = data.draw(st.sampled_from(CONCEPTS))
    before = _score(catalog, need, program.id)
    # to the program: a skill the need asks for
    if need.skills:
        wanted = data.draw(st.sampled_from(sorted(need.skills)))
        richer = dataclasses.replace(program, skills=program.skills | {wanted})
        changed = [richer if p.id == program.id else p for p in catalog]
        assert _score(changed, need, program.id) >= before - 1e-9
    # to the need: a skill the program has
    if skill in program.skills:
        assert (
            _score(catalog, dataclasses.replace(need, skills=need.skills | {skill}), program.id)
            >= before - 1e-9
        )


def _fails(program: ProgramDoc, need: Need, constraint: str, params: Params) -> bool:
    """The hard-constraint rule of the spec, written out independently of the engine."""
    if constraint == "mode" and need.modes and program.mode:
        accepted = set(need.modes) | ({"hybrid"} if need.modes & {"onsite", "online"} else set())
        return program.mode not in accepted
    if (
        constraint == "distance"
        and need.place
        and program.place
        and program.mode not in ("online", "on_demand")
    ):
        far = need.max_km if need.max_km is not None else params.max_km
        km = float(_haversine(need.place.lat, need.place.lon, *_arrays(program.place))[0])
        return km > far
    if constraint == "fee" and need.budget_yen is not None and program.fee_yen is not None:
        return program.fee_yen > need.budget_yen
    if constraint == "level" and need.level and program.level:
        return abs(LEVEL_RANK[need.level] - LEVEL_RANK[program.level]) >= 2
    if constraint == "schedule" and (need.start_from or need.start_until) and program.starts:
        lo, hi = need.start_from or date.min, need.start_until or date.max
        return not any(lo <= d <= hi for d in program.starts)
    if constraint == "time" and need.times and program.times:
        return not (need.times & program.times)
    return False


def _arrays(place: Place):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.asarray([place.lat]), np.asarray([place.lon])


@SETTINGS
@given(catalogs(), needs(), hard_sets)
def test_a_program_excluded_by_a_hard_constraint_is_never_ranked(catalog, need, hard):
    params = dataclasses.replace(DEFAULT_PARAMS, hard=hard)
    index = build_index(catalog, taxonomy=TAX, params=params)
    by_id = {p.id: p for p in catalog}
    ranked = rank_programs(index, need, k=50)
    for m in ranked:
        assert not any(_fails(by_id[m.program_id], need, c, params) for c in hard)
    for p in catalog:
        if any(_fails(p, need, c, params) for c in hard):
            assert rank_needs(index, p.id, [need]) == []
    # and the soft version ranks a superset
    soft = {m.program_id for m in rank_programs(build_index(catalog, taxonomy=TAX), need, k=50)}
    assert {m.program_id for m in ranked} <= soft


def test_pruning_gives_exactly_the_exhaustive_ranking():
    """Large enough for the pruning to start: 4,000 programs over a Zipf-like vocabulary."""
    rnd = random.Random(7)
    kanji = "品質管理分析統計介護観光農業経営会計安全研修実習演習基礎応用地域企業人材技術情報設計製造販売医療福祉教育"
    vocab = sorted({a + b for a in kanji for b in kanji if a != b})
    rnd.shuffle(vocab)
    vocab = vocab[:600]
    weights = [1 / (r + 1) for r in range(len(vocab))]

    def words(n: int) -> list[str]:
        return rnd.choices(vocab, weights=weights, k=n)

    catalog = [
        ProgramDoc(
            i,
            "".join(words(2)),
            "と".join(words(6)),
            skills=frozenset(rnd.sample(CONCEPTS, rnd.randint(0, 2))),
            mode=rnd.choice(MODES),
            place=rnd.choice(PLACES),
            fee_yen=rnd.choice((None, 0, 20_000, 80_000)),
        )
        for i in range(1, 4001)
    ]
    for hard in (frozenset(), frozenset({"mode", "fee"})):
        params = dataclasses.replace(DEFAULT_PARAMS, hard=hard, max_df=0.5)
        index = build_index(catalog, taxonomy=TAX, params=params)
        needs = []
        for n in range(30):
            need = Need(
                n,
                "の".join(words(8)) if n % 10 else "",
                skills=frozenset(rnd.sample(CONCEPTS, rnd.randint(0, 2))),
                modes=frozenset(rnd.sample(MODES, 2)),
                place=rnd.choice(PLACES),
                budget_yen=rnd.choice((None, 50_000)),
            )
            needs.append(need)
            assert rank_programs(index, need) == rank_programs(index, need, exhaustive=True)
        # the batch (needs scored together in blocks) gives exactly the same matches
        assert rank_programs_batch(index, needs) == [rank_programs(index, need) for need in needs]


def _random_catalog(seed: int, size: int) -> list[ProgramDoc]:
    """A catalog large enough for the pruning of rank_programs_batch to start (over 512 programs)."""
    rnd = random.Random(seed)
    return [
        ProgramDoc(
            i,
            "と".join(rnd.choices(WORDS, k=rnd.randint(1, 3))),
            "と".join(rnd.choices(WORDS, k=rnd.randint(0, 4))),
            skills=frozenset(rnd.sample(CONCEPTS, rnd.randint(0, 2))),
            mode=rnd.choice(("", *MODES)),
            level=rnd.choice(LEVELS),
            place=rnd.choice(PLACES),
            fee_yen=rnd.choice((None, 0, 10_000, 50_000, 200_000)),
            starts=tuple(DAY0 + timedelta(days=rnd.randint(0, 365)) for _ in range(rnd.randint(0, 2))),
            times=frozenset(rnd.sample(TIMES, rnd.randint(0, 2))),
        )
        for i in rnd.sample(range(1, 100_000), size)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32),
    st.integers(600, 1500),
    st.lists(needs(), min_size=1, max_size=6),
    hard_sets,
    st.sampled_from((1, 3, 10, 25)),
    st.booleans(),
)
def test_the_batch_gives_exactly_the_reference_ranking(seed, size, drawn, hard, k, one_by_one):
    """rank_programs_batch (needs in blocks, constraints for all of them at once, pruned candidates,
    reasons of the top k only) against the reference: every program scored one need at a time."""
    import renkei.engine.index as engine_index

    batch = [dataclasses.replace(need, id=i) for i, need in enumerate(drawn, start=1)]
    params = dataclasses.replace(DEFAULT_PARAMS, hard=hard, max_df=0.5)
    index = build_index(_random_catalog(seed, size), taxonomy=TAX, params=params)
    expected = [rank_programs(index, need, k=k, exhaustive=True) for need in batch]
    limit = engine_index._BLOCK_MAX_PROGRAMS
    if one_by_one:  # the path of large catalogs: one need at a time with the text pruning (MaxScore)
        engine_index._BLOCK_MAX_PROGRAMS = 0
    try:
        assert rank_programs_batch(index, batch, k=k) == expected
        assert [rank_programs(index, need, k=k) for need in batch] == expected
    finally:
        engine_index._BLOCK_MAX_PROGRAMS = limit


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32),
    st.integers(600, 1500),
    st.lists(needs(), min_size=1, max_size=8),
    hard_sets,
    st.sampled_from((1, 3, 10, 25)),
    st.integers(0, 12),
)
def test_the_sparse_path_gives_exactly_the_reference_ranking(seed, size, drawn, hard, k, precedents):
    """The path of large catalogs (each need's relevance only where its postings and skills fall),
    forced on small ones, with precedents too, against the reference."""
    import renkei.engine.index as engine_index

    rnd = random.Random(seed)
    catalog = _random_catalog(seed, size)
    ids = [p.id for p in catalog]
    judged = [
        Precedent(
            "と".join(rnd.choices(WORDS, k=rnd.randint(1, 4))),
            {i: rnd.choice((1, 2)) for i in rnd.sample(ids, 5)},
        )
        for _ in range(precedents)
    ]
    batch = [dataclasses.replace(need, id=i) for i, need in enumerate(drawn, start=1)]
    params = dataclasses.replace(DEFAULT_PARAMS, hard=hard, max_df=0.5)
    index = build_index(catalog, taxonomy=TAX, params=params, precedents=judged)
    expected = [rank_programs(index, need, k=k, exhaustive=True) for need in batch]
    limit, block = engine_index._BLOCK_MAX_PROGRAMS, engine_index._SPARSE_NEEDS
    engine_index._BLOCK_MAX_PROGRAMS, engine_index._SPARSE_NEEDS = 0, 3  # several blocks of needs
    try:
        assert rank_programs_batch(index, batch, k=k) == expected
    finally:
        engine_index._BLOCK_MAX_PROGRAMS, engine_index._SPARSE_NEEDS = limit, block

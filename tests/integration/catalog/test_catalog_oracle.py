"""Search oracle: for a generated corpus, every program whose normalised title or summary contains the
normalised query word is found (no false negatives), for 1-, 2- and 3+-character Japanese words,
mixed words and whole English words, on the database in use."""

from __future__ import annotations

import random
import re

import pytest
from catalog_corpus import EN_WORDS, JA_WORDS, corpus_values

from renkei.catalog import services
from renkei.catalog.models import Program
from renkei.catalog.selectors import program_search
from renkei.text import contains_normalised, normalise

pytestmark = pytest.mark.django_db
JAPANESE_RUN = re.compile("[\u3041-\u30ff\u4e00-\u9fff]+")

FIXED = [
    "農",
    "品",
    "学",
    "ー",
    "品質",
    "経営",
    "会計",
    "地域",
    "デー",
    "シミュ",
    "管理講座",
    "データ分析",
    "サーバー",
    "機械学習",
    "プログラミング",
    "DX推進",
    "dx",
    "ai",
    "iot",
    "山形",
    "酒田",
    "カイゼン",
    "の分析",
    "ＤＸ",
    *EN_WORDS,
]


@pytest.fixture
def corpus(owner_org, other_org):
    rng = random.Random(7)
    providers = [owner_org, other_org]
    programs = []
    for i in range(300):
        values = corpus_values(rng, i) | {"status": "published"}
        program = Program(provider=providers[i % 2], code=f"O{i:03d}", **values)
        program.save()
        programs.append(program)
    services.programs_reindex(program_ids=[p.pk for p in programs])
    return programs


def _random_substrings(programs: list[Program], rng: random.Random, n: int) -> list[str]:
    out = []
    while len(out) < n:
        runs = JAPANESE_RUN.findall(normalise(rng.choice(programs).title_ja))
        run = rng.choice(runs) if runs else ""
        if not run:
            continue
        length = rng.choice([1, 2, 2, 3, 4])
        start = rng.randrange(0, max(1, len(run) - length + 1))
        out.append(run[start : start + length])
    return out


def _texts(program: Program) -> list[str]:
    return [program.title_ja, program.title_en, program.summary_ja, program.summary_en]


def test_no_false_negatives(corpus):
    rng = random.Random(11)
    words = FIXED + _random_substrings(corpus, rng, 80) + rng.sample(JA_WORDS, 10)
    failures = {}
    for word in words:
        expected = {p.code for p in corpus if any(contains_normalised(t, word) for t in _texts(p) if t)}
        result = program_search(user=None, query=word, page_size=100)
        found, page = set(), 1
        while True:
            found |= {p.code for p in result.items}
            if not result.has_next:
                break
            page += 1
            result = program_search(user=None, query=word, page_size=100, page=page)
        if missing := expected - found:
            failures[word] = sorted(missing)[:5]
        assert result.total >= len(expected)
    assert not failures, f"false negatives: {failures}"


def test_results_are_precise_for_short_words(corpus):
    # 1- and 2-character Japanese words match their unigram / bigram exactly: every hit contains the word
    for word in ["品質", "経営", "会計", "農"]:
        result = program_search(user=None, query=word, page_size=100)
        assert result.total
        assert all(any(contains_normalised(t, word) for t in _texts(p) if t) for p in result.items), word


def test_longer_words_also_match_their_parts_in_any_order(corpus):
    # データ分析 finds データ…分析 too (Sudachi forms): a hit contains the word or all of its parts
    result = program_search(user=None, query="データ分析", page_size=100)
    assert result.total
    for p in result.items:
        text = " ".join(_texts(p))
        assert contains_normalised(text, "データ分析") or (
            contains_normalised(text, "データ") and "分析" in text
        )

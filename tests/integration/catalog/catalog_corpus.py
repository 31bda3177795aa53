"""A seeded generator of programs for the oracle and facet tests (Japanese and English vocabulary)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

JA_WORDS = [
    "データ",
    "分析",
    "品質",
    "管理",
    "経営",
    "戦略",
    "農業",
    "看護",
    "栄養",
    "観光",
    "デザイン",
    "防災",
    "シミュレーション",
    "サーバー",
    "セキュリティ",
    "プログラミング",
    "機械学習",
    "統計",
    "会計",
    "財務",
    "マーケティング",
    "人材育成",
    "地域",
    "医療",
    "介護",
    "環境",
    "エネルギー",
    "ものづくり",
    "カイゼン",
    "生産",
    "起業",
    "事業承継",
    "日本語",
    "教育",
    "AI",
    "DX推進",
    "IoT",
    "食品",
    "衛生",
    "山形",
    "酒田",
]
JA_GLUE = ["の", "と", "による", "入門", "基礎", "実践", "講座", "セミナー", "演習", "を学ぶ", "のための"]
EN_WORDS = [
    "data",
    "analysis",
    "quality",
    "management",
    "strategy",
    "agriculture",
    "nursing",
    "nutrition",
    "tourism",
    "design",
    "security",
    "programming",
    "statistics",
    "accounting",
    "marketing",
    "python",
    "energy",
]
EN_GLUE = ["introduction", "to", "for", "practical", "course", "of", "and", "basics", "seminar"]


def ja_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(JA_WORDS) + rng.choice(JA_GLUE) for _ in range(n))


def en_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(EN_WORDS + EN_GLUE) for _ in range(n)).capitalize()


def corpus_values(rng: random.Random, index: int) -> dict[str, Any]:
    """Text fields and facet attributes for one generated program."""
    fee = rng.choice([0, 3000, 10_000, 20_000, 50_000, 80_000, None])
    return {
        "title_ja": ja_text(rng, rng.randint(1, 3)),
        "title_en": en_text(rng, rng.randint(2, 5)) if rng.random() < 0.7 else "",
        "summary_ja": ja_text(rng, rng.randint(2, 6)) if rng.random() < 0.9 else "",
        "summary_en": en_text(rng, rng.randint(3, 9)) if rng.random() < 0.5 else "",
        "mode": rng.choice(["onsite", "online", "hybrid", "on_demand"]),
        "level": rng.choice(["introductory", "intermediate", "advanced", "mdash_literacy", ""]),
        "fee_yen": fee,
        "subsidy_kyouiku_kunren": rng.random() < 0.2,
        "status": "published" if rng.random() < 0.9 else "draft",
    }


def corpus_runs(rng: random.Random, today: dt.date) -> list[dt.date]:
    return sorted(
        today + dt.timedelta(days=rng.randint(-200, 300)) for _ in range(rng.choice([0, 1, 1, 2, 3]))
    )

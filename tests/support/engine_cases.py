"""The engine tests' small Yamagata catalog and taxonomy (made up: sample data, not real programs)."""

from __future__ import annotations

from datetime import date

from renkei.engine import Place, ProgramDoc, Taxonomy

YAMAGATA = Place(38.2554, 140.3396, "06201")  # 山形市
YONEZAWA = Place(37.9223, 140.1168, "06202")  # 米沢市, about 45 km away
SAKATA = Place(38.9144, 139.8365, "06204")  # 酒田市, about 85 km away
TENDO = Place(38.3622, 140.3781, "06210")  # 天童市, about 12 km away

# concepts: 1 data science (broader) > 2 data analysis, 3 machine learning; 4 statistics related to 2
DATA_SCIENCE, DATA_ANALYSIS, MACHINE_LEARNING, STATISTICS, QUALITY, CARE = 1, 2, 3, 4, 5, 6


def taxonomy() -> Taxonomy:
    return Taxonomy.from_parents(
        {DATA_SCIENCE: None, DATA_ANALYSIS: DATA_SCIENCE, MACHINE_LEARNING: DATA_SCIENCE, STATISTICS: None},
        related={DATA_ANALYSIS: frozenset({STATISTICS})},
        labels={
            DATA_SCIENCE: ("データサイエンス", "data science"),
            DATA_ANALYSIS: ("データ分析", "data analysis"),
            MACHINE_LEARNING: ("機械学習", "machine learning"),
            STATISTICS: ("統計", "statistics"),
            QUALITY: ("品質管理", "quality management"),
            CARE: ("介護", "care"),
        },
    )


def catalog() -> list[ProgramDoc]:
    return [
        ProgramDoc(
            1,
            "データ分析と機械学習の実践",
            "製造業の品質管理に役立つデータ分析を学ぶオンライン講座です。",
            skills=frozenset({DATA_ANALYSIS, MACHINE_LEARNING}),
            mode="online",
            level="intermediate",
            fee_yen=30_000,
            starts=(date(2027, 1, 10),),
            times=frozenset({"evening"}),
        ),
        ProgramDoc(
            2,
            "品質管理セミナー",
            "工場の品質管理とQC七つ道具を演習で学びます。",
            skills=frozenset({QUALITY}),
            mode="onsite",
            level="introductory",
            place=TENDO,
            fee_yen=10_000,
            starts=(date(2027, 2, 1),),
            times=frozenset({"daytime"}),
        ),
        ProgramDoc(
            3,
            "統計学入門",
            "記述統計から回帰分析までを学びます。",
            skills=frozenset({STATISTICS}),
            mode="hybrid",
            level="introductory",
            place=YONEZAWA,
            fee_yen=0,
        ),
        ProgramDoc(
            4,
            "介護技術講習",
            "介護の現場で使える移乗の技術を実習で学びます。",
            skills=frozenset({CARE}),
            mode="onsite",
            place=SAKATA,
            fee_yen=50_000,
        ),
        ProgramDoc(
            5,
            "データサイエンス概論",
            "データサイエンスの全体像を学ぶ講義です。",
            skills=frozenset({DATA_SCIENCE}),
            mode="on_demand",
            level="advanced",
            fee_yen=200_000,
        ),
    ]

"""Report sentences in the shape of the source (001), in Japanese and English."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from renkei.indicators.sentences import Facts, number, sentence_en, sentence_ja

STUDENTS = Facts("外国人留学生数", "International students", "人", True, 2013, D(2048), 2019, D(3548), 2023,
                 D(3500), unit_en="students")  # fmt: skip

CASES = [
    (STUDENTS,
     "外国人留学生数は2,048人（平成25年度）から3,548人（令和元年度）に増加し、令和5年度目標の3,500人を上回った",
     "International students increased from 2,048 students (FY2013) to 3,548 students (FY2019), exceeding "
     "the FY2023 target of 3,500 students."),
    (Facts("協定派遣学生数", "Outbound students", "人", True, 2013, D(269), 2019, D(750), 2019, D(720)),
     "協定派遣学生数は269人（平成25年度）から750人（令和元年度）に増加し、令和元年度目標の720人を上回った",
     "Outbound students increased from 269 (FY2013) to 750 (FY2019), exceeding the FY2019 target of 720."),
    (Facts("国際共修ゼミのクラス数", "Co-learning classes", "クラス", True, 2013, D(11), 2019, D(70)),
     "国際共修ゼミのクラス数は11クラス（平成25年度）から70クラス（令和元年度）に増加した",
     "Co-learning classes increased from 11 (FY2013) to 70 (FY2019)."),
    (Facts("待機日数", "Waiting days", "日", False, 2020, D(50), 2022, D(35), 2025, D(20), on_track=True),
     "待機日数は50日（令和2年度）から35日（令和4年度）に減少し、令和7年度目標の20日に向けて順調に推移している",
     "Waiting days decreased from 50 (FY2020) to 35 (FY2022), on track towards the FY2025 target of 20."),
    (Facts("参加者数", "Participants", "人", True, None, None, 2019, D(3304)),
     "参加者数は3,304人（令和元年度）であった", "Participants stood at 3,304 in FY2019."),
    (Facts("修了者数", "Graduates", "人", True, 2020, D(10), 2023, D(15), 2023, D(20)),
     "修了者数は10人（令和2年度）から15人（令和5年度）に増加し、令和5年度目標の20人には届かなかった",
     "Graduates increased from 10 (FY2020) to 15 (FY2023), short of the FY2023 target of 20."),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "ja", "en"), CASES)
def test_sentences(facts, ja, en) -> None:
    assert sentence_ja(facts) == ja
    assert sentence_en(facts) == en


@pytest.mark.parametrize(
    ("value", "text"), [(D("2048.00"), "2,048"), (D("2.90"), "2.9"), (D(4), "4"), (None, "—")]
)
def test_numbers(value, text) -> None:
    assert number(value) == text

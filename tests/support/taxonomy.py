"""Fixtures for the taxonomy tests: the shared reference data (skipped when absent) and synthetic files.

The real jobtag and ESCO files are never copied into the repository; tests read them from
``settings.SHARED_DATA_DIR`` (``../shared/data``) and skip when they are not there. The synthetic
files below are written to ``tmp_path`` in the same formats, with made-up rows. Loaded for every test
by ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def shared(relative: str) -> Path:
    """A path under the shared data folder, or skip the test naming what is missing."""
    from django.conf import settings

    path = Path(settings.SHARED_DATA_DIR) / relative
    if not path.exists():
        pytest.skip(
            f"skipped: shared data not found at ../shared/data/{relative} (see shared/data/README.md)"
        )
    return path


@pytest.fixture
def jobtag_official() -> Path:
    return shared("jobtag/official")


@pytest.fixture
def jobtag_readme() -> str:
    return shared("jobtag/README.md").read_text(encoding="utf-8")


@pytest.fixture
def esco_sample() -> Path:
    return shared("esco-sample")


@pytest.fixture
def esco_readme() -> str:
    return shared("esco-sample/README.md").read_text(encoding="utf-8")


# --- synthetic job tag IPD numeric file (made-up items, same layout) -------------------------------

FAKE_SKILLS = {"IPD_04_03_01_001": "架空の読み取り", "IPD_04_03_01_002": "架空の段取り"}
FAKE_KNOWLEDGE = {"IPD_04_04_01_001": "架空学"}


def ipd_rows(*, version: str = "9.99", skills: dict[str, str] | None = None) -> list[list[Any]]:
    """Rows of an IPD-shaped sheet: notes, item names, IPD codes, two made-up occupations."""
    skills = FAKE_SKILLS if skills is None else skills
    items = {
        "IPD_01_01_001": "収録番号",
        "IPD_02_01_001": "職業名",
        **skills,
        "IPD_04_03_02_001": "架空の読み取り_無関係フラグ",  # a flag column: not an item
        **FAKE_KNOWLEDGE,
    }
    width = 2 + len(items)
    blank = [None] * width

    def note(column: int, text: str) -> list[Any]:
        row = list(blank)
        row[column] = text
        return row

    return [
        note(2, "架空データ（テスト用）"),
        note(2, "【簡易版数値系ダウンロードデータ】"),
        note(2, f"version {version}"),
        note(2, "【最終更新日】"),
        note(2, "2030/01/02"),
        list(blank),
        [None, None, *items.values()],
        [None, None, *items.keys()],
        [1, 1, 9001, "架空の職業", *[1.5] * (len(items) - 2)],
        [2, 2, 9002, "もう一つの架空の職業", *[2.5] * (len(items) - 2)],
    ]


@pytest.fixture
def make_ipd_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "IPD_DL_numeric_9_99.xlsx", **kwargs: Any) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "IPD形式"
        for row in ipd_rows(**kwargs):
            sheet.append(row)
        book.create_sheet("インプットデータ細目")
        path = tmp_path / name
        book.save(path)
        return path

    return make


@pytest.fixture
def make_ipd_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "IPD_DL_numeric_9_99.csv", **kwargs: Any) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="cp932", newline="") as handle:
            csv.writer(handle).writerows(
                [["" if v is None else v for v in row] for row in ipd_rows(**kwargs)]
            )
        return path

    return make


# --- synthetic ESCO CSV (made-up skills, both layouts) ---------------------------------------------

ESCO = "http://data.europa.eu/esco"


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def tabiya_dir(tmp_path: Path) -> Path:
    """Two groups (an ESCO skill group and an ISCED-F field) and four made-up skills."""
    folder = tmp_path / "tabiya"
    write_csv(
        folder / "skills.csv",
        [
            "ESCOURI",
            "ID",
            "UUIDHISTORY",
            "SKILLTYPE",
            "REUSELEVEL",
            "PREFERREDLABEL",
            "ALTLABELS",
            "DESCRIPTION",
            "DEFINITION",
            "SCOPENOTE",
        ],
        [
            [
                f"{ESCO}/skill/fake-1",
                "key_1",
                "u1",
                "skill/competence",
                "cross-sector",
                "juggle spreadsheets",
                "juggle spreadsheets\nkeep spreadsheets aloft\nJuggle Spreadsheets",
                "Keep many sheets moving.",
                "",
                "",
            ],
            [
                f"{ESCO}/skill/fake-2",
                "key_2",
                "u2",
                "knowledge",
                "sector-specific",
                "imaginary botany",
                "botany of imaginary plants",
                "Plants that do not exist.",
                "",
                "Not real plants.",
            ],
            [
                f"{ESCO}/skill/fake-3",
                "key_3",
                "u3",
                "skill/competence",
                "transversal",
                "juggle two spreadsheets",
                "",
                "",
                "",
                "",
            ],
            [
                f"{ESCO}/skill/fake-4",
                "key_4",
                "u4",
                "skill/competence",
                "transversal",
                "orphan skill",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    write_csv(
        folder / "skillGroups.csv",
        ["ESCOURI", "ID", "UUIDHISTORY", "CODE", "PREFERREDLABEL", "ALTLABELS", "DESCRIPTION", "SCOPENOTE"],
        [
            [f"{ESCO}/skill/fake-group", "key_10", "u10", "S9.9", "handling imaginary things", "", "", ""],
            [f"{ESCO}/isced-f/9999", "key_11", "u11", "", "imaginary sciences", "", "", ""],
        ],
    )
    write_csv(
        folder / "skills_hierarchy.csv",
        ["PARENTOBJECTTYPE", "PARENTID", "CHILDID", "CHILDOBJECTTYPE"],
        [
            ["SkillGroup", "key_10", "key_1", "Skill"],
            ["SkillGroup", "key_11", "key_2", "Skill"],
            ["Skill", "key_1", "key_3", "Skill"],
            ["SkillGroup", "key_10", "key_3", "Skill"],  # a second broader concept: left out
        ],
    )
    return folder


@pytest.fixture
def portal_dir(tmp_path: Path) -> Path:
    """The ESCO portal's layout: one group, two released skills and a draft one."""
    folder = tmp_path / "portal"
    write_csv(
        folder / "skills_en.csv",
        [
            "conceptType",
            "conceptUri",
            "skillType",
            "reuseLevel",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
        ],
        [
            [
                "KnowledgeSkillCompetence",
                f"{ESCO}/skill/fake-a",
                "skill/competence",
                "cross-sector",
                "whistle in code",
                "whistle code\ncode whistling",
                "wistle in code",
                "released",
                "",
                "",
                "",
                "",
                "Whistle while programming.",
            ],
            [
                "KnowledgeSkillCompetence",
                f"{ESCO}/skill/fake-b",
                "knowledge",
                "sector-specific",
                "fictional law",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "KnowledgeSkillCompetence",
                f"{ESCO}/skill/fake-c",
                "knowledge",
                "sector-specific",
                "unfinished idea",
                "",
                "",
                "draft",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    write_csv(
        folder / "skillGroups_en.csv",
        [
            "conceptType",
            "conceptUri",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "inScheme",
            "description",
            "code",
        ],
        [
            [
                "SkillGroup",
                f"{ESCO}/skill/fake-k",
                "imaginary knowledge",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "K9",
            ]
        ],
    )
    write_csv(
        folder / "broaderRelationsSkillPillar_en.csv",
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        [
            ["KnowledgeSkillCompetence", f"{ESCO}/skill/fake-b", "SkillGroup", f"{ESCO}/skill/fake-k"],
            ["KnowledgeSkillCompetence", f"{ESCO}/skill/fake-c", "SkillGroup", f"{ESCO}/skill/fake-k"],
        ],
    )
    return folder

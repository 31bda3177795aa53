"""Importing indicator targets and actuals with the shared pipeline: good files (CSV and Excel) are
written through it and audited; a bad file is refused whole, says where in both languages, and leaves
every table as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from factories import ActualFactory, IndicatorFactory, InitiativeFactory
from support.import_files import csv_bytes, row_counts, xlsx_bytes

from renkei.core.models import AuditEntry
from renkei.importing import CREATE, UNCHANGED, UPDATE, ImportRejected, apply_plan, get_importer, plan_import
from renkei.indicators.models import Actual, Target

TARGETS = ["indicator", "fiscal_year", "value", "set_in_fy", "note_ja"]
ACTUALS = ["indicator", "fiscal_year", "value", "basis", "state", "source_detail"]


@pytest.fixture
def indicators(owner_org: Any, other_org: Any) -> dict[str, Any]:
    mine = InitiativeFactory(key="init-a", organisation=owner_org)
    theirs = InitiativeFactory(key="init-b", organisation=other_org)
    students = IndicatorFactory(key="students-a", initiative=mine)
    ActualFactory(indicator=students, fiscal_year=2020, value=120, state=Actual.State.ENTERED)
    return {
        "students": students,
        "courses": IndicatorFactory(key="courses-a", initiative=mine),
        "theirs": IndicatorFactory(key="other-b", initiative=theirs),
    }


def run(name: str, data: bytes, user: Any, filename: str = "values.csv") -> Any:
    plan = plan_import(get_importer(name), data, filename=filename, user=user)
    apply_plan(plan, actor=user)
    return plan


def test_targets_are_imported_from_csv_and_a_second_import_changes_nothing(indicators, owner):
    data = csv_bytes([
        TARGETS,
        ["students-a", 2019, "3,500", 2016, "R1目標"],
        ["students-a", 2023, 3600, 2019, ""],
        ["courses-a", 2023, 910, "", ""],
    ])  # fmt: skip
    plan = run("indicator_targets", data, owner)
    assert plan.counts == {CREATE: 3, UPDATE: 0, UNCHANGED: 0}
    stored = Target.objects.get(indicator__key="students-a", fiscal_year=2019)
    assert (stored.value, stored.set_in_fy, stored.note_ja) == (Decimal("3500.00"), 2016, "R1目標")
    assert AuditEntry.objects.filter(content_type__model="target", action="create").count() == 3
    assert run("indicator_targets", data, owner).counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 3}


def test_actuals_are_imported_from_excel_one_verification_step_at_a_time(indicators, owner):
    data = xlsx_bytes([
        ACTUALS,
        ["students-a", 2020, 120, "declared", "checked", "p. 4"],
        ["students-a", 2021, 130, "counted", "entered", ""],
    ])  # fmt: skip
    plan = run("indicator_actuals", data, owner, filename="actuals.xlsx")
    assert plan.counts == {CREATE: 1, UPDATE: 1, UNCHANGED: 0}
    assert Actual.objects.get(indicator__key="students-a", fiscal_year=2020).state == Actual.State.CHECKED
    assert Actual.objects.get(indicator__key="students-a", fiscal_year=2021).basis == Actual.Basis.COUNTED


BAD = {
    "unknown-indicator": (TARGETS, ["no-such", 2019, 1, "", ""]),
    "year-out-of-range": (TARGETS, ["students-a", 1800, 1, "", ""]),
    "not-a-number": (TARGETS, ["students-a", 2019, "lots", "", ""]),
    "full-width-year-in-words": (TARGETS, ["students-a", "令和元年度", 1, "", ""]),
    "value-too-large": (TARGETS, ["students-a", 2019, 10**13, "", ""]),
    "skipped-step": (ACTUALS, ["students-a", 2020, 120, "declared", "published", ""]),
    "unknown-state": (ACTUALS, ["students-a", 2021, 1, "declared", "approved", ""]),
    "another-organisations-indicator": (TARGETS, ["other-b", 2019, 1, "", ""]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_whole_in_both_languages_and_writes_nothing(indicators, owner, case):
    header, bad_row = BAD[case]
    name = "indicator_targets" if header is TARGETS else "indicator_actuals"
    good_row = (
        ["courses-a", 2023, 5, "", ""]
        if header is TARGETS
        else ["courses-a", 2023, 5, "declared", "entered", ""]
    )
    before = row_counts()
    with pytest.raises(ImportRejected) as refused:
        run(name, csv_bytes([header, good_row, bad_row]), owner)
    assert row_counts() == before
    problem = refused.value.problems.items[0]
    assert problem.row == 3, case
    assert problem.message.ja
    assert problem.message.en
    assert problem.message.ja != problem.message.en

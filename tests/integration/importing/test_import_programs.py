"""Importing the catalog: programs (with fields, skills and networks) and their runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from support.import_files import PROGRAM_HEADER, csv_bytes, program_row, xlsx_bytes

from renkei.catalog.models import Program, ProgramIndex, ProgramRun
from renkei.core.models import AuditEntry
from renkei.importing import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportRejected,
    apply_plan,
    get_importer,
    plan_import,
)


def run(name: str, data: bytes, filename: str = "p.csv", **kwargs: Any) -> Any:
    plan = plan_import(get_importer(name), data, filename=filename, **kwargs)
    apply_plan(plan, actor=kwargs.get("user"))
    return plan


def test_programs_are_created_with_their_links_and_indexed(catalog_base: Any) -> None:
    # when
    plan = run("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101"), program_row("DS102", fee_yen="無料",
                                      subsidy_kyouiku_kunren="×", fields="", audiences="")]))  # fmt: skip
    # then
    assert plan.counts == {CREATE: 2, UPDATE: 0, UNCHANGED: 0}
    first = Program.objects.get(provider=catalog_base.provider, code="DS101")
    assert (first.fee_yen, first.subsidy_kyouiku_kunren, first.mode, first.kind) == (
        12000,
        True,
        "online",
        "short_course",
    )
    assert first.audiences == ["working_adults", "students"]
    assert sorted(c.code for c in first.fields.all()) == ["field-ai", "field-informatics"]
    assert [c.code for c in first.skills.all()] == ["skill-python"]
    assert list(first.shared_with.all()) == [catalog_base.network]
    assert (first.unit, first.prefecture, first.municipality_code) == (catalog_base.unit, "04", "04100")
    second = Program.objects.get(code="DS102")
    assert (second.fee_yen, second.subsidy_kyouiku_kunren, second.audiences) == (0, False, [])
    # and: indexed in the same transaction, as the catalog services do
    assert ProgramIndex.objects.filter(program__in=[first, second]).count() == 2
    # and: the links are in the audit log
    link_entries = AuditEntry.objects.filter(object_id=str(first.pk), action="update")
    assert {next(iter(e.changes)) for e in link_entries} == {"fields", "skills", "shared_with"}


def test_changing_links_is_a_diff_of_keys_and_reimport_is_a_no_op(
    catalog_base: Any, counts: Callable[[], dict[str, int]]
) -> None:
    run("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101")]))
    # when: one field removed, a skill added, the fee changed
    data = csv_bytes([PROGRAM_HEADER, program_row("DS101", fields="field-ai", skills="skill-statistics;skill-python",
                                                  fee_yen="¥15,000")])  # fmt: skip
    dry = plan_import(get_importer("programs"), data, filename="p.csv")
    (change,) = dry.writes
    assert change.before == {"fields": ["field-ai", "field-informatics"], "skills": ["skill-python"],
                             "fee_yen": 12000}  # fmt: skip
    assert change.after == {
        "fields": ["field-ai"],
        "skills": ["skill-statistics", "skill-python"],
        "fee_yen": 15000,
    }
    apply_plan(dry)
    program = Program.objects.get(code="DS101")
    assert [c.code for c in program.fields.all()] == ["field-ai"]
    assert sorted(c.code for c in program.skills.all()) == ["skill-python", "skill-statistics"]
    # then: the same file again changes nothing at all (list order does not matter)
    before = counts()
    again = run("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101", fields="field-ai",
                                       skills="skill-python、skill-statistics", fee_yen="15000")]))  # fmt: skip
    assert again.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 1}
    assert counts() == before


def test_programs_from_excel(catalog_base: Any) -> None:
    row = program_row("XL1", fee_yen=8000, subsidy_kyouiku_kunren=True)
    plan = run("programs", xlsx_bytes([PROGRAM_HEADER, row]), filename="p.xlsx")
    assert plan.counts[CREATE] == 1
    assert Program.objects.get(code="XL1").fee_yen == 8000


def test_runs_with_japanese_dates(catalog_base: Any, counts: Callable[[], dict[str, int]]) -> None:
    run("programs", csv_bytes([PROGRAM_HEADER, program_row("DS101")]))
    data = csv_bytes([["program", "starts_on", "ends_on", "application_deadline", "sessions", "hours"],
                      ["tohoku-u/DS101", "令和19年4月10日", "2037/7/31", "R19.3.31", "１５", "22.5"],
                      ["tohoku-u/DS101", "2037-10-01", "", "", "", ""]])  # fmt: skip
    plan = run("program_runs", data)
    assert plan.counts[CREATE] == 2
    first = ProgramRun.objects.get(starts_on=dt.date(2037, 4, 10))
    assert (first.ends_on, first.application_deadline, first.sessions, str(first.hours)) == (
        dt.date(2037, 7, 31), dt.date(2037, 3, 31), 15, "22.5")  # fmt: skip
    assert ProgramIndex.objects.get(program=first.program).next_start == dt.date(2037, 4, 10)
    before = counts()
    assert run("program_runs", data).counts[UNCHANGED] == 2
    assert counts() == before


def test_provider_editors_import_their_own_programs_only(owner: Any, owner_org: Any, other_org: Any) -> None:
    header = ["provider", "code", "title_ja"]
    plan = run("programs", csv_bytes([header, ["owner-u", "P1", "自分の講座"]]), user=owner)
    assert plan.counts[CREATE] == 1
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer("programs"), csv_bytes([header, ["other-u", "P1", "他人の講座"]]),
                    filename="p.csv", user=owner)  # fmt: skip
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.code) == (2, "provider", "permission")


def test_runs_follow_the_program_permission(owner: Any, owner_org: Any, other_org: Any) -> None:
    Program.objects.create(provider=owner_org, code="MINE", title_ja="自分")
    Program.objects.create(provider=other_org, code="THEIRS", title_ja="他人", status="published")
    data = csv_bytes([["program", "starts_on"], ["owner-u/MINE", "2025/4/1"], ["other-u/THEIRS", "2025/4/1"]])
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer("program_runs"), data, filename="r.csv", user=owner)
    assert [(p.row, p.code) for p in exc.value.problems] == [(3, "permission")]


def refusal(name: str, rows: list[list[Any]], user: Any) -> list[tuple[Any, ...]]:
    """(row, column, code, Japanese text, English text) of each problem, the named key replaced by KEY."""
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer(name), csv_bytes(rows), filename="f.csv", user=user)
    return [
        (p.row, p.column, p.code, p.text("ja").replace("HIDDEN", "KEY").replace("GHOST", "KEY"),
         p.text("en").replace("HIDDEN", "KEY").replace("GHOST", "KEY"))
        for p in exc.value.problems
    ]  # fmt: skip


def test_a_program_the_user_may_not_see_is_reported_as_unknown(owner: Any, other_org: Any) -> None:
    # given: another university's draft, which the user may not see, and a program that does not exist
    Program.objects.create(provider=other_org, code="HIDDEN", title_ja="他大学の下書き")
    header = ["program", "starts_on"]
    # when: runs are imported for each
    hidden = refusal("program_runs", [header, ["other-u/HIDDEN", "2025/4/1"]], owner)
    ghost = refusal("program_runs", [header, ["other-u/GHOST", "2025/4/1"]], owner)
    # then: the two answers cannot be told apart
    assert hidden == ghost
    assert [(row, column, code) for row, column, code, _ja, _en in hidden] == [(2, "program", "unknown_ref")]


def test_a_row_the_user_may_not_see_is_treated_as_absent_even_when_unchanged(
    owner: Any, other_org: Any
) -> None:
    # given: another university's draft, and a file that repeats it exactly
    Program.objects.create(provider=other_org, code="HIDDEN", title_ja="他大学の下書き")
    header = ["provider", "code", "title_ja"]
    # when
    hidden = refusal("programs", [header, ["other-u", "HIDDEN", "他大学の下書き"]], owner)
    ghost = refusal("programs", [header, ["other-u", "GHOST", "他大学の下書き"]], owner)
    # then: refused alike (not "unchanged", which would confirm the row and its title)
    assert hidden == ghost
    assert [(row, column, code) for row, column, code, _ja, _en in hidden] == [(2, "provider", "permission")]

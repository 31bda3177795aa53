"""Importing the organisation registry: good files, plan → dry run → commit, idempotence, atomicity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from support.import_files import ORG_HEADER, csv_bytes, org_row, with_cells, with_dimension, xlsx_bytes

from renkei.core.audit import Via
from renkei.core.models import AuditEntry
from renkei.importing import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportRejected,
    apply_plan,
    get_importer,
    plan_import,
    read_stored,
)
from renkei.organisations.models import Organisation

HARD_NAMES = [["hard-u", "university", "髙橋①ｶﾀｶﾅ大学", "Takahashi University", "", "06", "", ""]]


def spec() -> Any:
    return get_importer("organisations")


def run(data: bytes, filename: str = "orgs.csv", **kwargs: Any) -> Any:
    plan = plan_import(spec(), data, filename=filename, **kwargs)
    apply_plan(plan)
    return plan


def snapshot() -> dict[str, dict[str, Any]]:
    """Every stored organisation as an export would write it, by key."""
    return {values["key"]: values for _pk, values in read_stored(spec(), Organisation.objects.all())}


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("utf8.csv", csv_bytes([ORG_HEADER, *HARD_NAMES])),
        ("bom.csv", csv_bytes([ORG_HEADER, *HARD_NAMES], bom=True)),
        ("excel-sjis.csv", csv_bytes([ORG_HEADER, *HARD_NAMES], encoding="cp932")),
        ("unicode-text.txt", "\r\n".join("\t".join(r) for r in [ORG_HEADER, *HARD_NAMES]).encode("utf-16")),
        ("book.xlsx", xlsx_bytes([ORG_HEADER, *HARD_NAMES])),
    ],
)
def test_good_files_are_imported_exactly(filename: str, data: bytes, db: None) -> None:
    # when
    plan = run(data, filename)
    # then
    assert plan.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 0}
    hard = Organisation.objects.get(key="hard-u")
    assert hard.name_ja == "髙橋①ｶﾀｶﾅ大学"
    assert hard.prefecture == "06"


def test_an_xlsx_with_a_stale_dimension_is_imported_whole(db: None) -> None:
    # given: five data rows in a workbook that declares its cells end at C2 (one data row)
    rows = [["key", "kind", "name_ja"]] + [[f"stale-{i}", "university", f"大学{i}"] for i in range(5)]
    data = with_dimension(xlsx_bytes(rows), "A1:C2")
    # when
    plan = run(data, "stale.xlsx")
    # then
    assert plan.counts == {CREATE: 5, UPDATE: 0, UNCHANGED: 0}
    assert Organisation.objects.filter(key__startswith="stale-").count() == 5


def test_japanese_headers_and_full_width_values(db: None) -> None:
    data = csv_bytes([["キー", "種別", "名称", "都道府県", "緯度", "経度"],
                      ["ｙａｍａｇａｔａ－ｕ", "大学", "山形大学", "山形県", "３８．２５５", "１４０．３４"]])  # fmt: skip
    plan = run(data)
    assert plan.counts[CREATE] == 1
    organisation = Organisation.objects.get(key="yamagata-u")
    assert (organisation.kind, organisation.prefecture) == ("university", "06")
    assert str(organisation.latitude) == "38.255000"


def test_a_dry_run_writes_nothing_and_the_commit_writes_exactly_the_dry_run(
    db: None, counts: Callable[[], dict[str, int]]
) -> None:
    # given: stored rows, and a file that creates, updates and leaves rows alone
    run(csv_bytes([ORG_HEADER, org_row("a-u"), org_row("b-u", name_en="B"), org_row("c-u")]))
    data = csv_bytes([ORG_HEADER, org_row("a-u"), org_row("b-u", name_en="B University", prefecture="山形"),
                      org_row("d-u"), org_row("d-u.law", kind="faculty", parent="d-u", latitude="38.1",
                                              longitude="140.2")])  # fmt: skip
    before_rows, before_counts = snapshot(), counts()
    # when: dry run
    dry = plan_import(spec(), data, filename="orgs.csv")
    # then: nothing written
    assert counts() == before_counts
    assert dry.counts == {CREATE: 2, UPDATE: 1, UNCHANGED: 1}
    # when: commit (planned afresh, as the command does)
    committed = plan_import(spec(), data, filename="orgs.csv")
    apply_plan(committed)
    # then: the same changes, and the database moved by exactly those changes
    assert [c.signature() for c in committed.changes] == [c.signature() for c in dry.changes]
    assert committed.fingerprint == dry.fingerprint
    after_rows = snapshot()
    observed = {}
    for key, values in after_rows.items():
        old = before_rows.get(key)
        if old is None:
            observed[key] = ("create", {n: v for n, v in values.items() if n in dry.present})
        elif old != values:
            observed[key] = ("update", {n: (old[n], v) for n, v in values.items() if old[n] != v})
    planned = {}
    for change in dry.writes:
        if change.action == CREATE:
            planned[change.key[0]] = ("create", change.after)
        else:
            planned[change.key[0]] = ("update", {n: (change.before[n], v) for n, v in change.after.items()})
    assert observed == planned


def test_reimporting_the_same_file_changes_nothing(db: None, counts: Callable[[], dict[str, int]]) -> None:
    data = csv_bytes(
        [
            ORG_HEADER,
            org_row("x-u.sci", kind="faculty", parent="x-u"),
            org_row("x-u", latitude="38", longitude="140"),
        ]
    )
    run(data)
    before = counts()
    again = run(data)
    assert again.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 2}
    assert counts() == before  # no audit entries either


def test_an_update_touches_only_changed_columns_and_leaves_absent_columns(db: None) -> None:
    # given
    run(csv_bytes([["key", "kind", "name_ja", "name_kana"], ["k-u", "university", "旧名", "きゅうめい"]]))
    # when: a file without name_kana renames it
    plan = run(csv_bytes([["key", "name_ja"], ["k-u", "新名"]]))
    # then
    (change,) = plan.writes
    assert (change.before, change.after) == ({"name_ja": "旧名"}, {"name_ja": "新名"})
    stored = Organisation.objects.get(key="k-u")
    assert (stored.name_ja, stored.name_kana, stored.kind) == ("新名", "きゅうめい", "university")
    entry = AuditEntry.objects.filter(object_id=str(stored.pk), action="update").latest("id")
    assert entry.via == Via.COMMAND
    assert entry.changes == {"name_ja": ["旧名", "新名"]}


def test_units_may_come_before_their_parent_in_the_file(db: None) -> None:
    run(csv_bytes([ORG_HEADER, org_row("p-u.a.b", kind="centre", parent="p-u.a"),
                   org_row("p-u.a", kind="faculty", parent="p-u"), org_row("p-u")]))  # fmt: skip
    leaf = Organisation.objects.get(key="p-u.a.b")
    assert [o.key for o in leaf.ancestors()] == ["p-u", "p-u.a"]


def test_every_write_is_audited_with_its_actor_and_path(db: None, superuser: Any) -> None:
    plan = plan_import(spec(), csv_bytes([ORG_HEADER, org_row("a-u"), org_row("a-u.x", kind="faculty", parent="a-u")]),
                       filename="o.csv", user=superuser)  # fmt: skip
    apply_plan(plan, actor=superuser, via=Via.WEB)
    unit = Organisation.objects.get(key="a-u.x")
    entries = AuditEntry.objects.filter(action="create", content_type__model="organisation")
    assert entries.count() == 2
    assert {e.via for e in entries} == {Via.WEB}
    assert {e.actor_id for e in entries} == {superuser.pk}
    assert entries.get(object_id=str(unit.pk)).on_behalf_of_id == unit.parent_id


def test_a_failure_while_writing_leaves_every_table_as_it_was(
    db: None, counts: Callable[[], dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a plan with many rows, and a failure after they are all written
    plan = plan_import(
        spec(), csv_bytes([ORG_HEADER] + [org_row(f"o-{i}") for i in range(1200)]), filename="o.csv"
    )
    before = counts()

    def explode(pks: list[int]) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan.spec, "after_apply", explode)
    # when
    with pytest.raises(RuntimeError):
        apply_plan(plan)
    # then
    assert counts() == before


def test_a_plan_made_stale_by_another_write_is_refused(
    db: None, counts: Callable[[], dict[str, int]]
) -> None:
    run(csv_bytes([ORG_HEADER, org_row("s-u")]))
    plan = plan_import(
        spec(), csv_bytes([ORG_HEADER, org_row("s-u", name_en="S"), org_row("t-u")]), filename="o.csv"
    )
    Organisation.objects.filter(key="s-u").update(name_en="Changed meanwhile")
    before = counts()
    with pytest.raises(ImportRejected) as exc:
        apply_plan(plan)
    assert {p.code for p in exc.value.problems} == {"stale"}
    assert counts() == before


def test_a_key_created_meanwhile_is_refused(db: None, counts: Callable[[], dict[str, int]]) -> None:
    plan = plan_import(spec(), csv_bytes([ORG_HEADER, org_row("race-u")]), filename="o.csv")
    Organisation.objects.create(key="race-u", kind="university", name_ja="先に作られた")
    before = counts()
    with pytest.raises(ImportRejected):
        apply_plan(plan)
    assert counts() == before


def test_database_work_is_batched_not_per_row(db: None) -> None:
    def queries(rows: int, prefix: str) -> int:
        data = csv_bytes(
            [ORG_HEADER] + [org_row(f"{prefix}-{i}", latitude="38", longitude="140") for i in range(rows)]
        )
        with CaptureQueriesContext(connection) as captured:
            run(data)
        return len(captured)

    small, large = queries(20, "s"), queries(2000, "l")
    assert large < 2000 / 10, large
    assert small < 40, small


def test_an_editor_changes_only_what_the_policy_allows(
    owner: Any, owner_org: Any, other_org: Any, org_admin: Any
) -> None:
    # given: an editor at owner-u
    data = csv_bytes([["key", "name_en"], ["owner-u", "Renamed"], ["other-u", "Hijacked"]])
    # when / then: their own organisation yes, another's no
    with pytest.raises(ImportRejected) as exc:
        plan_import(spec(), data, filename="o.csv", user=owner)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.code) == (3, "key", "permission")
    assert "権限" in problem.text("ja")
    # and: a new top-level organisation is refused, a unit under their own is refused for an editor
    new = csv_bytes(
        [ORG_HEADER, org_row("rogue-u"), org_row("owner-u.new", kind="faculty", parent="owner-u")]
    )
    with pytest.raises(ImportRejected) as exc:
        plan_import(spec(), new, filename="o.csv", user=owner)
    assert {(p.row, p.code) for p in exc.value.problems} == {(2, "permission"), (3, "permission")}
    # but: an administrator of owner-u may add the unit, and unchanged rows need no permission
    unit_only = csv_bytes([["key", "kind", "name_ja", "parent"], ["owner-u.new", "faculty", "新学部", "owner-u"],
                           ["other-u", "university", other_org.name_ja, ""]])  # fmt: skip
    plan = plan_import(spec(), unit_only, filename="o.csv", user=org_admin)
    assert plan.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 1}


def test_a_formula_without_a_value_is_reported_as_a_formula_not_as_a_missing_value(db: None) -> None:
    rows = [["key", "kind", "name_ja"]] + [[f"o{i}", "university", f"大学{i}"] for i in range(2)]
    data = with_cells(xlsx_bytes(rows), {"C3": '<c r="C3"><f>A3&amp;"大学"</f></c>'})
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer("organisations"), data, filename="f.xlsx")
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.code) == (3, "name_ja", "formula")
    assert "数式" in problem.text("ja")
    assert "値として貼り付け" in problem.text("ja")
    assert "formula without a computed value" in problem.text("en")

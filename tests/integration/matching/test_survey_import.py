"""Survey answers imported from a Google Forms export (CSV and .xlsx) through the shared import pipeline:
the mapping proposed and honoured when changed, answers checked by the survey link's rules (a bad file
writes nothing), one submission per respondent, a re-import changing nothing, the response rate, the
needs tagged, and who may import."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from renkei.core.audit import Via
from renkei.importing import ImportRejected, apply_plan, plan_import
from renkei.importing.planning import fold
from renkei.importing.spec import importer_for
from renkei.matching import selectors, services
from renkei.matching.importers import propose_mapping
from renkei.matching.models import EmployerProfile, Need, Response, Survey

pytestmark = pytest.mark.django_db

HEADER = ["タイムスタンプ", "メールアドレス", "会社名", "業種", "従業員数", "設問 size", "設問 priority",
          "設問 need", "設問 skills", "設問 people", "設問 mode"]  # fmt: skip


def rows(world: Any) -> list[list[Any]]:
    python = world.skill["skill-python"].label_ja
    quality = world.skill["skill-quality-management"].label_ja
    return [
        ["2026/11/05 10:23:45", "soumu@e1.example.jp", "試験事業者1", "製造業", "50-99", "小", "4",
         "品質管理を学び、データ分析ができる人を育てたい。", f"{python}, {quality}", "6", "オンライン"],
        ["2026/11/06 9:01:02", "jinji@e2.example.jp", "employer-2", "P", "300+", "大", "", "介護記録の電子化に対応できる職員を育てたい。",
         "", "", "対面"],
    ]  # fmt: skip


def csv_bytes(header: list[str], data: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(data)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], data: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan(world: Any, data: bytes, filename: str, *, user: Any = None, mapping: dict | None = None) -> Any:
    user = user or world.secretariat
    options = {"survey": world.survey.pk, "filename": filename}
    if mapping is not None:
        options["mapping"] = mapping
    spec = importer_for("survey_responses", options, user)
    return plan_import(spec, data, filename=filename, user=user)


def imported(world: Any, data: bytes, filename: str, **kwargs: Any) -> Any:
    the_plan = plan(world, data, filename, **kwargs)
    return apply_plan(the_plan, actor=world.secretariat, via=Via.WEB)


def test_the_mapping_is_proposed_from_the_headers_and_a_csv_imports_as_submitted_responses(matching_world):
    world = matching_world
    # when: the mapping is proposed from a Google Forms header
    mapping = propose_mapping(world.survey, HEADER)
    # then: the form tool's fields and every question are recognised by their text
    assert mapping[fold("タイムスタンプ")] == "timestamp"
    assert mapping[fold("メールアドレス")] == "respondent_name"
    assert mapping[fold("会社名")] == "organisation"
    assert mapping[fold("業種")] == "industry"
    assert mapping[fold("設問 skills")] == "q:skills"
    # when: the CSV is imported with it
    result = imported(world, csv_bytes(HEADER, rows(world)), "forms.csv", mapping=mapping)
    # then: two submitted responses, marked as imported from the file, with the answers as codes
    assert result.created == 2
    first = Response.objects.get(survey=world.survey, organisation=world.employers[0])
    assert first.status == Response.Status.SUBMITTED and first.via == Response.Via.IMPORT
    assert first.source_file == "forms.csv"
    assert first.answers["size"] == "s" and first.answers["priority"] == 4
    assert first.answers["skills"] == ["skill-python", "skill-quality-management"]
    assert first.industry == "E" and first.respondent_name == "soumu@e1.example.jp"
    assert timezone.localtime(first.submitted_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-05 10:23:45"
    # then: the needs are made and tagged as from the form; the response rate counts the imports
    need = Need.objects.get(response=first)
    assert "skill-python" in {s.concept.code for s in need.need_skills.all()}
    assert {r["group"]: r["submitted"] for r in selectors.response_rates(world.secretariat, world.survey)} == {
        "製造業": 1, "医療・福祉": 1}  # fmt: skip
    assert EmployerProfile.objects.get(organisation=world.employers[1]).industry == "P"


def test_xlsx_import_and_a_reimport_changes_nothing(matching_world):
    world = matching_world
    data = rows(world)
    data[0][0] = timezone.datetime(2026, 11, 5, 10, 23, 45)  # an Excel date cell
    data[0][6] = 4  # a number cell
    book = xlsx_bytes(HEADER, data)
    assert imported(world, book, "forms.xlsx").created == 2
    counts = (Response.objects.count(), Need.objects.count())
    again = imported(world, book, "forms.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (Response.objects.count(), Need.objects.count()) == counts

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
    assert first.status == Response.Status.SUBMITTED
    assert first.via == Response.Via.IMPORT
    assert first.source_file == "forms.csv"
    assert first.answers["size"] == "s"
    assert first.answers["priority"] == 4
    assert first.answers["skills"] == ["skill-python", "skill-quality-management"]
    assert first.industry == "E"
    assert first.respondent_name == "soumu@e1.example.jp"
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


def refused(world: Any, data: bytes, filename: str = "forms.csv", **kwargs: Any) -> list[dict]:
    before = (Response.objects.count(), Need.objects.count(), EmployerProfile.objects.count())
    with pytest.raises(ImportRejected) as caught:
        plan(world, data, filename, **kwargs)
    assert (Response.objects.count(), Need.objects.count(), EmployerProfile.objects.count()) == before
    return [p.as_dict() for p in caught.value.problems]


def test_a_wrong_choice_scale_or_missing_required_answer_refuses_the_file_with_row_and_column(matching_world):
    world = matching_world
    data = rows(world)
    data[0][5] = "中"  # not a choice of 設問 size
    data[0][6] = "9"  # the scale is 1–5
    data[1][7] = ""  # 設問 need is required
    problems = refused(world, csv_bytes(HEADER, data))
    by_place = {(p["row"], p["column"]): p for p in problems}
    assert set(by_place) == {(2, "設問 size"), (2, "設問 priority"), (3, "設問 need")}
    assert (
        by_place[(2, "設問 size")]["ja"] == "2行目「設問 size」列: 「中」は選択肢にありません。選択肢: 小、大"
    )
    assert (
        by_place[(2, "設問 size")]["en"]
        == "Row 2, column “設問 size”: “中” is not one of the choices: 小, 大"
    )
    assert by_place[(2, "設問 priority")]["en"].endswith("Enter a number from 1 to 5.")
    assert by_place[(3, "設問 need")]["ja"].endswith("この設問は回答必須です。")
    assert by_place[(3, "設問 need")]["en"].endswith("This question must be answered.")


def test_an_unknown_skill_a_bad_timestamp_and_an_unknown_organisation_are_named(matching_world):
    world = matching_world
    data = rows(world)
    data[0][8] = "宇宙遊泳"
    data[1][0] = "きのう"
    data[1][2] = "存在しない会社"
    problems = {(p["row"], p["column"]): p["en"] for p in refused(world, csv_bytes(HEADER, data))}
    assert problems[(2, "設問 skills")].endswith("“宇宙遊泳” is not in the list of skills.")
    assert problems[(3, "タイムスタンプ")].endswith("Not a date and time (e.g. 2026/11/05 10:23:45).")
    assert "存在しない会社" in problems[(3, "会社名")]


def test_a_changed_mapping_is_honoured_and_kept_for_the_next_file(matching_world):
    world = matching_world
    header = [*HEADER[:2], "御社名", *HEADER[3:5], "規模の印象", *HEADER[6:]]
    proposed = propose_mapping(world.survey, header)
    # unusual headers are not proposed: no organisation, and the required size question unanswered
    assert proposed[fold("御社名")] == ""
    assert proposed[fold("規模の印象")] == ""
    problems = refused(world, csv_bytes(header, rows(world)), mapping=proposed)
    assert {p["code"] for p in problems} == {"missing_column", "missing_question"}
    # the coordinator maps it, and maps the size question to the other column
    changed = {**proposed, fold("御社名"): "organisation", fold("規模の印象"): "q:size"}
    services.survey_import_mapping_save(survey=world.survey, mapping=changed, actor=world.secretariat)
    assert imported(world, csv_bytes(header, rows(world)), "forms.csv", mapping=changed).created == 2
    # the next file of the same form is proposed the same mapping
    assert propose_mapping(Survey.objects.get(pk=world.survey.pk), header) == changed


def test_one_submission_per_respondent(matching_world):
    world = matching_world
    # given: employer 1 submitted through its link
    services.response_answer(
        invitation=world.invitation, submit=True, profile={},
        answers={"size": "s", "need": "品質管理を学びたい。"},
    )  # fmt: skip
    # then: its row in the file is refused as already submitted, and nothing is written
    problems = refused(world, csv_bytes(HEADER, rows(world)))
    assert [(p["row"], p["code"]) for p in problems] == [(2, "plan")]
    assert "already been submitted" in problems[0]["en"]
    # and: the same respondent twice in one file is refused too
    data = rows(world)
    data[1][2] = "試験事業者1"
    Response.objects.all().delete()
    problems = refused(world, csv_bytes(HEADER, data))
    assert [p["row"] for p in problems] == [3]
    assert "one response per organisation" in problems[0]["en"]


def test_a_changed_answer_in_a_reimport_is_refused_as_submitted_answers_are_fixed(matching_world):
    world = matching_world
    imported(world, csv_bytes(HEADER, rows(world)), "forms.csv")
    data = rows(world)
    data[0][6] = "2"
    problems = refused(world, csv_bytes(HEADER, data))
    assert [(p["row"], p["column"]) for p in problems] == [(2, "設問 priority")]
    assert Response.objects.get(organisation=world.employers[0]).answers["priority"] == 4


def test_an_employer_or_another_networks_coordinator_cannot_import(matching_world, other_network):
    from factories import NetworkStaffFactory, UserFactory

    world = matching_world
    outsider = NetworkStaffFactory(network=other_network, user=UserFactory(username="other-staff")).user
    for user in (world.editors[0], outsider):
        with pytest.raises(ImportRejected) as caught:
            importer_for("survey_responses", {"survey": world.survey.pk}, user)
        assert [p.code for p in caught.value.problems] == ["permission"]
        with pytest.raises(services.PermissionDenied):
            services.survey_import_mapping_save(survey=world.survey, mapping={}, actor=user)
    assert Response.objects.count() == 0


def test_a_draft_saved_through_the_link_is_not_overwritten_by_an_import(matching_world):
    world = matching_world
    services.response_answer(invitation=world.invitation, submit=False, profile={}, answers={"size": "l"})
    problems = refused(world, csv_bytes(HEADER, rows(world)))
    assert [(p["row"], p["column"]) for p in problems] == [(2, "会社名")]
    assert "saved a draft through the survey link" in problems[0]["en"]
    assert Response.objects.get().answers == {"size": "l"}


def test_the_place_is_read_as_a_municipality_name_or_code(matching_world):
    from factories import OrganisationFactory

    from renkei.organisations.models import Organisation

    world = matching_world
    OrganisationFactory(key="tendo-city", name_ja="天童市", name_en="Tendo", kind=Organisation.Kind.MUNICIPALITY,
                        prefecture="06", municipality_code="06210")  # fmt: skip
    header = [*HEADER, "所在地"]
    data = [[*row, place] for row, place in zip(rows(world), ["山形県天童市", "06210"], strict=True)]
    # when: a form's free-text place column holds a name (with its prefecture) and a code
    imported(world, csv_bytes(header, data), "places.csv")
    # then: both are stored as the municipality's code
    codes = set(Response.objects.filter(survey=world.survey).values_list("municipality_code", flat=True))
    assert codes == {"06210"}
    # when: a place that is no municipality we know
    data = [[*row, place] for row, place in zip(rows(world), ["天童", "宇宙村"], strict=True)]
    data[0][0], data[1][0] = "2026/11/07 10:00:00", "2026/11/07 11:00:00"
    problems = {(p["row"], p["column"]): p for p in refused(world, csv_bytes(header, data))}
    # then: named by row and column, in both languages; nothing more written
    assert "「天童」は市区町村として見つかりません" in problems[(2, "所在地")]["ja"]
    assert "“宇宙村” is not a municipality we know" in problems[(3, "所在地")]["en"]
    assert Response.objects.filter(survey=world.survey).count() == 2

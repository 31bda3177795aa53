"""The survey import pages: upload → mapping (proposed, changed) → the shared import job's preview with
counts → confirm; reached from the survey page, in Japanese and English, for the survey's coordinators
only; the same through `renkei import survey_responses`."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from renkei.importing.planning import fold
from renkei.jobs.models import Job
from renkei.matching.models import Match, MatchRun, Need, Response, Survey

pytestmark = pytest.mark.django_db

HEADER = "タイムスタンプ,メールアドレス,御社名,業種,設問 size,設問 need,設問 mode\r\n"
ROWS = (
    "2026/11/05 10:23:45,soumu@e1.example.jp,試験事業者1,製造業,小,品質管理を学び、データ分析ができる人を育てたい。,オンライン\r\n"
    "2026/11/06 9:01:02,jinji@e2.example.jp,employer-2,P,大,介護記録の電子化に対応できる職員を育てたい。,対面\r\n"
)


@pytest.fixture(autouse=True)
def _imports(import_settings: None) -> None:
    """Web imports run inline and keep their uploads in the test's own folder."""


def upload(client: Any, survey: Survey, data: bytes, prefix: str = "") -> Any:
    return client.post(
        prefix + reverse("matching:survey-import", args=[survey.pk]),
        {"file": SimpleUploadedFile("forms.csv", data), "encoding": ""},
    )


def test_upload_map_preview_confirm(client: Any, matching_world: Any) -> None:
    world = matching_world
    client.force_login(world.secretariat)
    # the survey page links to the import
    survey_page = client.get(reverse("matching:survey-detail", args=[world.survey.pk])).content.decode()
    assert reverse("matching:survey-import", args=[world.survey.pk]) in survey_page
    assert client.get(reverse("matching:survey-import", args=[world.survey.pk])).status_code == 200
    # upload: the mapping page proposes what it recognises, leaves 御社名 to the user
    response = upload(client, world.survey, (HEADER + ROWS).encode())
    assert response.status_code == 302
    mapping_url = response["Location"]
    page = client.get(mapping_url).content.decode()
    assert re.search(r'name="col-0">.*?<option value="timestamp" selected>', page, re.S)
    assert re.search(r'name="col-2">\s*<option value="" selected>', page)
    # confirming it unchanged is refused: no organisation column, named in the page
    refused = client.post(mapping_url, {"col-0": "timestamp", "col-1": "respondent_name", "col-2": "",
                                        "col-3": "industry", "col-4": "q:size", "col-5": "q:need", "col-6": "q:mode"})  # fmt: skip
    assert refused.status_code == 200
    assert "回答した組織（名称またはキー）" in refused.content.decode()
    assert Job.objects.count() == 0
    # changed: the job previews the file, nothing written yet
    started = client.post(mapping_url, {"col-0": "timestamp", "col-1": "respondent_name", "col-2": "organisation",
                                        "col-3": "industry", "col-4": "q:size", "col-5": "q:need", "col-6": "q:mode"})  # fmt: skip
    assert started.status_code == 302
    job = Job.objects.get()
    assert job.state == Job.State.WAITING
    assert job.result["counts"]["create"] == 2
    preview = client.get(started["Location"]).content.decode()
    assert "employer-1" in preview
    assert "品質管理を学び、データ分析ができる人を育てたい。" in preview
    assert Response.objects.count() == 0
    assert Survey.objects.get(pk=world.survey.pk).import_mapping[fold("御社名")] == "organisation"
    # confirm: written, and the page links back to this survey's import
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert Response.objects.filter(via=Response.Via.IMPORT, source_file="forms.csv").count() == 2
    assert Need.objects.filter(response__via=Response.Via.IMPORT).count() == 2
    done = client.get(reverse("portal:import-job", args=[job.pk])).content.decode()
    assert reverse("matching:survey-import", args=[world.survey.pk]) in done
    imported = Response.objects.filter(via=Response.Via.IMPORT).first()
    detail = client.get(reverse("matching:response-detail", args=[imported.pk])).content.decode()
    assert "(forms.csv)" in detail


def test_a_bad_file_is_refused_in_english_with_row_and_column(client: Any, matching_world: Any) -> None:
    world = matching_world
    client.force_login(world.secretariat)
    world.survey.import_mapping = {fold("御社名"): "organisation"}
    world.survey.save()
    bad = (HEADER + ROWS.replace(",小,", ",中,")).encode()
    mapping_url = upload(client, world.survey, bad, prefix="/en")["Location"]
    page = client.get(mapping_url).content.decode()
    assert re.search(r'name="col-2">.*?<option value="organisation" selected>', page, re.S)  # kept
    started = client.post(mapping_url, {"col-0": "timestamp", "col-1": "respondent_name", "col-2": "organisation",
                                        "col-3": "industry", "col-4": "q:size", "col-5": "q:need", "col-6": "q:mode"})  # fmt: skip
    job = Job.objects.get()
    assert job.state == Job.State.REJECTED
    assert started["Location"].startswith("/en/")
    text = client.get(started["Location"]).content.decode()
    assert "Row 2, column “設問 size”: “中” is not one of the choices: 小, 大" in text
    assert Response.objects.count() == 0


def test_only_the_surveys_coordinators_reach_the_pages(
    client: Any, matching_world: Any, other_network: Any
) -> None:
    from factories import NetworkStaffFactory, UserFactory

    world = matching_world
    outsider = NetworkStaffFactory(network=other_network, user=UserFactory(username="other-staff")).user
    url = reverse("matching:survey-import", args=[world.survey.pk])
    for user, status in ((world.editors[0], 404), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert upload(client, world.survey, (HEADER + ROWS).encode()).status_code == status
    assert Job.objects.count() == 0


def test_the_command_imports_with_the_kept_mapping(matching_world: Any, tmp_path: Any) -> None:
    world = matching_world
    world.survey.import_mapping = {fold("御社名"): "organisation"}
    world.survey.save()
    path = tmp_path / "forms.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    option = f"survey={world.network.key}/{world.survey.key}"
    call_command("import", "survey_responses", str(path), "--option", option, "--dry-run", "--lang", "en")
    assert Response.objects.count() == 0
    out = io.StringIO()
    call_command("import", "survey_responses", str(path), "--option", option, "--lang", "en", stdout=out)
    assert Response.objects.filter(source_file="forms.csv").count() == 2
    # the needs it made are matched at once, in one run ranked inside the command's import
    run = MatchRun.objects.get(scope=MatchRun.Scope.IMPORTED)
    needs = set(Need.objects.filter(response__via=Response.Via.IMPORT).values_list("pk", flat=True))
    assert (run.state, set(run.need_ids), run.job) == (MatchRun.State.DONE, needs, None)
    assert "Matched the 2 imported needs." in out.getvalue()
    call_command("import", "survey_responses", str(path), "--option", option, "--lang", "en")
    assert Response.objects.count() == 2
    assert MatchRun.objects.filter(scope=MatchRun.Scope.IMPORTED).count() == 1


MAPPING = {"col-0": "timestamp", "col-1": "respondent_name", "col-2": "organisation", "col-3": "industry",
           "col-4": "q:size", "col-5": "q:need", "col-6": "q:mode"}  # fmt: skip


def test_the_imported_needs_are_matched_by_one_job_and_the_result_page_links_to_it(
    client: Any, matching_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = matching_world
    client.force_login(world.secretariat)
    mapping_url = upload(client, world.survey, (HEADER + ROWS).encode())["Location"]
    job = Job.objects.get(pk=client.post(mapping_url, MAPPING)["Location"].rstrip("/").split("/")[-1])
    # confirmed: the import commits, then (once committed) the matching job of its needs is queued
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("portal:import-confirm", args=[job.pk]))
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    needs = Need.objects.filter(response__via=Response.Via.IMPORT)
    run = MatchRun.objects.get(scope=MatchRun.Scope.IMPORTED)
    assert sorted(run.need_ids) == sorted(n.pk for n in needs)
    assert (run.state, run.need_count, run.started_by) == (MatchRun.State.DONE, 2, world.secretariat)
    assert run.job is not None
    assert run.job.state == Job.State.DONE
    assert run.job.user == world.secretariat
    quality = needs.get(text__startswith="品質管理")
    assert Match.objects.filter(run=run, need=quality, program=world.programs["QC"]).exists()
    assert Need.objects.get(pk=quality.pk).status == Need.Status.MATCHED
    # the import's page says so and links to the run, in Japanese and English
    run_url = reverse("matching:run-detail", args=[run.pk])
    page = client.get(reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "取り込んだニーズ2件のマッチングを開始しました。" in page
    assert f'href="{run_url}"' in page
    english = client.get(
        "/en" + reverse("portal:import-job", args=[job.pk]), headers={"accept-language": "en"}
    )
    assert "Matching started for the 2 imported needs." in english.content.decode()
    assert f'href="/en{run_url}"' in english.content.decode()
    run_page = client.get(run_url).content.decode()
    assert "品質管理入門" in run_page
    runs = client.get(reverse("matching:run-list")).content.decode()
    assert f'href="{run_url}"' in runs
    assert "取り込んだニーズ" in runs
    # delivered again, the task does nothing; the same file again makes no response, need or run
    from renkei.matching.tasks import match_run_task

    assert match_run_task.call(str(run.job.pk)) == "skipped"
    matches = Match.objects.count()
    mapping_url = upload(client, world.survey, (HEADER + ROWS).encode())["Location"]
    again = Job.objects.get(pk=client.post(mapping_url, MAPPING)["Location"].rstrip("/").split("/")[-1])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("portal:import-confirm", args=[again.pk]))
    assert callbacks == []
    assert (Need.objects.count(), Match.objects.count()) == (2, matches)
    assert MatchRun.objects.filter(scope=MatchRun.Scope.IMPORTED).count() == 1
    assert (
        "マッチング"
        not in client.get(reverse("portal:import-job", args=[again.pk]))
        .content.decode()
        .split('id="done-heading"')[-1]
        .split("</section>")[0]
    )


def test_a_failed_import_queues_no_matching(client: Any, matching_world: Any) -> None:
    """The run is recorded in the import's transaction: an import that writes nothing starts nothing."""
    world = matching_world
    client.force_login(world.secretariat)
    bad = (HEADER + ROWS.replace(",小,", ",中,")).encode()
    mapping_url = upload(client, world.survey, bad)["Location"]
    client.post(mapping_url, MAPPING)
    assert Job.objects.get().state == Job.State.REJECTED
    assert not MatchRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_the_immediate_backend_the_matching_job_runs_as_soon_as_the_import_commits(
    client: Any, matching_world: Any
) -> None:
    """Real commits (no test transaction around them): the import's step queues the matching job when its
    data are committed, and the immediate backend runs that job at once, inside the import's own step
    (the runner's one-job-at-a-time lock lets the same thread take it again)."""
    world = matching_world
    client.force_login(world.secretariat)
    mapping_url = upload(client, world.survey, (HEADER + ROWS).encode())["Location"]
    job = Job.objects.get(pk=client.post(mapping_url, MAPPING)["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    run = MatchRun.objects.get(scope=MatchRun.Scope.IMPORTED)
    assert (Job.objects.get(pk=job.pk).state, run.state) == (Job.State.DONE, MatchRun.State.DONE)
    assert run.job.state == Job.State.DONE

"""Matching runs: one need at once, a batch run as a background job with progress, reproducible from its
stored engine version and parameters, repeatable; a killed job run again writes its matches once."""

from __future__ import annotations

import time

import pytest

from renkei.core.models import AuditEntry
from renkei.engine import ENGINE_VERSION
from renkei.jobs.models import Job
from renkei.jobs.selectors import job_is_stalled
from renkei.matching import jobs, services
from renkei.matching.models import Match, MatchRun, Need

pytestmark = pytest.mark.django_db

TEXTS = (
    "品質管理の研修を受けたい",
    "Pythonでデータ分析をしたい",
    "情報セキュリティを夜間に学びたい",
    "溶接の技能",
)


@pytest.fixture
def needs(matching_world):
    made = []
    for n, text in enumerate(TEXTS):
        need = Need(organisation=matching_world.employers[n % 2], network=matching_world.network, text=text)
        made.append(services.need_save(need=need, actor=matching_world.secretariat))
    return made


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_one_need_is_matched_at_once_with_reasons_in_both_languages(matching_world, needs):
    run = services.need_match(need=needs[0], actor=matching_world.editors[0])
    [best, *_] = run.matches.order_by("rank")
    assert best.program == matching_world.programs["QC"]
    assert "品質管理" in best.reasons_ja
    assert best.reasons_en.startswith("skills:")
    assert 0 < best.score <= 1
    assert sum(best.contributions.values()) == pytest.approx(best.score, abs=1e-6)
    assert (run.scope, run.engine_version, run.state) == ("one_need", ENGINE_VERSION, "done")


def test_a_batch_run_is_a_job_that_stores_its_parameters_and_can_be_reproduced(
    immediate, matching_world, needs
):
    # when: a coordinator starts a run (the task runs at once with the immediate backend)
    run = jobs.match_run_launch(user=matching_world.secretariat, network=matching_world.network, top_k=3)
    # then: done, with its engine version, parameters, inputs and progress in the job
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert (run.state, job.state, job.kind) == ("done", "done", "matching")
    assert job.result == {"run": run.pk, "matches": run.match_count, "needs": 4}
    assert (job.phase, job.done, job.total) == ("write", run.match_count, run.match_count)
    assert run.parameters["engine_version"] == run.engine_version == ENGINE_VERSION
    assert sorted(run.inputs["needs"]) == sorted(n.pk for n in needs)
    assert set(run.inputs["programs"]) == {p.pk for p in matching_world.programs.values()}
    assert run.match_count == Match.objects.filter(run=run).count() > 0
    welding = Match.objects.filter(run=run, need=needs[3])
    assert not welding.exists()  # nothing relevant: constraints never make a program appear
    # then: reproducible from what is stored
    same, fingerprint = services.match_run_reproduce(run)
    assert same
    assert fingerprint == run.fingerprint
    # when: repeated, it ranks again with the same parameters
    again = jobs.match_run_repeat(match_run=run, user=matching_world.secretariat)
    again.refresh_from_db()
    assert (again.repeat_of_id, again.parameters, again.fingerprint) == (
        run.pk,
        run.parameters,
        run.fingerprint,
    )
    # when: a need's text changes, the stored run still reproduces from its own inputs? no: it says so
    needs[0].text = "英語の研修"
    services.need_save(need=needs[0], actor=matching_world.secretariat)
    assert services.match_run_reproduce(run)[0] is False


def test_a_killed_job_run_again_writes_its_matches_once(settings, matching_world, needs):
    # given: a run queued in the database backend, then taken by a worker that died midway: the job is
    # "running" with no sign of life, nothing was written
    settings.RENKEI_JOB_STALL_SECONDS = 60  # however slow the machine, not stalled yet
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    run = jobs.match_run_launch(user=matching_world.secretariat, network=matching_world.network)
    Job.objects.filter(pk=run.job_id).update(state="running", attempt=1)
    job = Job.objects.get(pk=run.job_id)
    assert not Match.objects.filter(run=run).exists()
    assert not jobs.match_run_retry(run)  # not yet stalled: not run twice
    # its last sign of life is now older than the stall time
    time.sleep(0.1)
    settings.RENKEI_JOB_STALL_SECONDS = 0.05
    job.refresh_from_db()
    assert job_is_stalled(job)
    # when: run again (the immediate backend stands for the next worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    run.refresh_from_db()
    assert jobs.match_run_retry(run)
    # then: done once, with the same matches a fresh run gives
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.state, job.state, job.attempt) == ("done", "done", 2)
    entries = AuditEntry.objects.filter(content_type__model="match", object_id__in=[
        str(pk) for pk in Match.objects.filter(run=run).values_list("pk", flat=True)])  # fmt: skip
    assert entries.count() == run.match_count == Match.objects.filter(run=run).count()
    fresh = services.match_run_run_now(
        match_run=services.match_run_create(network=matching_world.network, actor=None)
    )
    assert fresh.fingerprint == run.fingerprint
    # and: a task delivered again after the end does nothing more
    assert not jobs.match_run_retry(run)
    assert Match.objects.filter(run=run).count() == run.match_count
    assert MatchRun.objects.filter(pk=run.pk, state="done").exists()


def test_a_worker_runs_the_job_without_a_request_around_it(settings, matching_world, needs, no_audit_context):
    """A worker has no request and so no audit context of its own: the task opens one (via=task, as the user
    who started the run); before, every run a real worker took failed on its first write."""
    from renkei.matching.tasks import match_run_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    run = jobs.match_run_launch(user=matching_world.secretariat, network=matching_world.network)
    assert no_audit_context(match_run_task.call, str(run.job_id)) == "done"
    run.refresh_from_db()
    assert (run.state, run.job.state) == ("done", "done")
    entry = AuditEntry.objects.filter(
        content_type__model="match", object_id=str(run.matches.first().pk)
    ).get()
    assert (entry.via, entry.actor, entry.service) == (
        "task",
        matching_world.secretariat,
        "matching.match_run_store",
    )

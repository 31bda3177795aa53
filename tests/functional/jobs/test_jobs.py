"""Jobs through the configured task backend and its real worker, in this process: the web import's
upload → preview → confirm → commit, a task delivered twice, a failure, a job whose worker died."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from job_helpers import units_csv

from renkei.core.models import AuditEntry
from renkei.importing.jobs import import_job_retry, import_job_start, job_dir
from renkei.importing.tasks import import_commit, import_preview
from renkei.jobs.live import Heartbeat, Live, live_path, read_live, write_live
from renkei.jobs.models import Job
from renkei.jobs.selectors import job_is_stalled, job_status
from renkei.organisations.models import Organisation

# Committed transactions, as in production: a worker closes a connection it finds inside a transaction
# (Django's close_old_connections), so it cannot run inside a test's wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def upload(client: Any, data: bytes, name: str = "units.csv") -> Job:
    response = client.post(
        reverse("portal:import-start"), {"importer": "organisations", "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302, response.content.decode()
    return Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def units() -> int:
    return Organisation.objects.filter(key__startswith="owner-u.u").count()


def unit_audit_entries() -> int:
    return AuditEntry.objects.filter(
        content_type__model="organisation", object_repr__startswith="テストセンター"
    ).count()


def test_an_upload_waits_for_a_worker_then_previews_and_commits_once(
    client: Any, org_admin: Any, owner_org: Any, run_worker: Callable[[], None]
) -> None:
    # given: an upload of 30 new units
    client.force_login(org_admin)
    job = upload(client, units_csv("owner-u", 30))
    # then: the job waits for a worker; the page says so and polls
    assert (job.state, job.step, job.kind) == ("queued", "preview", "import")
    assert job.task_result_id
    page = client.get(reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "hx-trigger" in page
    # when: a worker runs
    run_worker()
    # then: the preview waits for the user; nothing is written
    job.refresh_from_db()
    assert job.state == "waiting", (job.error_en, job.result)
    assert job.result["counts"] == {"create": 30, "update": 0, "unchanged": 0}
    assert (job.done, job.total, job.phase, job.phase_ja) == (30, 30, "check", "確認中")
    assert units() == 0
    assert not live_path(job.pk).exists()
    # when: confirmed, and a worker runs
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.step) == ("queued", "commit")
    run_worker()
    # then: written once, the job done; its page shows it in either language
    job.refresh_from_db()
    assert job.state == "done", (job.error_en, job.result)
    assert units() == 30
    assert unit_audit_entries() == 30
    assert not job_dir(job.pk).exists()
    assert "30 created" in client.get("/en" + reverse("portal:import-job", args=[job.pk])).content.decode()
    # when: the commit task is delivered again (a queue may deliver twice), and the worker runs
    import_commit.enqueue(str(job.pk))
    import_preview.enqueue(str(job.pk))
    run_worker()
    # then: nothing more is written
    assert units() == 30
    assert unit_audit_entries() == 30
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("done", 2)


def test_an_unexpected_error_fails_the_job_in_both_languages_and_it_can_be_run_again(
    org_admin: Any, owner_org: Any, run_worker: Callable[[], None], client: Any
) -> None:
    # given: a job whose importer does not exist (an unexpected error inside the work)
    job = import_job_start(user=org_admin, importer="castles", filename="c.csv", chunks=[b"key\r\na\r\n"])
    run_worker()
    job.refresh_from_db()
    assert job.state == "failed"
    assert "予期しないエラー" in job.error_ja
    assert "unexpected error" in job.error_en
    assert job_dir(job.pk).exists()  # kept, so that the step can be run again
    client.force_login(org_admin)
    en = client.get("/en" + reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "unexpected error" in en
    assert "Run it again" in en
    # when: run again (through the page), it is queued and runs again
    client.post(reverse("portal:import-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "queued"
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("failed", 2)


def test_a_job_whose_worker_died_is_offered_again_and_writes_once(
    client: Any, org_admin: Any, owner_org: Any, run_worker: Callable[[], None], settings: Any
) -> None:
    # given: a confirmed import whose worker died while committing: the job says "running", its
    # last sign of life (the live file the heartbeat rewrites) grows old; nothing was written
    settings.RENKEI_JOB_STALL_SECONDS = 60  # however slow the machine, not stalled yet
    client.force_login(org_admin)
    job = upload(client, units_csv("owner-u", 5))
    run_worker()
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    Job.objects.filter(pk=job.pk).update(state="running", attempt=2)
    write_live(job.pk, Live(attempt=2, phase="write", phase_ja="書込中", phase_en="writing", done=1, total=5))
    job.refresh_from_db()
    assert not job_is_stalled(job)
    assert not import_job_retry(job)  # a live job is not run twice
    # when: no sign of life for longer than RENKEI_JOB_STALL_SECONDS
    time.sleep(0.1)
    settings.RENKEI_JOB_STALL_SECONDS = 0.05
    job.refresh_from_db()
    # then: the page says the job stopped and offers to run it again
    assert job_is_stalled(job)
    assert job_status(job, "ja").stalled
    page = client.get(reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "もう一度実行" in page
    poll = client.get(reverse("portal:import-job-status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    # when: run again
    client.post(reverse("portal:import-retry", args=[job.pk]))
    run_worker()
    # then: written once
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("done", 3)
    assert units() == 5
    assert unit_audit_entries() == 5
    assert read_live(job.pk) is None


def test_a_task_abandoned_by_a_dead_rq_worker_is_failed_by_the_next_worker_and_runs_again_once(
    client: Any, org_admin: Any, owner_org: Any, run_worker: Callable[[], None], settings: Any
) -> None:
    if settings.TASKS_BACKEND != "redis":
        pytest.skip("RQ's registry of started tasks: CI runs this directory once more on Redis")
    import django_rq

    settings.RENKEI_JOB_STALL_SECONDS = 0.2
    client.force_login(org_admin)
    job = upload(client, units_csv("owner-u", 4))
    run_worker()
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    # given: a worker took the commit task and died: RQ still lists the task as started, its time long
    # past; the job says "running" and its last sign of life grows old
    queue = django_rq.get_queue("default", job_class="django_tasks_rq.Job")
    queue.remove(job.task_result_id)
    queue.connection.zadd(queue.started_job_registry.key, {f"{job.task_result_id}:a-dead-worker": 1})
    Job.objects.filter(pk=job.pk).update(state="running", attempt=job.attempt + 1)
    time.sleep(0.3)
    # when: the next worker starts, it fails the abandoned task (without an error of its own)
    run_worker()
    assert queue.fetch_job(job.task_result_id).get_status() == "failed"
    job.refresh_from_db()
    assert job_is_stalled(job)
    assert units() == 0
    # when: the job is run again from its page
    client.post(reverse("portal:import-retry", args=[job.pk]))
    run_worker()
    # then: written once
    job.refresh_from_db()
    assert job.state == "done", (job.error_en, job.result)
    assert units() == 4
    assert unit_audit_entries() == 4


def test_the_worker_command_matches_the_backend(settings: Any) -> None:
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="no worker"):
        call_command("worker", "--burst")


def test_a_job_the_queue_refuses_fails_with_a_message_and_keeps_nothing_running(
    org_admin: Any, owner_org: Any, settings: Any, client: Any
) -> None:
    # given: a task backend that refuses the import's queue (as an unreachable Redis would refuse it)
    settings.TASKS = {**settings.TASKS, "default": {**settings.TASKS["default"], "QUEUES": ["elsewhere"]}}
    # when
    job = import_job_start(
        user=org_admin, importer="organisations", filename="u.csv", chunks=[units_csv("owner-u", 2)]
    )
    # then: the job has failed, says why in both languages, and its page offers to try again
    assert (job.state, job.task_result_id) == ("failed", "")
    assert "待ち行列" in job.error_ja
    assert "job queue" in job.error_en
    client.force_login(org_admin)
    assert "Run it again" in client.get("/en" + reverse("portal:import-job", args=[job.pk])).content.decode()


def test_the_heartbeat_keeps_a_quiet_step_alive_and_its_end_removes_the_live_file() -> None:
    # given: a step that reports no progress for a while (reading a big workbook, re-indexing)
    heartbeat = Heartbeat("quiet-job", Live(attempt=1, phase="finish"), interval=0.05)
    with heartbeat:
        first = read_live("quiet-job")
        time.sleep(0.3)
        later = read_live("quiet-job")
        # then: the live file is rewritten all the same
        assert first is not None
        assert later is not None
        assert later.at > first.at
        assert later.phase == "finish"
    assert read_live("quiet-job") is None

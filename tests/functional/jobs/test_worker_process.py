"""End to end with `renkei worker` in its own process, on the configured backend: a web import's preview
and commit run there; the worker is killed (SIGKILL, as a crash or the OOM killer would) in the middle
of the commit's transaction; nothing is written; the page offers to run the job again; the re-run writes
every row once, and a second delivery of the same task writes nothing more."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from job_helpers import SharedDatabase, kill_tree, units_csv

from renkei.core.models import AuditEntry
from renkei.importing.tasks import import_commit
from renkei.jobs.live import read_live
from renkei.jobs.models import Job
from renkei.jobs.selectors import job_status
from renkei.organisations.models import Organisation

ROWS = 6000  # enough for a commit of several seconds, so the kill lands inside it
pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_writing(job: Job, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the worker reports rows written inside the commit's transaction (its live file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = read_live(job.pk)
        if live is not None and live.phase == "write" and live.done > 0:
            return
        assert process.poll() is None, process.log.read_text()  # type: ignore[attr-defined]
        time.sleep(0.02)
    pytest.fail("the worker never started writing")


def written() -> tuple[int, int]:
    units = Organisation.objects.filter(key__startswith="owner-u.u").count()
    entries = AuditEntry.objects.filter(
        content_type__model="organisation", object_repr__startswith="テストセンター"
    )
    return units, entries.count()


def test_a_worker_killed_mid_commit_leaves_nothing_and_the_job_runs_again_once(
    client: Any,
    org_admin: Any,
    owner_org: Any,
    shared_database: SharedDatabase,
    worker_process: Callable[..., subprocess.Popen],
    burst_worker: Callable[[], None],
    settings: Any,
) -> None:
    settings.RENKEI_JOB_STALL_SECONDS = 1
    client.force_login(org_admin)
    # given: an upload, previewed by a worker process
    response = client.post(
        reverse("portal:import-start"),
        {"importer": "organisations", "file": SimpleUploadedFile("units.csv", units_csv("owner-u", ROWS))},
    )
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.state == "queued"
    burst_worker()
    job.refresh_from_db()
    assert job.state == "waiting", (job.error_en, job.result)
    assert job.result["counts"]["create"] == ROWS
    # when: confirmed, and the worker is killed while it writes
    client.post(reverse("portal:import-confirm", args=[job.pk]))
    shared_database.push()
    worker = worker_process()
    wait_for_writing(job, worker)
    kill_tree(worker.pid)
    worker.wait()
    shared_database.pull()
    # then: nothing was written; the job still says running, until it shows no sign of life
    job.refresh_from_db()
    assert (job.state, job.step, job.attempt) == ("running", "commit", 2)
    assert written() == (0, 0)
    time.sleep(1.2)
    assert job_status(job, "en").stalled
    page = client.get("/en" + reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "Run it again" in page
    # when: run again, by a new worker
    client.post(reverse("portal:import-retry", args=[job.pk]))
    burst_worker()
    # then: every row once, with one audit entry each
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("done", 3), (job.error_en, job.result)
    assert written() == (ROWS, ROWS)
    # when: the same task is delivered once more
    import_commit.enqueue(str(job.pk))
    burst_worker()
    # then: nothing more is written
    assert written() == (ROWS, ROWS)
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("done", 3)

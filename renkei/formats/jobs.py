"""Regenerating the open-data bundle as a background job (ADR 0006): one step, `build`.

The task (`renkei.formats.tasks.open_data_build`) is a thin wrapper: `run_step` claims the job and
`open_data_build_run` writes the bundle (atomically replaced, so running it again is harmless) and
finishes the job with the manifest's summary.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from renkei.formats import bundle
from renkei.jobs.models import Job
from renkei.jobs.runner import Run
from renkei.jobs.services import job_create, job_enqueue

KIND = "open-data"
BUILD = "build"


def phases() -> dict[str, tuple[str, str]]:
    """Phase labels: one per registered table, and the end."""
    return {**{n: (f"{n}.csv を作成中", f"Writing {n}.csv") for n in bundle.TABLES}, "done": ("完了", "Done")}


def open_data_build_run(run: Run) -> None:
    manifest = bundle.build(progress=lambda phase, done, total: run.progress(phase, done, total))
    with transaction.atomic():
        run.check_current()
        run.finish(
            Job.State.DONE,
            result={
                "generated_at": manifest["generated_at"],
                "files": len(manifest["files"]),
                "rows": sum(entry["rows"] for entry in manifest["files"]),
            },
        )


def open_data_job_start(*, user: Any) -> Job:
    """Record a job and queue the build of the bundle."""
    from renkei.formats.tasks import open_data_build  # the task wraps this module's work

    job = job_create(kind=KIND, step=BUILD, user=user, params={})
    return job_enqueue(job, open_data_build)

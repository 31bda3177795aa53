"""The web import's two steps as tasks: thin wrappers around `renkei.importing.jobs` (see there)."""

from __future__ import annotations

from django_tasks import task

from renkei.importing.jobs import COMMIT, PREVIEW, import_commit_run, import_preview_run
from renkei.importing.progress import PHASES
from renkei.jobs.runner import run_step


@task()
def import_preview(job_id: str) -> str:
    return run_step(job_id, PREVIEW, import_preview_run, phases=PHASES)


@task()
def import_commit(job_id: str) -> str:
    return run_step(job_id, COMMIT, import_commit_run, phases=PHASES)

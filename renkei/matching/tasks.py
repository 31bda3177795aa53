"""The batch matching run as a task: a thin wrapper around `renkei.matching.jobs` (see there)."""

from __future__ import annotations

from django_tasks import task

from renkei.jobs.runner import run_step
from renkei.matching.jobs import PHASES, STEP, match_run_work


@task()
def match_run_task(job_id: str) -> str:
    return run_step(job_id, STEP, match_run_work, phases=PHASES)

"""The open-data bundle's build as a task: a thin wrapper around `renkei.formats.jobs`."""

from __future__ import annotations

from django_tasks import task

from renkei.formats.jobs import BUILD, open_data_build_run, phases
from renkei.jobs.runner import run_step


@task()
def open_data_build(job_id: str) -> str:
    return run_step(job_id, BUILD, open_data_build_run, phases=phases())

"""Batch matching runs as background jobs (`renkei.jobs`, ADR 0006).

`match_run_launch` records the run (engine version and parameters) and a job, and queues the task
(`renkei.matching.tasks.match_run_task`); a worker ranks every open need of the network against its
programs, reporting progress in the job, then writes the matches, their audit entries, the run's end
and the job's end in one transaction. A worker killed midway leaves nothing written; the page offers
to run it again (`match_run_retry`) and running it again writes the run's matches once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from renkei.jobs.models import Job
from renkei.jobs.runner import Run
from renkei.jobs.services import job_create, job_enqueue, job_retry
from renkei.matching import services
from renkei.matching.models import MatchRun
from renkei.networks.models import Network

KIND = "matching"
STEP = "rank"
PHASES = {
    "load": ("ニーズとプログラムを読み込んでいます", "Reading needs and programs"),
    "rank": ("ニーズごとにプログラムを順位付けしています", "Ranking programs for each need"),
    "write": ("結果を書き込んでいます", "Writing the matches"),
}


def match_run_launch(
    *, user: Any, network: Network, top_k: int = 5, parameters: dict[str, Any] | None = None,
    repeat_of: MatchRun | None = None, organisation: Any = None,
) -> MatchRun:  # fmt: skip
    """Record a run and its job, and queue it. Call outside a transaction (the job row must be committed
    before a worker looks for it)."""
    from renkei.matching.tasks import match_run_task

    job = job_create(kind=KIND, step=STEP, user=user, organisation=organisation, params={})
    match_run = services.match_run_create(
        network=network, actor=user, top_k=top_k, parameters=parameters, repeat_of=repeat_of, job=job
    )
    Job.objects.filter(pk=job.pk).update(params={"run": match_run.pk, "network": network.pk})
    job_enqueue(job, match_run_task)
    match_run.refresh_from_db()
    return match_run


def match_run_repeat(*, match_run: MatchRun, user: Any) -> MatchRun:
    """The same run again (same parameters and size) over the needs and programs as they are now."""
    return match_run_launch(
        user=user, network=match_run.network, top_k=match_run.top_k, parameters=match_run.parameters,
        repeat_of=match_run,
    )  # fmt: skip


def match_run_retry(match_run: MatchRun) -> bool:
    """Run the job again after it failed or its worker stopped (it wrote nothing)."""
    from renkei.matching.tasks import match_run_task

    if match_run.job is None or match_run.state == MatchRun.State.DONE:
        return False
    return job_retry(match_run.job, task=match_run_task)


def match_run_work(run: Run) -> None:
    """The task's work: rank, then write all or nothing (with the job's end)."""
    match_run = MatchRun.objects.select_related("network").get(pk=run.job.params["run"])
    if match_run.state == MatchRun.State.DONE:  # delivered again after it finished: nothing to do
        run.finish(Job.State.DONE, result={"run": match_run.pk, "matches": match_run.match_count})
        return
    run.progress("load", 0, None)
    ranked, inputs = services.compute_run(
        match_run, progress=lambda done, total: run.progress("rank", done, total)
    )
    run.progress("write", 0, len(ranked))
    with transaction.atomic():
        run.check_current()
        stored = services.match_run_store(match_run=match_run, ranked=ranked, inputs=inputs)
        run.progress("write", len(ranked), len(ranked))
        run.finish(Job.State.DONE, result={"run": stored.pk, "matches": stored.match_count,
                                            "needs": stored.need_count})  # fmt: skip

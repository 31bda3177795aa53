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

from renkei.core.audit import Via, audit_context
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
    repeat_of: MatchRun | None = None, organisation: Any = None, scope: str = MatchRun.Scope.OPEN_NEEDS,
    need_ids: list[int] | None = None, when_committed: bool = False,
) -> MatchRun:  # fmt: skip
    """Record a run and its job, and queue it. Call outside a transaction (the job row must be committed
    before a worker looks for it), or with `when_committed` inside one: the job is queued once it commits
    (and not at all if it rolls back)."""
    from renkei.matching.tasks import match_run_task

    job = job_create(kind=KIND, step=STEP, user=user, organisation=organisation, params={})
    match_run = services.match_run_create(
        network=network, actor=user, top_k=top_k, parameters=parameters, repeat_of=repeat_of, job=job,
        scope=scope, need_ids=need_ids,
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(params={"run": match_run.pk, "network": network.pk})
    if when_committed:
        transaction.on_commit(lambda: job_enqueue(job, match_run_task))
        return match_run
    job_enqueue(job, match_run_task)
    match_run.refresh_from_db()
    return match_run


def match_run_repeat(*, match_run: MatchRun, user: Any) -> MatchRun:
    """The same run again (same scope, parameters and size) over the needs and programs as they are now."""
    scope = match_run.scope if match_run.scope == MatchRun.Scope.IMPORTED else MatchRun.Scope.OPEN_NEEDS
    return match_run_launch(
        user=user, network=match_run.network, top_k=match_run.top_k, parameters=match_run.parameters,
        repeat_of=match_run, scope=scope, need_ids=match_run.need_ids,
    )  # fmt: skip


def match_imported_needs(*, need_ids: list[int], network: Network, user: Any) -> MatchRun | None:
    """Match the needs an import made, as a submission through the survey link matches its own: one run
    over those still open and never matched (so a run again, or the same file again, matches nothing
    twice). From the web (`user`), the run is a job, queued when the import's transaction commits; its
    page shows the progress. From a command (no user), it is ranked here, inside the import's
    transaction. None when there is nothing to match."""
    wanted = services.needs_never_matched(need_ids)
    if not wanted:
        return None
    if user is None:
        match_run = services.match_run_create(
            network=network, actor=None, scope=MatchRun.Scope.IMPORTED, need_ids=wanted
        )
        return services.match_run_run_now(match_run=match_run)
    return match_run_launch(
        user=user, network=network, scope=MatchRun.Scope.IMPORTED, need_ids=wanted, when_committed=True
    )


def started_note(match_run: MatchRun) -> dict[str, Any]:
    """What an import's page says of the run it started, in both languages, with the run's address."""
    count = len(match_run.need_ids)
    done = match_run.state == MatchRun.State.DONE
    return {
        "ja": f"取り込んだニーズ{count}件の" + ("マッチングを行いました。" if done else "マッチングを開始しました。"),
        "en": f"{'Matched' if done else 'Matching started for'} the {count} imported need{'s' if count != 1 else ''}.",
        "link_ja": "マッチングの結果を見る", "link_en": "See the matches",
        "url_name": "matching:run-detail", "args": [match_run.pk],
    }  # fmt: skip


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
    # a worker has no request around it: the writes are the job's, made for the user who started it
    label = f"matching run {match_run.pk}"
    with audit_context(via=Via.TASK, actor=run.job.user, label=label), transaction.atomic():
        run.check_current()
        stored = services.match_run_store(match_run=match_run, ranked=ranked, inputs=inputs)
        run.progress("write", len(ranked), len(ranked))
        run.finish(Job.State.DONE, result={"run": stored.pk, "matches": stored.match_count,
                                            "needs": stored.need_count})  # fmt: skip

"""Starting, continuing and re-running jobs. The work itself runs in a task (`renkei.jobs.runner`)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from renkei.jobs.models import Job
from renkei.jobs.selectors import job_is_stalled, jobs_finished_before

logger = logging.getLogger(__name__)

QUEUE_DOWN = (
    "ジョブを開始できませんでした（ジョブの待ち行列に接続できません）。しばらくしてからもう一度お試しください。",
    "The job could not be started (the job queue cannot be reached). Please try again in a moment.",
)


def job_create(*, kind: str, step: str, user: Any, organisation: Any = None, params: dict[str, Any]) -> Job:
    """A queued job; nothing runs until `job_enqueue`."""
    return Job.objects.create(kind=kind, step=step, user=user, organisation=organisation, params=params)


def job_enqueue(job: Job, task: Any) -> Job:
    """Hand the job's queued step to the task backend. Call it outside any transaction, so that the
    job row is committed before a worker looks for it; a queue that cannot be reached fails the job."""
    try:
        result = task.enqueue(str(job.pk))
    except Exception:
        logger.exception("job %s: could not enqueue %s", job.pk, getattr(task, "module_path", task))
        Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
            state=Job.State.FAILED, error_ja=QUEUE_DOWN[0], error_en=QUEUE_DOWN[1], finished_at=timezone.now()
        )
    else:
        # .update(), not .save(): an immediate backend has already run the task and changed the row
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job


def _requeue(job: Job, *, step: str, allowed: Any) -> bool:
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or not allowed(locked):
            return False
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.QUEUED, step=step, phase="", phase_ja="", phase_en="", done=0, total=None,
            error_ja="", error_en="", finished_at=None, heartbeat_at=timezone.now(),
        )  # fmt: skip
    return True


def job_continue(job: Job, *, from_step: str, step: str, task: Any) -> bool:
    """waiting (after `from_step`) → queued for `step`, and enqueue it; False if the job was not waiting
    there (e.g. confirmed twice)."""
    if not _requeue(job, step=step, allowed=lambda j: j.state == Job.State.WAITING and j.step == from_step):
        return False
    job_enqueue(job, task)
    return True


def job_retry(job: Job, *, task: Any) -> bool:
    """Run the job's current step again after it failed or its worker died (no sign of life for
    RENKEI_JOB_STALL_SECONDS). Steps write all or nothing, so running again is safe."""

    def allowed(locked: Job) -> bool:
        return locked.state == Job.State.FAILED or job_is_stalled(locked)

    if not _requeue(job, step=job.step, allowed=allowed):
        return False
    job_enqueue(job, task)
    return True


def jobs_prune(*, before: dt.datetime) -> int:
    """Delete the jobs that finished before `before` (done, refused, failed, or left waiting for a person
    who never came back); a job still queued or running is kept whatever its age. What a job made stays:
    an import's rows, a report, a match run (which then no longer links to its job). Returns how many
    jobs were deleted; running it again deletes nothing more."""
    _, per_model = jobs_finished_before(before).delete()
    return per_model.get(Job._meta.label, 0)

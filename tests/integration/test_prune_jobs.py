"""`renkei prune_jobs`: jobs that finished long ago are forgotten, with the task queue's own records;
queued and running jobs, recent jobs and what jobs made are kept; a second run deletes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from renkei.formats.tasks import open_data_build
from renkei.jobs.models import Job

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def job(user: Any, state: str, finished_days_ago: int | None) -> Job:
    finished_at = None if finished_days_ago is None else timezone.now() - dt.timedelta(days=finished_days_ago)
    return Job.objects.create(kind="import", step="preview", user=user, state=state, finished_at=finished_at)


def prune(*args: str) -> str:
    out = StringIO()
    call_command("prune_jobs", *args, stdout=out)
    return out.getvalue()


def test_jobs_finished_before_the_cutoff_are_deleted_once_and_the_rest_kept(
    django_user_model: Any, settings: Any
) -> None:
    settings.TASKS_BACKEND, settings.TASKS = "database", DATABASE_TASKS
    user = django_user_model.objects.create_user(username="staff", password="x" * 12)
    old = {state: job(user, state, 120) for state in ("done", "rejected", "failed", "waiting")}
    recent = job(user, "done", 10)
    # a job started long ago and still queued or running (its worker may come back): never pruned
    queued, running = job(user, "queued", None), job(user, "running", None)
    Job.objects.filter(pk__in=[queued.pk, running.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    # the task queue's record of a task that finished long ago, and of one that has not run
    finished_task = DBTaskResult.objects.get(id=open_data_build.using(backend="default").enqueue("a").id)
    DBTaskResult.objects.filter(pk=finished_task.pk).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=120)
    )
    waiting_task = DBTaskResult.objects.get(id=open_data_build.using(backend="default").enqueue("b").id)

    # a dry run says what would go and deletes nothing
    assert prune("--dry-run").startswith("jobs to delete: 4 ")
    assert Job.objects.count() == 7

    out = prune("--days", "90")

    assert out.startswith("jobs deleted: 4 ")
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk, running.pk}
    assert not any(Job.objects.filter(pk=j.pk).exists() for j in old.values())
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [waiting_task.pk]
    # and again: nothing more to delete
    assert prune("--days", "90").startswith("jobs deleted: 0 ")
    assert Job.objects.count() == 3
    # a shorter keep deletes the recent one too
    assert prune("--days", "5").startswith("jobs deleted: 1 ")


def test_a_keep_of_less_than_a_day_is_refused(settings: Any) -> None:
    with pytest.raises(CommandError, match="--days"):
        prune("--days", "0")

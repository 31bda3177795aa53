"""`renkei prune_jobs [--days N] [--dry-run]`: forget background jobs that finished long ago.

A scheduler runs it daily, like `renkei send_alerts`. Jobs that finished more than N days ago
(RENKEI_JOB_KEEP_DAYS, default 90) are deleted, and with the database task backend, so are the task
queue's own records of finished tasks of the same age (django-tasks-db's `prune_db_task_results`).
Queued and running jobs are never touched; running it twice deletes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from renkei.jobs.selectors import jobs_finished_before
from renkei.jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Delete background jobs (and the task queue's records) that finished more than N days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=settings.RENKEI_JOB_KEEP_DAYS,
            help="keep jobs that finished in the last N days (default: RENKEI_JOB_KEEP_DAYS, %(default)s)",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="only say how many would be deleted")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        before = timezone.now() - dt.timedelta(days=days)
        if dry_run:
            count = jobs_finished_before(before).count()
            self.stdout.write(f"jobs to delete: {count} (finished before {before:%Y-%m-%d %H:%M})")
        else:
            count = jobs_prune(before=before)
            self.stdout.write(f"jobs deleted: {count} (finished before {before:%Y-%m-%d %H:%M})")
        if settings.TASKS_BACKEND == "database":
            call_command(
                "prune_db_task_results", queue_name="*", min_age_days=days, dry_run=dry_run,
                verbosity=options["verbosity"], stdout=self.stdout,
            )  # fmt: skip

"""`renkei worker`: run background jobs with the worker of the configured backend.

RENKEI_TASKS_BACKEND=database runs django-tasks-db's worker (`db_worker`): it takes queued tasks from
this database, one at a time. =redis runs an RQ worker (`rqworker`, through django-rq) on
RENKEI_REDIS_URL. Either runs one job at a time per worker process, which bounds the memory and CPU that
imports take; start more workers for more at once. Ctrl-C (SIGINT) or SIGTERM lets the current job
finish; a second one stops it (its transaction is rolled back; the job can be run again).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

QUEUE = "default"


class Command(BaseCommand):
    help = "Run background jobs (imports and other long work) with the configured task backend."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Run the jobs waiting now, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0,
            help="Seconds between two looks for new work (database backend; default 1).",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND
        verbosity = options["verbosity"]
        if backend == "database":
            call_command(
                "db_worker", queue_name=QUEUE, interval=options["interval"], batch=options["burst"],
                reload=False, startup_delay=False, verbosity=verbosity,
            )  # fmt: skip
        elif backend == "redis":
            call_command(
                "rqworker",
                QUEUE,
                job_class="django_tasks_rq.Job",
                burst=options["burst"],
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"RENKEI_TASKS_BACKEND={backend} runs each task inside the request: there is no worker to start."
            )

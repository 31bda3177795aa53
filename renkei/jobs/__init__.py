"""Background jobs: every long piece of work runs as a django-tasks task around a service, and its
state, progress and result live in a `Job` row (see docs/decisions/0006-background-jobs.md).

    job = job_create(kind="import", step="preview", user=user, params={...})
    job_enqueue(job, import_preview)                  # a worker runs it: `renkei worker`
    job_status(job, "ja")                             # state, progress, errors in the user's language

The backend is chosen by settings alone: RENKEI_TASKS_BACKEND=database (default, no server) or redis.
"""

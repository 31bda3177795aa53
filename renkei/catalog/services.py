"""Writes to the catalog: programs, runs, teaching content and joint curricula.

Every write to a program re-indexes it in the same transaction, so the search index never lags
behind the rows. Admin pages, imports, the sample loader, the API and commands all call these
services (see `renkei.core.services`). `actor` is the user, checked against the policy on the row as
stored and as it will be saved; None means the system itself (a loader, or an import that checked
the user row by row before it wrote).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from renkei.catalog import policy as catalog_policy
from renkei.catalog.models import (
    CurriculumUnit,
    JointCurriculum,
    Program,
    ProgramRun,
    Status,
    TeachingContent,
)
from renkei.catalog.search import program_index_rebuild
from renkei.core.policy import Actor
from renkei.core.services import (
    authorize_delete,
    authorize_save,
    record_delete,
    record_save,
    register_writes,
    save_checked,
    service,
)
from renkei.networks.models import Network
from renkei.taxonomy.models import Concept


@service
def program_save(
    *,
    program: Program,
    actor: Actor | None,
    fields: Iterable[Concept] | None = None,
    skills: Iterable[Concept] | None = None,
    shared_with: Iterable[Network] | None = None,
    validate: bool = True,
    reindex: bool = True,
) -> Program:
    """Create or update a program (and its fields, skills and networks when given); re-index it.

    `reindex=False` is for a loader that saves hundreds of programs in one transaction and then
    re-indexes the ones it wrote in one `programs_reindex` call before it returns (the sample
    loader): the index is never seen lagging, as the whole load commits at once."""
    authorize_save(actor, program)
    if shared_with is not None:
        shared_with = list(shared_with)
        if actor is not None and not catalog_policy.may_share(actor, program, shared_with):
            raise PermissionDenied
    save_checked(program, validate=validate)
    if fields is not None:
        program.fields.set(list(fields))
    if skills is not None:
        program.skills.set(list(skills))
    if shared_with is not None:
        program.shared_with.set(shared_with)
    if reindex:
        program_index_rebuild(programs=[program.pk])
    return program


@service
def program_set_status(*, program: Program, status: str, actor: Actor | None) -> Program:
    """Publish, archive or return a program to draft."""
    program.status = Status(status)
    authorize_save(actor, program)
    program.save(update_fields=["status", "updated_at"])
    program_index_rebuild(programs=[program.pk])
    return program


@service
def program_delete(*, program: Program, actor: Actor | None) -> None:
    authorize_delete(actor, program)
    pk = program.pk
    program.delete()
    program_index_rebuild(programs=[pk])


@service
def program_run_save(
    *, run: ProgramRun, actor: Actor | None, validate: bool = True, reindex: bool = True
) -> ProgramRun:
    """Create or update a run; the program's start-month facet and start-date order follow (unless
    `reindex=False`: a loader that re-indexes what it wrote at the end, as for `program_save`)."""
    authorize_save(actor, run)
    stored_program = (
        ProgramRun.objects.filter(pk=run.pk).values_list("program_id", flat=True).first() if reindex else None
    )
    save_checked(run, validate=validate)
    if reindex:
        programs = {run.program_id} if stored_program is None else {run.program_id, stored_program}
        program_index_rebuild(programs=programs)
    return run


@service
def program_run_delete(*, run: ProgramRun, actor: Actor | None, reindex: bool = True) -> None:
    authorize_delete(actor, run)
    program_id = run.program_id
    run.delete()
    if reindex:
        program_index_rebuild(programs=[program_id])


@service
def programs_reindex(*, program_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Re-index some programs (after a bulk write such as an import, or a load) or, with None, all
    of them; `today` dates the index (what counts as upcoming), by default the local date."""
    return program_index_rebuild(programs=None if program_ids is None else list(program_ids), today=today)


@service
def content_save(
    *,
    content: TeachingContent,
    actor: Actor | None,
    mdash_units: Iterable[Concept] | None = None,
) -> TeachingContent:
    return record_save(obj=content, actor=actor, relations={"mdash_units": mdash_units})


@service
def content_delete(*, content: TeachingContent, actor: Actor | None) -> None:
    record_delete(obj=content, actor=actor)


@service
def curriculum_save(*, curriculum: JointCurriculum, actor: Actor | None) -> JointCurriculum:
    return record_save(obj=curriculum, actor=actor)


@service
def curriculum_delete(*, curriculum: JointCurriculum, actor: Actor | None) -> None:
    record_delete(obj=curriculum, actor=actor)


@service
def curriculum_unit_save(
    *,
    curriculum_unit: CurriculumUnit,
    actor: Actor | None,
    programs: Iterable[Program] | None = None,
    contents: Iterable[TeachingContent] | None = None,
) -> CurriculumUnit:
    return record_save(
        obj=curriculum_unit, actor=actor, relations={"programs": programs, "contents": contents}
    )


@service
def curriculum_unit_delete(*, curriculum_unit: CurriculumUnit, actor: Actor | None) -> None:
    record_delete(obj=curriculum_unit, actor=actor)


register_writes(Program, save=program_save, delete=program_delete, argument="program")
register_writes(ProgramRun, save=program_run_save, delete=program_run_delete, argument="run")
register_writes(TeachingContent, save=content_save, delete=content_delete, argument="content")
register_writes(JointCurriculum, save=curriculum_save, delete=curriculum_delete, argument="curriculum")
register_writes(
    CurriculumUnit, save=curriculum_unit_save, delete=curriculum_unit_delete, argument="curriculum_unit"
)

"""Writes to the catalog. Every write to a program re-indexes it in the same transaction.

Callers (admin, imports, the sample loader, commands) go through these functions so that the search
index never lags behind the rows. `actor` is checked against the policy when given; None means the
system itself (a command or an import that checked the user before).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from renkei.catalog.models import Program, ProgramRun, Status, TeachingContent
from renkei.catalog.search import program_index_rebuild
from renkei.core import policy
from renkei.core.policy import Action
from renkei.networks.models import Network
from renkei.taxonomy.models import Concept


def _check(actor: Any, action: Action, obj: Any) -> None:
    if actor is not None:
        policy.require(actor, action, obj)


def program_save(
    *,
    program: Program,
    actor: Any = None,
    fields: Iterable[Concept] | None = None,
    skills: Iterable[Concept] | None = None,
    shared_with: Iterable[Network] | None = None,
    validate: bool = True,
) -> Program:
    """Create or update a program (and its fields, skills and networks when given); re-index it."""
    _check(actor, Action.ADD if program._state.adding else Action.CHANGE, program)
    if validate:
        program.full_clean()
    with transaction.atomic():
        program.save()
        if fields is not None:
            program.fields.set(list(fields))
        if skills is not None:
            program.skills.set(list(skills))
        if shared_with is not None:
            program.shared_with.set(list(shared_with))
        program_index_rebuild(programs=[program.pk])
    return program


def program_set_status(*, program: Program, status: str, actor: Any = None) -> Program:
    """Publish, archive or return a program to draft."""
    _check(actor, Action.CHANGE, program)
    program.status = Status(status)
    with transaction.atomic():
        program.save(update_fields=["status", "updated_at"])
        program_index_rebuild(programs=[program.pk])
    return program


def program_delete(*, program: Program, actor: Any = None) -> None:
    _check(actor, Action.DELETE, program)
    pk = program.pk
    with transaction.atomic():
        program.delete()
        program_index_rebuild(programs=[pk])


def program_run_save(*, run: ProgramRun, actor: Any = None, validate: bool = True) -> ProgramRun:
    """Create or update a run; the program's start-month facet and start-date order follow."""
    _check(actor, Action.ADD if run._state.adding else Action.CHANGE, run)
    if validate:
        run.full_clean()
    with transaction.atomic():
        run.save()
        program_index_rebuild(programs=[run.program_id])
    return run


def program_run_delete(*, run: ProgramRun, actor: Any = None) -> None:
    _check(actor, Action.DELETE, run)
    program_id = run.program_id
    with transaction.atomic():
        run.delete()
        program_index_rebuild(programs=[program_id])


def programs_reindex(*, program_ids: Iterable[int] | None = None) -> int:
    """Re-index some programs (after a bulk write such as an import) or, with None, all of them."""
    return program_index_rebuild(programs=None if program_ids is None else list(program_ids))


def content_save(
    *,
    content: TeachingContent,
    actor: Any = None,
    mdash_units: Iterable[Concept] | None = None,
    validate: bool = True,
) -> TeachingContent:
    _check(actor, Action.ADD if content._state.adding else Action.CHANGE, content)
    if validate:
        content.full_clean()
    with transaction.atomic():
        content.save()
        if mdash_units is not None:
            content.mdash_units.set(list(mdash_units))
    return content

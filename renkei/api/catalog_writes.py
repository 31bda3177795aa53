"""Catalog API writes: programs (with their fields, skills and networks by code and key) and runs.

Each operation resolves the keys and codes it is given, then calls the catalog's services
(`renkei.catalog.services`), which check the policy and the rules and re-index the program; see
`renkei.api.writes` for what every write operation shares. The operations join the catalog's router
(a path's reads and writes must share one router: Django resolves a path to one view).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from renkei.api import auth
from renkei.api.catalog import router
from renkei.api.catalog_inputs import ProgramChanges, ProgramIn, RunChanges, RunIn
from renkei.api.catalog_schemas import ProgramDetailOut, RunOut
from renkei.api.writes import (
    IdempotencyKeyHeader,
    assign,
    by_keys,
    no_content,
    respond,
    unknown,
    write_operation,
)
from renkei.catalog import selectors, services
from renkei.catalog.models import Program, ProgramRun
from renkei.catalog.params import ProgramCode
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.params import RecordId
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationKey
from renkei.taxonomy.models import Concept

ORGANISATION = Msg("機関", "organisation")
NETWORK = Msg("ネットワーク", "network")
CONCEPT = Msg("概念", "concept")
AMBIGUOUS = Msg("複数の分類にあるコードです（一意に決まりません）", "codes found in several taxonomies")


def _program(request: HttpRequest, provider_key: str, code: str) -> Program:
    """The program the path names, if the caller may see it (else 404)."""
    return policy.visible(request.user, Program.objects.select_related("provider")).get(
        provider__key=provider_key, code=code
    )


def _program_out(request: HttpRequest, program: Program) -> Program:
    return selectors.program_get(user=request.user, provider_key=program.provider.key, code=program.code)


def _program_url(program: Program) -> str:
    return reverse(
        "api-v1:programs_detail", kwargs={"provider_key": program.provider.key, "code": program.code}
    )


def _concepts(field: str, codes: list[str], **filters: Any) -> list[Concept]:
    """Concepts by code; a code found in two taxonomies names none of them."""
    ambiguous = (
        Concept.objects.filter(code__in=codes, **filters)
        .values("code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("code", flat=True)
    )
    if ambiguous:
        listed = ", ".join(sorted(ambiguous))
        message = Msg(f"{AMBIGUOUS.ja}: {listed}", f"{AMBIGUOUS.en}: {listed}")
        raise ValidationError({field: [ValidationError(message.text(), code="ambiguous")]})
    return by_keys(field, Concept, "code", codes, CONCEPT, **filters)


def _apply(program: Program, values: dict[str, Any]) -> dict[str, Any]:
    """Set the given members on the program; the many-to-many values for the service."""
    relations: dict[str, Any] = {}
    if "unit" in values:
        key = values.pop("unit")
        program.unit = None if key is None else by_keys("unit", Organisation, "key", [key], ORGANISATION)[0]
    if "fields" in values:
        relations["fields"] = _concepts("fields", values.pop("fields"), kind=Concept.Kind.FIELD)
    if "skills" in values:
        relations["skills"] = _concepts("skills", values.pop("skills"))
    if "shared_with" in values:
        relations["shared_with"] = by_keys("shared_with", Network, "key", values.pop("shared_with"), NETWORK)
    assign(program, values)
    return relations


@router.post(
    "/programs",
    response={201: ProgramDetailOut},
    auth=auth.WRITE,
    operation_id="programs_create",
    summary="Create a program",
)
@write_operation
def programs_create(
    request: HttpRequest, payload: ProgramIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """A new program of a provider where the caller is an editor; fields, skills by concept code,
    networks by key. 409 when the provider already has a program with this code."""
    values = payload.given()
    providers = Organisation.objects.filter(key=values.pop("provider"))
    provider = providers.first()
    if provider is None:
        raise unknown("provider", [payload.provider], ORGANISATION)
    program = Program(provider=provider, code=values.pop("code"))
    relations = _apply(program, values)
    services.program_save(program=program, actor=request.user, **relations)
    return respond(
        ProgramDetailOut, _program_out(request, program), status=201, location=_program_url(program)
    )


@router.patch(
    "/programs/{provider_key}/{code}",
    response={200: ProgramDetailOut},
    auth=auth.WRITE,
    operation_id="programs_update",
    summary="Change a program",
)
@write_operation
def programs_update(
    request: HttpRequest,
    provider_key: OrganisationKey,
    code: ProgramCode,
    payload: ProgramChanges,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Change the members given (the others are kept); lists (fields, skills, shared_with) are replaced."""
    program = _program(request, provider_key, code)
    relations = _apply(program, payload.given())
    services.program_save(program=program, actor=request.user, **relations)
    return respond(ProgramDetailOut, _program_out(request, program))


@router.delete(
    "/programs/{provider_key}/{code}",
    response={204: None},
    auth=auth.WRITE,
    operation_id="programs_delete",
    summary="Delete a program",
)
@write_operation
def programs_delete(
    request: HttpRequest,
    provider_key: OrganisationKey,
    code: ProgramCode,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Delete a program and its runs."""
    services.program_delete(program=_program(request, provider_key, code), actor=request.user)
    return no_content()


# --- runs ------------------------------------------------------------------------------------------------


def _run(request: HttpRequest, provider_key: str, code: str, run_id: int) -> ProgramRun:
    return _program(request, provider_key, code).runs.select_related("program__provider").get(pk=run_id)


def _run_url(run: ProgramRun) -> str:
    program = run.program
    return reverse(
        "api-v1:programs_runs_detail",
        kwargs={"provider_key": program.provider.key, "code": program.code, "run_id": run.pk},
    )


@router.get(
    "/programs/{provider_key}/{code}/runs/{run_id}",
    response=RunOut,
    operation_id="programs_runs_detail",
    summary="A run of a program",
)
def programs_runs_detail(
    request: HttpRequest, provider_key: OrganisationKey, code: ProgramCode, run_id: RecordId
):
    return _run(request, provider_key, code, run_id)


@router.post(
    "/programs/{provider_key}/{code}/runs",
    response={201: RunOut},
    auth=auth.WRITE,
    operation_id="programs_runs_create",
    summary="Add a run to a program",
)
@write_operation
def programs_runs_create(
    request: HttpRequest,
    provider_key: OrganisationKey,
    code: ProgramCode,
    payload: RunIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    run = ProgramRun(program=_program(request, provider_key, code), **payload.given())
    services.program_run_save(run=run, actor=request.user)
    return respond(RunOut, run, status=201, location=_run_url(run))


@router.patch(
    "/programs/{provider_key}/{code}/runs/{run_id}",
    response={200: RunOut},
    auth=auth.WRITE,
    operation_id="programs_runs_update",
    summary="Change a run",
)
@write_operation
def programs_runs_update(
    request: HttpRequest,
    provider_key: OrganisationKey,
    code: ProgramCode,
    run_id: RecordId,
    payload: RunChanges,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    run = _run(request, provider_key, code, run_id)
    assign(run, payload.given())
    services.program_run_save(run=run, actor=request.user)
    return respond(RunOut, run)


@router.delete(
    "/programs/{provider_key}/{code}/runs/{run_id}",
    response={204: None},
    auth=auth.WRITE,
    operation_id="programs_runs_delete",
    summary="Delete a run",
)
@write_operation
def programs_runs_delete(
    request: HttpRequest,
    provider_key: OrganisationKey,
    code: ProgramCode,
    run_id: RecordId,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    services.program_run_delete(run=_run(request, provider_key, code, run_id), actor=request.user)
    return no_content()

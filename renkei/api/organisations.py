from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from renkei.api import auth
from renkei.api.organisation_inputs import OrganisationChanges, OrganisationIn
from renkei.api.paging import page_body
from renkei.api.schemas import OrganisationDetailOut, OrganisationPage
from renkei.api.writes import IdempotencyKeyHeader, assign, by_keys, respond, write_operation
from renkei.core.messages import Msg
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional
from renkei.organisations import selectors, services
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationFilter, OrganisationKey

router = Router(tags=["organisations"])


OrganisationCursor = Annotated[str, *cursor(selectors.ORGANISATION_KEYSET.name)]


class OrganisationListQuery(OrganisationFilter, CursorParams):
    cursor: OrganisationCursor | Optional = None


@router.get("/organisations", response=OrganisationPage, operation_id="organisations_list")
def organisations_list(request: HttpRequest, params: Query[OrganisationListQuery]):
    """Organisations (universities, their units, governments, companies, ...), filtered."""
    qs = selectors.organisation_list(
        user=request.user,
        kind=params.kind,
        prefecture=params.prefecture,
        country=params.country,
        parent=params.parent,
        q=params.q,
    )
    page = keyset_page(qs, selectors.ORGANISATION_KEYSET, cursor=params.cursor, limit=params.limit)
    return page_body(request, page)


@router.get("/organisations/{key}", response=OrganisationDetailOut, operation_id="organisations_detail")
def organisations_detail(request: HttpRequest, key: OrganisationKey):
    """One organisation with its units and, for a group, its components."""
    return selectors.organisation_get(user=request.user, key=key)


# --- writes (see renkei.api.writes) ---------------------------------------------------------------------

ORGANISATION = Msg("機関", "organisation")


def _apply(organisation: Organisation, values: dict[str, Any]) -> None:
    if "parent" in values:
        key = values.pop("parent")
        organisation.parent = (
            None if key is None else by_keys("parent", Organisation, "key", [key], ORGANISATION)[0]
        )
    assign(organisation, values)


def _out(request: HttpRequest, organisation: Organisation) -> Organisation:
    return selectors.organisation_get(user=request.user, key=organisation.key)


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut},
    auth=auth.WRITE,
    operation_id="organisations_create",
    summary="Register an organisation or a unit",
)
@write_operation
def organisations_create(
    request: HttpRequest, payload: OrganisationIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """A unit needs an administrator of its parent; a top-level organisation, the secretariat of a
    network (a prospective member). 409 when the key is taken."""
    organisation = Organisation()
    _apply(organisation, payload.given())
    services.organisation_save(organisation=organisation, actor=request.user)
    location = reverse("api-v1:organisations_detail", kwargs={"key": organisation.key})
    return respond(OrganisationDetailOut, _out(request, organisation), status=201, location=location)


@router.patch(
    "/organisations/{key}",
    response={200: OrganisationDetailOut},
    auth=auth.WRITE,
    operation_id="organisations_update",
    summary="Change an organisation",
)
@write_operation
def organisations_update(
    request: HttpRequest,
    key: OrganisationKey,
    payload: OrganisationChanges,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Editors of an organisation change it and its units."""
    organisation = Organisation.objects.get(key=key)
    _apply(organisation, payload.given())
    services.organisation_save(organisation=organisation, actor=request.user)
    return respond(OrganisationDetailOut, _out(request, organisation))

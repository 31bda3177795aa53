from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from renkei.api import auth
from renkei.api.network_inputs import MembershipChanges, MembershipIn
from renkei.api.paging import page_body
from renkei.api.schemas import MembershipOut, MembershipPage, NetworkOut, NetworkPage
from renkei.api.writes import IdempotencyKeyHeader, assign, by_keys, respond, write_operation
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional, RecordId
from renkei.networks import selectors, services
from renkei.networks.models import Membership, Network
from renkei.networks.params import MembershipFilter, NetworkKey
from renkei.organisations.models import Organisation

router = Router(tags=["networks"])

NetworkCursor = Annotated[str, *cursor(selectors.NETWORK_KEYSET.name)]
MembershipCursor = Annotated[str, *cursor(selectors.MEMBERSHIP_KEYSET.name)]


class NetworkListQuery(CursorParams):
    cursor: NetworkCursor | Optional = None


@router.get("/networks", response=NetworkPage, operation_id="networks_list")
def networks_list(request: HttpRequest, params: Query[NetworkListQuery]):
    """Networks, oldest first, with their declared counts."""
    page = keyset_page(
        selectors.network_list(user=request.user),
        selectors.NETWORK_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    return page_body(request, page)


@router.get("/networks/{key}", response=NetworkOut, operation_id="networks_detail")
def networks_detail(request: HttpRequest, key: NetworkKey):
    return selectors.network_get(user=request.user, key=key)


class MembershipListQuery(MembershipFilter, CursorParams):
    cursor: MembershipCursor | Optional = None


@router.get("/memberships", response=MembershipPage, operation_id="memberships_list")
def memberships_list(request: HttpRequest, params: Query[MembershipListQuery]):
    """Memberships of organisations in networks, dated."""
    qs = selectors.membership_list(
        user=request.user,
        network=params.network,
        organisation=params.organisation,
        role=params.role,
        current=params.current,
    )
    page = keyset_page(qs, selectors.MEMBERSHIP_KEYSET, cursor=params.cursor, limit=params.limit)
    return page_body(request, page)


def _membership(request: HttpRequest, membership_id: int) -> Membership:
    """The membership the path names, if the caller may see it (else 404)."""
    return policy.visible(
        request.user,
        Membership.objects.select_related("network", "organisation", "on_behalf_of", "source"),
    ).get(pk=membership_id)


@router.get(
    "/memberships/{membership_id}",
    response=MembershipOut,
    operation_id="memberships_detail",
    summary="A membership",
)
def memberships_detail(request: HttpRequest, membership_id: RecordId):
    return _membership(request, membership_id)


# --- writes (see renkei.api.writes): the network's secretariat keeps its memberships ----------------------

NETWORK = Msg("ネットワーク", "network")
ORGANISATION = Msg("機関", "organisation")


def _apply(membership: Membership, values: dict[str, Any]) -> None:
    if "network" in values:
        membership.network = by_keys("network", Network, "key", [values.pop("network")], NETWORK)[0]
    for field in ("organisation", "on_behalf_of"):
        if field in values:
            key = values.pop(field)
            setattr(
                membership,
                field,
                None if key is None else by_keys(field, Organisation, "key", [key], ORGANISATION)[0],
            )
    assign(membership, values)


def _membership_url(membership: Membership) -> str:
    return reverse("api-v1:memberships_detail", kwargs={"membership_id": membership.pk})


@router.post(
    "/memberships",
    response={201: MembershipOut},
    auth=auth.WRITE,
    operation_id="memberships_create",
    summary="Add an organisation to a network",
)
@write_operation
def memberships_create(
    request: HttpRequest, payload: MembershipIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """The network's secretariat records a membership (member, secretariat or observer), dated. 409
    when the organisation already has this role in the network from the same date."""
    membership = Membership()
    _apply(membership, payload.given())
    services.membership_save(membership=membership, actor=request.user)
    return respond(
        MembershipOut,
        _membership(request, membership.pk),
        status=201,
        location=_membership_url(membership),
    )


@router.patch(
    "/memberships/{membership_id}",
    response={200: MembershipOut},
    auth=auth.WRITE,
    operation_id="memberships_update",
    summary="Change or end a membership",
)
@write_operation
def memberships_update(
    request: HttpRequest,
    membership_id: RecordId,
    payload: MembershipChanges,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Change the members given (the others are kept); give `end_date` to end a membership."""
    membership = _membership(request, membership_id)
    _apply(membership, payload.given())
    services.membership_save(membership=membership, actor=request.user)
    return respond(MembershipOut, _membership(request, membership.pk))

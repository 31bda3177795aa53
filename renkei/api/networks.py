from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from renkei.api.paging import page_body
from renkei.api.schemas import MembershipPage, NetworkOut, NetworkPage
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional
from renkei.networks import selectors
from renkei.networks.params import MembershipFilter, NetworkKey

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

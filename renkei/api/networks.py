from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from renkei.api.schemas import MembershipOut, NetworkOut, ProblemOut
from renkei.networks import selectors

router = Router(tags=["networks"])


@router.get("/networks", response=list[NetworkOut], operation_id="networks_list")
@paginate
def networks_list(request: HttpRequest):
    return selectors.network_list(user=request.user)


@router.get("/networks/{key}", response={200: NetworkOut, 404: ProblemOut}, operation_id="networks_detail")
def networks_detail(request: HttpRequest, key: str):
    return selectors.network_get(user=request.user, key=key)


class MembershipFilter(Schema):
    network: str | None = None
    organisation: str | None = None
    role: str | None = None
    current: bool | None = None


@router.get("/memberships", response=list[MembershipOut], operation_id="memberships_list")
@paginate
def memberships_list(request: HttpRequest, filters: Query[MembershipFilter]):
    return selectors.membership_list(user=request.user, **filters.dict())

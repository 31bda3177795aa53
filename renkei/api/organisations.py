from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from renkei.api.schemas import OrganisationDetailOut, OrganisationOut, ProblemOut
from renkei.organisations import selectors

router = Router(tags=["organisations"])


class OrganisationFilter(Schema):
    kind: str | None = None
    prefecture: str | None = None
    country: str | None = None
    parent: str | None = None
    q: str | None = None


@router.get("/organisations", response=list[OrganisationOut], operation_id="organisations_list")
@paginate
def organisations_list(request: HttpRequest, filters: Query[OrganisationFilter]):
    return selectors.organisation_list(user=request.user, **filters.dict())


@router.get(
    "/organisations/{key}",
    response={200: OrganisationDetailOut, 404: ProblemOut},
    operation_id="organisations_detail",
)
def organisations_detail(request: HttpRequest, key: str):
    return selectors.organisation_get(user=request.user, key=key)

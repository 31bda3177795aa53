from django.http import HttpRequest
from ninja import Query, Router

from renkei.api.paging import page_body
from renkei.api.schemas import OrganisationDetailOut, OrganisationPage
from renkei.core.pagination import CursorParams, keyset_page
from renkei.core.params import Optional
from renkei.organisations import selectors
from renkei.organisations.params import OrganisationFilter, OrganisationKey

router = Router(tags=["organisations"])


OrganisationCursor = selectors.ORGANISATION_KEYSET.param


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

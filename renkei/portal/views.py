"""Public pages: parse the request, call one selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renkei.core import selectors as core_selectors
from renkei.core.pagination import PageParams
from renkei.networks import selectors as network_selectors
from renkei.networks.models import Network
from renkei.organisations import selectors as organisation_selectors
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationFilter
from renkei.organisations.policy import sees_editorial_notes
from renkei.portal.params import parses


class OrganisationListPage(OrganisationFilter, PageParams):
    pass


def home(request: HttpRequest) -> HttpResponse:
    networks = list(network_selectors.network_list(user=request.user))
    return render(request, "portal/home.html", {"networks": networks})


def source_list(request: HttpRequest) -> HttpResponse:
    sources = core_selectors.source_list(user=request.user)
    return render(request, "portal/sources.html", {"sources": sources})


def network_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        page = network_selectors.network_page(user=request.user, key=key)
    except Network.DoesNotExist as exc:
        raise Http404 from exc
    editorial = sees_editorial_notes(request.user)
    context = {"page": page, "network": page.network, "editorial": editorial}
    return render(request, "portal/network_detail.html", context)


@parses(OrganisationListPage)
def organisation_list(request: HttpRequest, params: OrganisationListPage) -> HttpResponse:
    qs = organisation_selectors.organisation_list(
        user=request.user,
        kind=params.kind,
        prefecture=params.prefecture,
        country=params.country,
        parent=params.parent,
        q=params.q,
    )
    if not params.q.strip() and not params.kind:
        qs = qs.filter(parent__isnull=True)
    page = Paginator(qs, 50).get_page(params.page)
    return render(
        request,
        "portal/organisation_list.html",
        {"page_obj": page, "kinds": Organisation.Kind.choices, "kind": params.kind or "", "q": params.q},
    )


def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        organisation = organisation_selectors.organisation_get(user=request.user, key=key)
    except Organisation.DoesNotExist as exc:
        if moved := organisation_selectors.organisation_renamed(user=request.user, key=key):
            return redirect("portal:organisation-detail", key=moved.key, permanent=True)
        raise Http404 from exc
    context = {
        "organisation": organisation,
        "editorial": sees_editorial_notes(request.user),
        "memberships": network_selectors.organisation_memberships(
            user=request.user, organisation=organisation
        ),
        "local_governments": organisation_selectors.local_governments_in(
            user=request.user, organisation=organisation
        ),
        "participations": network_selectors.organisation_body_participations(
            user=request.user, organisation=organisation
        ),
    }
    return render(request, "portal/organisation_detail.html", context)

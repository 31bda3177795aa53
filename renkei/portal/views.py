"""Public pages: parse the request, call one selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renkei.catalog import selectors as catalog_selectors
from renkei.core import selectors as core_selectors
from renkei.core.pagination import PageParams
from renkei.networks import selectors as network_selectors
from renkei.networks.models import Network
from renkei.organisations import selectors as organisation_selectors
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationFilter
from renkei.organisations.policy import sees_editorial_notes
from renkei.portal.linking import link_names
from renkei.portal.params import parses


class OrganisationListPage(OrganisationFilter, PageParams):
    pass


ORGANISATIONS_PER_PAGE = 200  # every top-level organisation of the demo on one page, grouped by kind


def home(request: HttpRequest) -> HttpResponse:
    # networks with members or declared figures first; one the sources name without members last
    networks = sorted(
        network_selectors.network_list(user=request.user),
        key=lambda n: not (getattr(n, "member_count", 0) or n.declared_counts.all()),
    )
    universities = organisation_selectors.featured_universities(user=request.user)
    return render(request, "portal/home.html", {"networks": networks, "universities": universities})


def source_list(request: HttpRequest) -> HttpResponse:
    sources = core_selectors.source_list(user=request.user)
    return render(request, "portal/sources.html", {"sources": sources})


def network_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        page = network_selectors.network_page(user=request.user, key=key)
    except Network.DoesNotExist as exc:
        raise Http404 from exc
    editorial = sees_editorial_notes(request.user)
    names = organisation_selectors.organisation_names(user=request.user)
    context = {
        "page": page,
        "network": page.network,
        "editorial": editorial,
        "description": link_names(page.network.description, names),
        "offer": catalog_selectors.network_offer(user=request.user, network=page.network),
    }
    return render(request, "portal/network_detail.html", context)


@parses(OrganisationListPage)
def organisation_list(request: HttpRequest, params: OrganisationListPage) -> HttpResponse:
    qs = organisation_selectors.organisation_directory(user=request.user, kind=params.kind, q=params.q)
    if params.prefecture:
        qs = qs.filter(prefecture=params.prefecture)
    if params.country:
        qs = qs.filter(country=params.country.upper())
    if params.parent:
        qs = qs.filter(parent__key=params.parent)
    page = Paginator(qs, ORGANISATIONS_PER_PAGE).get_page(params.page)
    order = {str(value): i for i, value in enumerate(organisation_selectors.KIND_ORDER)}
    kinds = sorted(Organisation.Kind.choices, key=lambda choice: order.get(str(choice[0]), len(order)))
    context = {"page_obj": page, "kinds": kinds, "kind": params.kind or "", "q": params.q}
    return render(request, "portal/organisation_list.html", context)


def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        organisation = organisation_selectors.organisation_get(user=request.user, key=key)
    except Organisation.DoesNotExist as exc:
        if moved := organisation_selectors.organisation_renamed(user=request.user, key=key):
            return redirect("portal:organisation-detail", key=moved.key, permanent=True)
        raise Http404 from exc
    names = organisation_selectors.organisation_names(user=request.user)
    context = {
        "organisation": organisation,
        "note": link_names(organisation.note, names, skip=organisation.key),
        "program_count": catalog_selectors.provider_program_count(user=request.user, provider=organisation),
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

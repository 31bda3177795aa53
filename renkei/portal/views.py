"""Public pages: parse the request, call one selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from renkei.networks import selectors as network_selectors
from renkei.networks.models import Network
from renkei.organisations import selectors as organisation_selectors
from renkei.organisations.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    networks = list(network_selectors.network_list(user=request.user))
    return render(request, "portal/home.html", {"networks": networks})


def network_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        page = network_selectors.network_page(user=request.user, key=key)
    except Network.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "portal/network_detail.html", {"page": page, "network": page.network})


def organisation_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    q = request.GET.get("q") or None
    qs = organisation_selectors.organisation_list(user=request.user, kind=kind, q=q)
    if not q and not kind:
        qs = qs.filter(parent__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/organisation_list.html",
        {"page_obj": page, "kinds": Organisation.Kind.choices, "kind": kind or "", "q": q or ""},
    )


def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        organisation = organisation_selectors.organisation_get(user=request.user, key=key)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "organisation": organisation,
        "memberships": network_selectors.organisation_memberships(
            user=request.user, organisation=organisation
        ),
        "participations": network_selectors.organisation_body_participations(
            user=request.user, organisation=organisation
        ),
    }
    return render(request, "portal/organisation_detail.html", context)

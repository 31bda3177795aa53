"""Which schema.org JSON-LD each public page carries: a registry of page (URL name) → builder.

Every page rendered with `base.html` gets the WebSite node; a page registered here adds its own nodes
(an Organization for an organisation page, a Course for a program, an ItemList for a list...). A new
page type is a few lines:

    @page("partnerships:activity-detail")
    def _activity(request, context):
        return [jsonld.event(context["activity"], url=request.build_absolute_uri())]

Builders read what the view already put in the template context; they run no query of their own
beyond the rows' prefetched relations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from renkei.formats import jsonld

Builder = Callable[[HttpRequest, Any], list[dict[str, Any]]]
PAGES: dict[str, Builder] = {}


def page(*view_names: str) -> Callable[[Builder], Builder]:
    """Register a builder for the pages with these URL names ("namespace:name")."""

    def decorate(builder: Builder) -> Builder:
        for name in view_names:
            if name in PAGES:
                raise ValueError(f"JSON-LD for {name!r} is registered twice")
            PAGES[name] = builder
        return builder

    return decorate


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    try:
        return request.build_absolute_uri(reverse(name, args=args))
    except NoReverseMatch:
        return request.build_absolute_uri("/")


def _home(request: HttpRequest) -> tuple[str, str]:
    return (_("Renkei"), _url(request, "portal:home"))


def graph(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    """The JSON-LD nodes of the page being rendered: what the page's builder makes, then the site."""
    match = getattr(request, "resolver_match", None)
    builder = PAGES.get(match.view_name) if match is not None else None
    nodes: list[dict[str, Any]] = []
    if builder is not None:
        # an error page (404) rendered under the page's URL has none of the page's records: site only
        with contextlib.suppress(KeyError):
            nodes += builder(request, context)
    nodes.append(  # the page's own nodes first, the site last
        jsonld.website(
            name=_("Renkei — collaboration networks"),
            url=_url(request, "portal:home"),
            search_url=_url(request, "catalog:search"),
            language=get_language() or "ja",
        )
    )
    return nodes


# --- the portal's pages ----------------------------------------------------------------------------


@page("portal:home")
def _home_page(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    networks = context.get("networks") or []
    items = [(n.name, _url(request, "portal:network-detail", n.key)) for n in networks]
    return [jsonld.item_list(_("Networks"), items)]


@page("portal:network-detail")
def _network(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    net = context["network"]
    url = request.build_absolute_uri()
    seen: set[int] = set()
    members = []
    for membership in context["page"].memberships:
        org = membership.organisation
        if org.pk not in seen:
            seen.add(org.pk)
            members.append((org, _url(request, "portal:organisation-detail", org.key)))
    return [
        jsonld.network(net, url=url, members=members),
        jsonld.breadcrumbs([_home(request), (net.name, url)]),
    ]


@page("portal:organisation-list")
def _organisations(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    page_obj = context["page_obj"]
    items = [(o.name, _url(request, "portal:organisation-detail", o.key)) for o in page_obj]
    return [
        jsonld.item_list(_("Organisations"), items, total=page_obj.paginator.count),
        jsonld.breadcrumbs([_home(request), (_("Organisations"), request.build_absolute_uri())]),
    ]


@page("portal:organisation-detail")
def _organisation(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    org = context["organisation"]
    url = request.build_absolute_uri()
    parent_url = _url(request, "portal:organisation-detail", org.parent.key) if org.parent_id else None
    node = {"@context": jsonld.CONTEXT, **jsonld.organisation(org, url=url, parent_url=parent_url)}
    trail = [_home(request), (_("Organisations"), _url(request, "portal:organisation-list"))]
    if org.parent_id and parent_url:
        trail.append((org.parent.name, parent_url))
    return [node, jsonld.breadcrumbs([*trail, (org.name, url)])]


@page("opendata:page")
def _open_data(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    url = request.build_absolute_uri()
    return [
        jsonld.dataset(
            context.get("manifest"),
            name=_("Renkei open data"),
            description=_(
                "Organisations, networks, memberships, bodies, posts, public meetings, programs, runs and "
                "teaching content of the collaboration networks of Japanese universities, as CSV files."
            ),
            url=url,
            download_url=_url(request, "opendata:bundle"),
        ),
        jsonld.breadcrumbs([_home(request), (_("Open data"), url)]),
    ]


# --- the catalog's pages ---------------------------------------------------------------------------


def _programs(request: HttpRequest) -> tuple[str, str]:
    return (_("Programs"), _url(request, "catalog:home"))


def _program_items(request: HttpRequest, programs: Any) -> list[tuple[str, str]]:
    return [(p.title, _url(request, "catalog:program-detail", p.provider.key, p.code)) for p in programs]


@page("catalog:home")
def _catalog_home(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    result = context["result"]
    items = _program_items(request, result.items)
    return [
        jsonld.item_list(_("Programs"), items, total=result.total),
        jsonld.breadcrumbs([_home(request), _programs(request)]),
    ]


@page("catalog:search")
def _search(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    result = context["result"]
    url = request.build_absolute_uri()
    return [
        jsonld.item_list(_("Search"), _program_items(request, result.items), total=result.total),
        jsonld.breadcrumbs([_home(request), _programs(request), (_("Search"), url)]),
    ]


@page("catalog:map")
def _map(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    url = request.build_absolute_uri()
    return [jsonld.breadcrumbs([_home(request), _programs(request), (_("Map"), url)])]


@page("catalog:program-detail")
def _program(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    program = context["program"]
    url = request.build_absolute_uri()
    provider_url = _url(request, "catalog:provider", program.provider.key)
    return [
        jsonld.course(program, url=url),
        jsonld.breadcrumbs(
            [_home(request), _programs(request), (program.provider.name, provider_url), (program.title, url)]
        ),
    ]


@page("catalog:provider-list")
def _providers(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    providers = context["providers"]
    items = [(s.organisation.name, _url(request, "catalog:provider", s.organisation.key)) for s in providers]
    url = request.build_absolute_uri()
    return [
        jsonld.item_list(_("Providers"), items),
        jsonld.breadcrumbs([_home(request), _programs(request), (_("Providers"), url)]),
    ]


@page("catalog:provider")
def _provider(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    provider = context["provider"]
    url = request.build_absolute_uri()
    node = {
        "@context": jsonld.CONTEXT,
        **jsonld.organisation_ref(provider, url=url),
        "makesOffer": [
            {"@type": "Offer", "itemOffered": {"@type": "Course", "name": name, "url": item_url}}
            for name, item_url in _program_items(request, context["result"].items)
        ],
    }
    return [node, jsonld.breadcrumbs([_home(request), _programs(request), (provider.name, url)])]


@page("catalog:content-list")
def _contents(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    page_obj = context["page_obj"]
    items = [(c.title, _url(request, "catalog:content-detail", c.pk)) for c in page_obj]
    url = request.build_absolute_uri()
    return [
        jsonld.item_list(_("Teaching content"), items, total=page_obj.paginator.count),
        jsonld.breadcrumbs([_home(request), _programs(request), (_("Teaching content"), url)]),
    ]


@page("catalog:content-detail")
def _content(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    content = context["content"]
    url = request.build_absolute_uri()
    return [
        jsonld.learning_resource(content, url=url),
        jsonld.breadcrumbs([_home(request), _programs(request), (content.title, url)]),
    ]


@page("catalog:curriculum-list")
def _curricula(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    items = [
        (c.title, _url(request, "catalog:curriculum-detail", c.network.key, c.key))
        for c in context["curricula"]
    ]
    url = request.build_absolute_uri()
    return [
        jsonld.item_list(_("Joint curricula"), items),
        jsonld.breadcrumbs([_home(request), _programs(request), (_("Joint curricula"), url)]),
    ]


@page("catalog:curriculum-detail")
def _curriculum(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    curriculum = context["curriculum"]
    url = request.build_absolute_uri()
    node = {
        "@context": jsonld.CONTEXT,
        "@type": "EducationalOccupationalProgram",
        "name": curriculum.title,
        "url": url,
        "provider": {"@type": "Organization", "name": curriculum.network.name},
    }
    return [node, jsonld.breadcrumbs([_home(request), _programs(request), (curriculum.title, url)])]


# --- the partnership pages -------------------------------------------------------------------------


def _partnerships(request: HttpRequest) -> tuple[str, str]:
    return (_("Partnerships"), _url(request, "partnerships:matrix"))


@page("partnerships:matrix")
def _matrix(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    items = [
        (row.partnership.partner.name, _url(request, "partnerships:partnership", row.partnership.key))
        for row in context["matrix"].rows
    ]
    return [
        jsonld.item_list(_("Partnerships"), items),
        jsonld.breadcrumbs([_home(request), _partnerships(request)]),
    ]


@page("partnerships:map", "partnerships:joint-degrees", "partnerships:agreement")
def _partnership_trail(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    match = request.resolver_match
    label = {
        "partnerships:map": _("Map"),
        "partnerships:joint-degrees": _("Joint degree programs"),
    }.get(match.view_name if match else "", "")
    if "agreement" in context:
        label = context["agreement"].title
    return [
        jsonld.breadcrumbs([_home(request), _partnerships(request), (label, request.build_absolute_uri())])
    ]


@page("partnerships:partnership")
def _partnership(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    """The partner institution (CollegeOrUniversity, Organization...) and each activity as an Event;
    activities made up for the demo (sample data) are left out."""
    partnership = context["partnership"]
    partner, home = partnership.partner, partnership.home
    url = request.build_absolute_uri()
    node = {"@context": jsonld.CONTEXT, **jsonld.organisation_ref(partner, url=url)}
    node["identifier"] = partner.key
    if partner.country:
        node["address"] = {"@type": "PostalAddress", "addressCountry": partner.country}
    if partner.latitude is not None and partner.longitude is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": partner.latitude,
            "longitude": partner.longitude,
        }
    events = [
        jsonld.event(entry.record, url=url, home=home, partner=partner)
        for entry in context["timeline"]
        if entry.kind == "activity" and entry.record is not None and not entry.record.is_sample
    ]
    trail = jsonld.breadcrumbs([_home(request), _partnerships(request), (partner.name, url)])
    return [node, *events, trail]


# --- indicators and sources --------------------------------------------------------------------------


def _indicators(request: HttpRequest) -> tuple[str, str]:
    return (_("Indicators"), _url(request, "indicators:home"))


@page("indicators:home", "indicators:computations")
def _indicators_home(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    trail = [_home(request), _indicators(request)]
    match = request.resolver_match
    if match is not None and match.view_name == "indicators:computations":
        trail.append((_("Computations"), request.build_absolute_uri()))
    return [jsonld.breadcrumbs(trail)]


@page("indicators:initiative", "indicators:organisation", "indicators:network")
def _indicator_dashboard(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    """A dashboard publishes a set of figures by fiscal year: a Dataset."""
    title = str(context.get("title") or context.get("heading") or _("Indicators"))
    url = request.build_absolute_uri()
    return [
        {"@context": jsonld.CONTEXT, "@type": "Dataset", "name": title, "url": url,
         "isAccessibleForFree": True, "inLanguage": get_language() or "ja"},
        jsonld.breadcrumbs([_home(request), _indicators(request), (title, url)]),
    ]  # fmt: skip


@page("indicators:indicator")
def _indicator(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    indicator = context["indicator"]
    url = request.build_absolute_uri()
    return [
        {"@context": jsonld.CONTEXT, "@type": "Dataset", "name": indicator.name, "url": url,
         "description": indicator.definition, "isAccessibleForFree": True, "inLanguage": get_language() or "ja"},
        jsonld.breadcrumbs([_home(request), _indicators(request), (indicator.name, url)]),
    ]  # fmt: skip


@page("portal:sources")
def _sources(request: HttpRequest, context: Any) -> list[dict[str, Any]]:
    items = [
        (str(source), request.build_absolute_uri() + f"#source-{source.code}")
        for source in context["sources"]
    ]
    return [
        jsonld.item_list(_("Sources"), items),
        jsonld.breadcrumbs([_home(request), (_("Sources"), request.build_absolute_uri())]),
    ]

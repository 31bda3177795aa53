"""Public catalog pages: browse by field, search with facets (HTMX, plain GET fallback), details, map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from renkei.catalog import selectors
from renkei.catalog.models import JointCurriculum, Program, TeachingContent
from renkei.catalog.params import ContentListPage, CurriculumFilter, ProgramSearchPage, Sort, SortOrder
from renkei.core.pagination import PageParams
from renkei.core.params import Optional
from renkei.organisations.models import Organisation
from renkei.portal.params import parses


@dataclass(frozen=True)
class Chip:
    """A selected facet value, with the link that removes it."""

    facet: str
    label: str
    remove_url: str


class ProviderPage(PageParams):
    sort: SortOrder | Optional = None


def _chips(get: QueryDict, result: selectors.SearchResult) -> list[Chip]:
    chips = []
    for facet in result.facets:
        for value in facet.values:
            if value.selected:
                remaining = get.copy()
                remaining.setlist(facet.key, [v for v in get.getlist(facet.key) if v != value.value])
                remaining.pop("page", None)
                chips.append(
                    Chip(facet=facet.label, label=value.label, remove_url="?" + remaining.urlencode())
                )
    return chips


def _search_context(
    request: HttpRequest, params: ProgramSearchPage, *, page_size: int = selectors.PAGE_SIZE
) -> dict[str, Any]:
    result = selectors.program_search(
        user=request.user,
        query=params.q,
        facets=params.facets(),
        sort=params.sort or "",
        page=params.page,
        page_size=page_size,
    )
    return {
        "result": result,
        "q": result.query,
        "sorts": Sort.choices,
        "sort_param": params.sort or "",
        "chips": _chips(request.GET, result),
        "nav": "programs",
    }


def catalog_home(request: HttpRequest) -> HttpResponse:
    """Browse first: fields as tiles with their program counts, then a search box."""
    result = selectors.program_search(user=request.user, page_size=6)
    context = {
        "result": result,
        "fields": result.facet("field").values,
        "providers": result.facet("provider").values,
        "modes": result.facet("mode").values,
        "nav": "programs",
    }
    return render(request, "portal/catalog/home.html", context)


@parses(ProgramSearchPage)
def program_search(request: HttpRequest, params: ProgramSearchPage) -> HttpResponse:
    context = _search_context(request, params)
    if getattr(request, "htmx", False):
        return render(request, "portal/catalog/partials/_results.html", context)
    return render(request, "portal/catalog/search.html", context)


def program_detail(request: HttpRequest, provider_key: str, code: str) -> HttpResponse:
    try:
        program = selectors.program_get(user=request.user, provider_key=provider_key, code=code)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "program": program,
        "runs": list(program.runs.all()),
        "next_run": program.next_run(),
        "nav": "programs",
        "curricula": sorted({unit.curriculum for unit in program.curriculum_units.all()}, key=lambda c: c.pk),
    }
    return render(request, "portal/catalog/program_detail.html", context)


def provider_list(request: HttpRequest) -> HttpResponse:
    providers = selectors.provider_list(user=request.user)
    return render(request, "portal/catalog/provider_list.html", {"providers": providers, "nav": "programs"})


@parses(ProviderPage)
def provider_detail(request: HttpRequest, params: ProviderPage, key: str) -> HttpResponse:
    try:
        provider = selectors.provider_get(user=request.user, key=key)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    result = selectors.program_search(
        user=request.user,
        facets={"provider": [provider.key]},
        sort=params.sort or Sort.TITLE,
        page=params.page,
        page_size=50,
    )
    contents = selectors.content_list(user=request.user, provider=provider.key)[:50]
    context = {"provider": provider, "result": result, "contents": contents, "nav": "programs"}
    return render(request, "portal/catalog/provider_detail.html", context)


@parses(ContentListPage)
def content_list(request: HttpRequest, params: ContentListPage) -> HttpResponse:
    qs = selectors.content_list(
        user=request.user,
        q=params.q,
        kind=params.kind,
        licence=params.licence,
        provider=params.provider,
        unit=params.unit,
    )
    context = {
        "page_obj": Paginator(qs, 50).get_page(params.page),
        "q": params.q,
        "kind": params.kind or "",
        "licence": params.licence or "",
        "kinds": TeachingContent.Kind.choices,
        "licences": TeachingContent.Licence.choices,
        "nav": "programs",
    }
    return render(request, "portal/catalog/content_list.html", context)


def content_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        content = selectors.content_get(user=request.user, pk=pk)
    except TeachingContent.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "portal/catalog/content_detail.html", {"content": content, "nav": "programs"})


@parses(CurriculumFilter)
def curriculum_list(request: HttpRequest, params: CurriculumFilter) -> HttpResponse:
    curricula = selectors.curriculum_list(user=request.user, network=params.network)
    return render(request, "portal/catalog/curriculum_list.html", {"curricula": curricula, "nav": "programs"})


def curriculum_detail(request: HttpRequest, network: str, key: str) -> HttpResponse:
    try:
        curriculum = selectors.curriculum_get(user=request.user, network=network, key=key)
    except JointCurriculum.DoesNotExist as exc:
        raise Http404(JointCurriculum._meta.verbose_name) from exc
    return render(
        request, "portal/catalog/curriculum_detail.html", {"curriculum": curriculum, "nav": "programs"}
    )


def _geojson_url() -> str:
    try:
        return reverse("api-v1:programs_geojson")
    except NoReverseMatch:
        return "/api/v1/programs.geojson"


def _map_labels() -> dict[str, Any]:
    return {
        "sample": str(_("SAMPLE")),
        "sampleTitle": str(_("Sample data made up for the demo: not a real offering.")),
        "programs": str(_("programs")),
        "provider": str(_("Provider")),
        "open": str(_("Open")),
        "zoom": str(_("Zoom in to see them")),
        "free": str(_("Free")),
        "starts": str(_("Starts")),
        "onMap": str(_("{located} of {total} matching programs have a place on the map.")),
        "truncated": str(_("Only the first {n} are drawn; narrow the search to see all.")),
        "failed": str(_("The map data could not be loaded.")),
        "modes": {value: str(label) for value, label in Program.Mode.choices},
    }


@parses(ProgramSearchPage)
def program_map(request: HttpRequest, params: ProgramSearchPage) -> HttpResponse:
    """The map page: the same search form; map.js draws /api/v1/programs.geojson with the same filters."""
    context = _search_context(request, params, page_size=1)
    if getattr(request, "htmx", False):
        return render(request, "portal/catalog/partials/_facets.html", context)
    context |= {"geojson_url": _geojson_url(), "map_labels": _map_labels()}
    return render(request, "portal/catalog/map.html", context)

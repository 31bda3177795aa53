"""Catalog API: program search with facets, program detail, providers, teaching content, joint curricula, map."""

import json
from typing import Annotated, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Query, Router, Schema

from renkei.api.catalog_schemas import (
    ContentOut,
    ContentPage,
    CurriculumPage,
    ProgramDetailOut,
    ProgramSearchOut,
    ProviderPage,
    page_url,
)
from renkei.api.paging import next_url, page_body
from renkei.catalog import selectors
from renkei.catalog.params import (
    PAGE_SIZE,
    ContentFilter,
    CurriculumFilter,
    MapQuery,
    ProgramCode,
    ProgramFilter,
    SearchLimit,
    SortOrder,
)
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional, RecordId
from renkei.organisations.params import OrganisationKey

router = Router(tags=["catalog"])

ProgramCursor = Annotated[str, *cursor(selectors.PROGRAM_CURSOR)]
ProviderCursor = Annotated[str, *cursor(selectors.PROVIDER_KEYSET.name)]
ContentCursor = Annotated[str, *cursor(selectors.CONTENT_KEYSET.name)]
CurriculumCursor = Annotated[str, *cursor(selectors.CURRICULUM_KEYSET.name)]


class ProgramSearchQuery(ProgramFilter, CursorParams):
    cursor: ProgramCursor | Optional = None
    sort: SortOrder | Optional = None
    limit: SearchLimit = PAGE_SIZE


class ProviderListQuery(CursorParams):
    cursor: ProviderCursor | Optional = None


class ContentListQuery(ContentFilter, CursorParams):
    cursor: ContentCursor | Optional = None


class CurriculumListQuery(CurriculumFilter, CursorParams):
    cursor: CurriculumCursor | Optional = None


class FeatureCollectionOut(Schema):
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]
    total: int
    located: int
    truncated: bool


@router.get("/programs", response=ProgramSearchOut, operation_id="programs_list")
def programs_list(request: HttpRequest, params: Query[ProgramSearchQuery]):
    """Search published programs (and any the caller may see), with facet counts; cursor pages."""
    result = selectors.program_search_page(
        user=request.user,
        query=params.q,
        facets=selectors.facets_checked(params.facets()),
        sort=params.sort,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {
        "items": result.items,
        "total": result.total,
        "facets": result.facets,
        "sort": result.sort,
        "query": result.query,
        "limit": result.page_size,
        "next": next_url(request, result.next_cursor),
    }


@router.get("/programs.geojson", response={200: FeatureCollectionOut}, operation_id="programs_geojson")
def programs_geojson(request: HttpRequest, params: Query[MapQuery]):
    """Located programs and their providers as GeoJSON points, filtered like the search."""
    data = selectors.program_map(
        user=request.user,
        query=params.q,
        facets=selectors.facets_checked(params.facets()),
        limit=params.limit,
    )
    language = params.lang or translation.get_language()
    with translation.override(language):
        features = [_program_feature(p) for p in data.programs] + [
            _provider_feature(p) for p in data.providers
        ]
    body = {
        "type": "FeatureCollection",
        "features": features,
        "total": data.total,
        "located": data.located,
        "truncated": data.truncated,
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/geo+json"
    )


def _point(latitude: Any, longitude: Any) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def _program_feature(p: selectors.ProgramPoint) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _point(p.latitude, p.longitude),
        "properties": {
            "kind": "program",
            "provider": p.provider_key,
            "code": p.code,
            "title_ja": p.title_ja,
            "title_en": p.title_en,
            "provider_name_ja": p.provider_name_ja,
            "provider_name_en": p.provider_name_en,
            "mode": p.mode,
            "venue_name_ja": p.venue_name_ja,
            "next_start": p.next_start,
            "fee_yen": p.fee_yen,
            "is_sample": p.is_sample,
            "url": page_url("catalog:program-detail", p.provider_key, p.code),
        },
    }


def _provider_feature(p: selectors.ProviderPoint) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _point(p.latitude, p.longitude),
        "properties": {
            "kind": "provider",
            "provider": p.key,
            "name_ja": p.name_ja,
            "name_en": p.name_en,
            "programs": p.programs,
            "url": page_url("catalog:provider", p.key),
        },
    }


@router.get("/programs/{provider_key}/{code}", response=ProgramDetailOut, operation_id="programs_detail")
def programs_detail(request: HttpRequest, provider_key: OrganisationKey, code: ProgramCode):
    return selectors.program_get(user=request.user, provider_key=provider_key, code=code)


@router.get("/providers", response=ProviderPage, operation_id="providers_list")
def providers_list(request: HttpRequest, params: Query[ProviderListQuery]):
    """Organisations with programs, and how many each offers."""
    page = selectors.provider_page(user=request.user, cursor=params.cursor, limit=params.limit)
    items = [
        {
            "key": s.organisation.key,
            "kind": s.organisation.kind,
            "name_ja": s.organisation.name_ja,
            "name_en": s.organisation.name_en,
            "prefecture": s.organisation.prefecture,
            "latitude": s.organisation.latitude,
            "longitude": s.organisation.longitude,
            "programs": s.programs,
            "page_url": page_url("catalog:provider", s.organisation.key),
        }
        for s in page.items
    ]
    return page_body(request, page, items)


@router.get("/contents", response=ContentPage, operation_id="contents_list")
def contents_list(request: HttpRequest, params: Query[ContentListQuery]):
    """Shared teaching content, filtered."""
    qs = selectors.content_list(
        user=request.user,
        q=params.q,
        provider=params.provider,
        kind=params.kind,
        licence=params.licence,
        unit=params.unit,
    )
    return page_body(
        request, keyset_page(qs, selectors.CONTENT_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/contents/{content_id}", response=ContentOut, operation_id="contents_detail")
def contents_detail(request: HttpRequest, content_id: RecordId):
    return selectors.content_get(user=request.user, pk=content_id)


@router.get("/curricula", response=CurriculumPage, operation_id="curricula_list")
def curricula_list(request: HttpRequest, params: Query[CurriculumListQuery]):
    """Joint curricula of the networks, with their units and what teaches each."""
    qs = selectors.curricula(user=request.user, network=params.network)
    return page_body(
        request, keyset_page(qs, selectors.CURRICULUM_KEYSET, cursor=params.cursor, limit=params.limit)
    )

"""Catalog API: program search with facets, program detail, providers, teaching content, joint curricula, map."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from renkei.api.catalog_schemas import (
    ContentOut,
    CurriculumOut,
    ProgramDetailOut,
    ProgramSearchOut,
    ProviderOut,
    page_url,
)
from renkei.api.schemas import ProblemOut
from renkei.catalog import selectors
from renkei.catalog.facets import FACETS

router = Router(tags=["catalog"])


class ProgramFilter(Schema):
    q: str = Field("", description='Words, "quoted phrases", -exclusions, a OR b. Japanese or English.')
    field: list[str] = Field(default_factory=list, description="Field concept ids (repeat for OR)")
    skill: list[str] = Field(default_factory=list, description="Skill concept ids")
    mode: list[str] = Field(default_factory=list, description="onsite, online, hybrid, on_demand")
    provider: list[str] = Field(default_factory=list, description="Organisation keys")
    prefecture: list[str] = Field(default_factory=list, description="JIS prefecture codes, e.g. 06")
    municipality: list[str] = Field(default_factory=list, description="5-digit municipality codes")
    level: list[str] = Field(default_factory=list)
    fee: list[str] = Field(default_factory=list, description="free, le10k, le50k, gt50k, unknown")
    start: list[str] = Field(default_factory=list, description="Start month of the next run, YYYY-MM")
    subsidy: list[str] = Field(default_factory=list, description="1 = 教育訓練給付 eligible")

    def facets(self) -> dict[str, list[str]]:
        return {facet.key: getattr(self, facet.key) for facet in FACETS}


class SearchParams(ProgramFilter):
    sort: str = Field(
        "", description="relevance (default with q), newest (default without), start, fee, title"
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


class MapParams(ProgramFilter):
    limit: int = Field(5000, ge=1, le=20000)
    lang: str = Field("", description="Language of the page links (ja or en)")


class FeatureCollectionOut(Schema):
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]
    total: int
    located: int
    truncated: bool


@router.get("/programs", response=ProgramSearchOut, operation_id="programs_list")
def programs_list(request: HttpRequest, params: Query[SearchParams]):
    """Search published programs (and any the caller may see), with facet counts."""
    return selectors.program_search(
        user=request.user,
        query=params.q,
        facets=params.facets(),
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
    )


@router.get("/programs.geojson", response={200: FeatureCollectionOut}, operation_id="programs_geojson")
def programs_geojson(request: HttpRequest, params: Query[MapParams]):
    """Located programs and their providers as GeoJSON points, filtered like the search."""
    data = selectors.program_map(
        user=request.user, query=params.q, facets=params.facets(), limit=params.limit
    )
    language = params.lang if params.lang in ("ja", "en") else translation.get_language()
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


@router.get(
    "/programs/{provider_key}/{code}",
    response={200: ProgramDetailOut, 404: ProblemOut},
    operation_id="programs_detail",
)
def programs_detail(request: HttpRequest, provider_key: str, code: str):
    return selectors.program_get(user=request.user, provider_key=provider_key, code=code)


@router.get("/providers", response=list[ProviderOut], operation_id="providers_list")
def providers_list(request: HttpRequest):
    """Organisations with programs, and how many each offers."""
    return [
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
        for s in selectors.provider_list(user=request.user)
    ]


class ContentFilter(Schema):
    q: str = ""
    provider: str | None = None
    kind: str | None = None
    licence: str | None = None
    unit: int | None = Field(None, description="Model-curriculum unit (concept id)")


@router.get("/contents", response=list[ContentOut], operation_id="contents_list")
@paginate
def contents_list(request: HttpRequest, filters: Query[ContentFilter]):
    return selectors.content_list(user=request.user, **filters.dict())


@router.get(
    "/contents/{content_id}", response={200: ContentOut, 404: ProblemOut}, operation_id="contents_detail"
)
def contents_detail(request: HttpRequest, content_id: int):
    return selectors.content_get(user=request.user, pk=content_id)


@router.get("/curricula", response=list[CurriculumOut], operation_id="curricula_list")
def curricula_list(request: HttpRequest, network: str | None = None):
    return selectors.curriculum_list(user=request.user, network=network)

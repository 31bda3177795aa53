"""Reads of the catalog, always through the policy: program search with facets, details, providers, content.

`program_search` runs in a fixed number of queries whatever the size of the catalog (ADR 0002):
1. the index token (the facet bitmaps of this process are patched or rebuilt only when it changed);
2. the ids of the text matches, turned into a bitset; facet counts and the total are bitset ANDs;
3. for relevance, the programs whose title matches (shorter titles first), then those whose title and
   summary match, then the rest (newest first); other sorts walk a cached order of the index;
4. the page's programs with their provider, fields, skills and runs; 5. the labels of facet values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from renkei.catalog import bitmaps, search
from renkei.catalog.facets import (
    BY_KEY,
    FACETS,
    PROVIDER,
    SUBSIDY,
    FacetSpec,
    clean_selection,
    load_labels,
    natural_order,
    selection_filter,
)
from renkei.catalog.models import (
    CurriculumUnit,
    JointCurriculum,
    Program,
    ProgramIndex,
    ProgramRun,
    Status,
    TeachingContent,
)
from renkei.catalog.policy import program_visibility_q
from renkei.core import policy
from renkei.organisations.models import Organisation
from renkei.text import Query, normalise, parse_query

SORTS = ("relevance", "newest", "start", "fee", "title")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class FacetResult:
    key: str
    label: str
    values: tuple[FacetValue, ...]

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(v.value for v in self.values if v.selected)


@dataclass(frozen=True)
class SearchResult:
    items: tuple[Program, ...]
    total: int
    facets: tuple[FacetResult, ...]
    page: int
    pages: int
    page_size: int
    query: str = ""
    sort: str = "newest"
    selection: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def facet(self, key: str) -> FacetResult:
        return next(f for f in self.facets if f.key == key)


def program_queryset() -> QuerySet[Program]:
    """Programs with everything a card or a detail page shows, in a fixed number of queries."""
    return Program.objects.select_related("provider", "unit").prefetch_related(
        "fields", "skills", Prefetch("runs", queryset=ProgramRun.objects.order_by("starts_on", "pk"))
    )


class _Plan:
    """A parsed search: query, facet selection and visibility, evaluated on the facet bitmaps."""

    def __init__(self, *, user: Any, query: str, facets: Mapping[str, Iterable[str]] | None) -> None:
        self.text = query or ""
        self.query: Query = parse_query(self.text)
        self.selection = clean_selection(dict(facets or {}))
        self.visibility = program_visibility_q(user)
        self.engine = search.backend()
        self.provider_ids: dict[str, int] = {}
        if PROVIDER.key in self.selection:
            self.provider_ids = dict(
                Organisation.objects.filter(key__in=self.selection[PROVIDER.key]).values_list("key", "pk")
            )
        self.maps = bitmaps.facet_bitmaps()
        self.base = self._visible_bits() & self._text_bits()  # visible and text-matched
        self.chosen = {key: self._selection_bits(key) for key in self.selection}
        self.matching = self.base  # ... and every facet selection applied
        for bits in self.chosen.values():
            self.matching = self.matching & bits

    # sets -------------------------------------------------------------------------------------------

    def _visible_bits(self) -> bitmaps.Bits:
        maps = self.maps
        if self.visibility is None:
            return maps.universe
        if self.visibility == Q(status=Status.PUBLISHED):
            return maps.published
        extra = ProgramIndex.objects.exclude(status=Status.PUBLISHED).filter(self.visibility)
        return maps.published | (
            bitmaps.bits_from_sql(*_sql(extra.values_list("program_id"))) & maps.universe
        )

    def _text_bits(self) -> bitmaps.Bits:
        if self.query.include:
            return self.engine.match_bits(self.query) & self.maps.universe
        if self.query.exclude:
            return self.maps.universe - self.engine.excluded_bits(self.query)
        return self.maps.universe

    def _selected_raw(self, facet: FacetSpec) -> list[str]:
        values = self.selection.get(facet.key, ())
        if facet is PROVIDER:
            return [str(self.provider_ids[v]) for v in values if v in self.provider_ids]
        return list(values)

    def _loader(self, facet: FacetSpec, raw: str) -> Any:
        value = (
            next((k for k, pk in self.provider_ids.items() if str(pk) == raw), raw)
            if facet is PROVIDER
            else raw
        )
        qs = ProgramIndex.objects.filter(selection_filter(facet, (value,), self.provider_ids))
        return lambda: bitmaps.bits_from_sql(*_sql(qs.order_by().values_list("program_id")))

    def _selection_bits(self, key: str) -> bitmaps.Bits:
        facet = BY_KEY[key]
        bits = bitmaps.EMPTY
        for raw in self._selected_raw(facet):
            bits |= self.maps.value_bits(facet, raw, self._loader(facet, raw))
        return bits

    # counts -----------------------------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        """Facet key -> raw value -> count. A facet's counts apply every OTHER facet's selection
        (disjunctive faceting); values without matches are left out unless selected."""
        counts: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            scope = self.matching
            if facet.key in self.chosen:
                scope = self.base
                for key, bits in self.chosen.items():
                    if key != facet.key:
                        scope = scope & bits
            facet_counts = {}
            for raw, bits in self.maps.values.get(facet.key, {}).items():
                if n := scope.intersection_cardinality(bits):
                    facet_counts[raw] = n
            for raw in self._selected_raw(facet):
                if raw not in facet_counts:
                    bits = self.maps.value_bits(facet, raw, self._loader(facet, raw))
                    facet_counts[raw] = scope.intersection_cardinality(bits)
            counts[facet.key] = facet_counts
        return counts

    # page -------------------------------------------------------------------------------------------

    def page_ids(self, *, sort: str, offset: int, limit: int) -> list[int]:
        tiers: tuple[tuple[str, bitmaps.Bits], ...]  # (sort order, ids), read in turn
        if sort == "relevance":
            # title matches (shorter titles first), then title + summary matches, then the rest; the
            # second lookup only when the title tier does not reach the end of the page
            in_title = self.matching & self.engine.title_bits(self.query)
            if offset + limit <= len(in_title):
                return self.maps.take("focus", in_title, offset=offset, limit=limit)
            in_short = self.matching & self.engine.short_bits(self.query)
            tiers = (
                ("focus", in_title),
                ("newest", in_short - in_title),
                ("newest", self.matching - in_short),
            )
        else:
            if sort == "title":
                sort = "title_en" if (get_language() or "ja")[:2] == "en" else "title_ja"
            tiers = ((sort, self.matching),)
        ids: list[int] = []
        for order, bits in tiers:
            size = len(bits)
            if offset >= size:
                offset -= size
                continue
            ids += self.maps.take(order, bits, offset=offset, limit=limit - len(ids))
            offset = 0
            if len(ids) >= limit:
                break
        return ids


def _sql(qs: QuerySet) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _facet_results(plan: _Plan, counts: dict[str, dict[str, int]]) -> tuple[FacetResult, ...]:
    selected_raw = {facet.key: set(plan._selected_raw(facet)) for facet in FACETS}  # providers: ids
    raw = {facet.key: set(counts.get(facet.key, {})) | selected_raw.get(facet.key, set()) for facet in FACETS}
    labels = load_labels(raw)
    results = []
    for facet in FACETS:
        facet_counts = counts.get(facet.key, {})
        chosen = selected_raw.get(facet.key, set())
        values = []
        for value in raw[facet.key]:
            if value == "" or (facet is SUBSIDY and value != "1" and value not in chosen):
                continue
            values.append(
                FacetValue(
                    value=labels.value(facet, value),
                    label=labels.label(facet, value),
                    count=facet_counts.get(value, 0),
                    selected=value in chosen,
                )
            )
        if facet.by_count:
            values.sort(key=lambda v: (-v.count, v.label))
        elif order := natural_order(facet):
            rank = {value: i for i, value in enumerate(order)}
            values.sort(key=lambda v: (rank.get(v.value, len(rank)), v.value))
        else:
            values.sort(key=lambda v: v.value)
        results.append(FacetResult(key=facet.key, label=str(facet.label), values=tuple(values)))
    return tuple(results)


def program_search(
    *,
    user: Any,
    query: str = "",
    facets: Mapping[str, Iterable[str]] | None = None,
    sort: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchResult:
    """Programs the user may see matching `query` and the facet selection, with counts for every facet.

    `facets` maps facet keys (field, skill, mode, provider, prefecture, municipality, level, fee, start,
    subsidy) to selected values; values within a facet are ORed, facets are ANDed. The counts of a
    facet are computed with every other facet applied (disjunctive faceting).
    """
    plan = _Plan(user=user, query=query, facets=facets)
    has_text = bool(plan.query.include)
    if sort not in SORTS or (sort == "relevance" and not has_text):
        sort = "relevance" if has_text else "newest"
    page_size = max(1, min(int(page_size or PAGE_SIZE), MAX_PAGE_SIZE))
    total, counts = len(plan.matching), plan.counts()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, int(page or 1)), pages)
    items: tuple[Program, ...] = ()
    if total:
        ids = plan.page_ids(sort=sort, offset=(page - 1) * page_size, limit=page_size)
        by_id = {p.pk: p for p in program_queryset().filter(pk__in=ids)}
        items = tuple(by_id[i] for i in ids if i in by_id)
    return SearchResult(
        items=items,
        total=total,
        facets=_facet_results(plan, counts),
        page=page,
        pages=pages,
        page_size=page_size,
        query=plan.text,
        sort=sort,
        selection=plan.selection,
    )


def program_get(*, user: Any, provider_key: str, code: str) -> Program:
    """One program by its natural key, if the user may see it (else Program.DoesNotExist)."""
    qs = policy.visible(
        user, program_queryset().prefetch_related("shared_with", "curriculum_units__curriculum")
    )
    return qs.select_related("source").get(provider__key=provider_key, code=code)


# --- map -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramPoint:
    pk: int
    provider_key: str
    code: str
    title_ja: str
    title_en: str
    provider_name_ja: str
    provider_name_en: str
    latitude: Decimal
    longitude: Decimal
    mode: str
    venue_name_ja: str
    next_start: Any
    fee_yen: int | None
    is_sample: bool


@dataclass(frozen=True, slots=True)
class ProviderPoint:
    key: str
    name_ja: str
    name_en: str
    latitude: Decimal
    longitude: Decimal
    programs: int


@dataclass(frozen=True)
class MapData:
    programs: tuple[ProgramPoint, ...]
    providers: tuple[ProviderPoint, ...]
    total: int  # programs matching, with or without a location
    located: int  # of which have a location
    truncated: bool


def program_map(
    *, user: Any, query: str = "", facets: Mapping[str, Iterable[str]] | None = None, limit: int = 5000
) -> MapData:
    """Located programs matching the search (at most `limit`), and their providers with counts."""
    plan = _Plan(user=user, query=query, facets=facets)
    per_provider = {
        int(raw): n
        for raw, bits in plan.maps.values.get(PROVIDER.key, {}).items()
        if (n := plan.matching.intersection_cardinality(bits))
    }
    located_ids = bitmaps.ids_from_bits(plan.matching & plan.maps.located)
    columns = (
        "pk",
        "provider__key",
        "code",
        "title_ja",
        "title_en",
        "provider__name_ja",
        "provider__name_en",
        "latitude",
        "longitude",
        "mode",
        "venue_name_ja",
        "search_index__next_start",
        "fee_yen",
        "is_sample",
    )
    rows = Program.objects.filter(pk__in=located_ids[:limit]).order_by("pk").values_list(*columns)
    organisations = (
        Organisation.objects.filter(pk__in=per_provider, latitude__isnull=False)
        .order_by("pk")
        .values_list("pk", "key", "name_ja", "name_en", "latitude", "longitude")
    )
    return MapData(
        programs=tuple(ProgramPoint(*row) for row in rows),
        providers=tuple(
            ProviderPoint(key, ja, en, lat, lng, per_provider[pk])
            for pk, key, ja, en, lat, lng in organisations
            if lat is not None and lng is not None  # always: both or neither (a constraint)
        ),
        total=len(plan.matching),
        located=len(located_ids),
        truncated=len(located_ids) > limit,
    )


# --- providers, content, curricula -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    organisation: Organisation
    programs: int


def provider_list(*, user: Any) -> list[ProviderSummary]:
    """Organisations with programs the user may see (published for everyone), with their counts."""
    visibility = program_visibility_q(user)
    qs = ProgramIndex.objects.filter(visibility) if visibility is not None else ProgramIndex.objects.all()
    counts = dict(
        qs.order_by().values_list("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n")
    )
    organisations = Organisation.objects.filter(pk__in=counts).order_by("name_kana", "name_ja", "pk")
    return [ProviderSummary(o, counts[o.pk]) for o in organisations]


def provider_get(*, user: Any, key: str) -> Organisation:
    return policy.visible(user, Organisation.objects.select_related("parent")).get(key=key)


def content_list(
    *,
    user: Any,
    q: str = "",
    provider: str | None = None,
    kind: str | None = None,
    licence: str | None = None,
    unit: int | None = None,
) -> QuerySet[TeachingContent]:
    qs = policy.visible(user, TeachingContent.objects.all())
    if provider:
        qs = qs.filter(provider__key=provider)
    if kind:
        qs = qs.filter(kind=kind)
    if licence:
        qs = qs.filter(licence=licence)
    if unit:
        qs = qs.filter(mdash_units=unit)
    for word in normalise(q).split(" ") if q.strip() else []:
        qs = qs.filter(
            Q(title_ja__icontains=word)
            | Q(title_en__icontains=word)
            | Q(summary_ja__icontains=word)
            | Q(summary_en__icontains=word)
            | Q(code__iexact=word)
        )
    return (
        qs.select_related("provider")
        .prefetch_related("mdash_units", "curriculum_units__curriculum")
        .order_by("provider__name_kana", "code", "pk")
    )


def content_get(*, user: Any, pk: int) -> TeachingContent:
    return content_list(user=user).get(pk=pk)


def curriculum_list(*, user: Any, network: str | None = None) -> list[JointCurriculum]:
    programs = policy.visible(user, Program.objects.select_related("provider"))
    contents = policy.visible(user, TeachingContent.objects.select_related("provider"))
    units = CurriculumUnit.objects.select_related("concept").prefetch_related(
        Prefetch("programs", queryset=programs), Prefetch("contents", queryset=contents)
    )
    qs = policy.visible(user, JointCurriculum.objects.select_related("network"))
    if network:
        qs = qs.filter(network__key=network)
    return list(qs.prefetch_related(Prefetch("units", queryset=units)).order_by("network__founded_on", "key"))

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
from django.utils import translation
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
    resolve_values,
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
from renkei.catalog.params import MAX_PAGE_SIZE, PAGE_SIZE, Sort
from renkei.catalog.policy import program_visibility_q
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.pagination import Key, Keyset, Page, decode_cursor, encode_cursor, keyset_page
from renkei.core.params import ParamErrors, ParamProblem
from renkei.core.text_match import matching_pks
from renkei.organisations.models import Organisation
from renkei.text import Query, parse_query

__all__ = ["MAX_PAGE_SIZE", "PAGE_SIZE"]

PROGRAM_CURSOR = "programs"
STALE_CURSOR = Msg(
    "このカーソルの位置の講座はもう検索結果にありません。最初のページから読み直してください。",
    "The program this cursor continues from is no longer in the results: start again from the first page.",
)


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str  # in the active language
    count: int
    selected: bool
    label_ja: str = ""
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class FacetResult:
    key: str
    label: str  # in the active language
    values: tuple[FacetValue, ...]
    label_ja: str = ""
    label_en: str = ""

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
    next_cursor: str | None = None  # cursor pages (the API): where the next page starts

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
        self.selection = clean_selection(resolve_values(dict(facets or {}))[0])
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

    def tiers(self, sort: str) -> list[tuple[str, bitmaps.Bits]]:
        """The ranked groups of a sort, each walked in one order of the index."""
        if sort == "relevance":
            in_title = self.matching & self.engine.title_bits(self.query)
            in_short = self.matching & self.engine.short_bits(self.query)
            return [
                ("focus", in_title),
                ("newest", in_short - in_title),
                ("newest", self.matching - in_short),
            ]
        if sort == "title":
            sort = "title_en" if (get_language() or "ja")[:2] == "en" else "title_ja"
        return [(sort, self.matching)]

    def page_after(self, *, sort: str, after: tuple[int, int] | None, limit: int) -> list[tuple[int, int]]:
        """(tier, id) of the `limit` programs that follow program `after` = (tier, id) in the order of
        `sort` (from the start when None). Pages resume after a program, not after a count of them, so
        they stay stable when programs are added; the program itself need not match any more, only be
        in the index (else ParamErrors: the client starts again)."""
        tiers = self.tiers(sort)
        start_tier, place = 0, -1
        if after is not None:
            start_tier = min(max(after[0], 0), len(tiers) - 1)
            order = tiers[start_tier][0]
            positions, size = self.maps.position(order), len(self.maps.order(order))
            place = positions[after[1]] if 0 <= after[1] < len(positions) else size
            if place >= size:
                raise ParamErrors([ParamProblem("cursor", "invalid-value", STALE_CURSOR)])
        found: list[tuple[int, int]] = []
        for tier in range(start_tier, len(tiers)):
            order, bits = tiers[tier]
            start = place if tier == start_tier else -1
            found += [
                (tier, i) for i in self.maps.take_after(order, bits, after=start, limit=limit - len(found))
            ]
            if len(found) >= limit:
                break
        return found

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
    # every label in both languages (the API gives both; pages show the active one)
    names: dict[str, dict[tuple[str, str], str]] = {}
    for lang in ("ja", "en"):
        with translation.override(lang):
            names[lang] = {(f.key, v): labels.label(f, v) for f in FACETS for v in raw[f.key]}
            names[lang] |= {(f.key, ""): str(f.label) for f in FACETS}
    active = "en" if (get_language() or "ja")[:2] == "en" else "ja"
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
                    label=names[active][facet.key, value],
                    count=facet_counts.get(value, 0),
                    selected=value in chosen,
                    label_ja=names["ja"][facet.key, value],
                    label_en=names["en"][facet.key, value],
                )
            )
        if facet.by_count:
            values.sort(key=lambda v: (-v.count, v.label))
        elif order := natural_order(facet):
            rank = {value: i for i, value in enumerate(order)}
            values.sort(key=lambda v: (rank.get(v.value, len(rank)), v.value))
        else:
            values.sort(key=lambda v: v.value)
        results.append(
            FacetResult(
                key=facet.key,
                label=names[active][facet.key, ""],
                values=tuple(values),
                label_ja=names["ja"][facet.key, ""],
                label_en=names["en"][facet.key, ""],
            )
        )
    return tuple(results)


UNKNOWN_FACET_VALUE = Msg(
    "{values} に当たるものはありません（ファセットの値か、API が示すコード・キーを指定してください）。",
    "Nothing is named {values} (give a value the facets list, or a code or key the API shows).",
)


def facets_checked(facets: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The API's facet selection with codes resolved; a value that names nothing is a ParamErrors
    (a 422 naming the parameter), not a silent empty result."""
    resolved, unknown = resolve_values(facets, strict=True)
    if unknown:
        raise ParamErrors(
            [
                ParamProblem(key, "invalid-value", UNKNOWN_FACET_VALUE.format(values=", ".join(values)))
                for key, values in unknown.items()
            ]
        )
    return resolved


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
    sort = _resolved_sort(plan, sort)
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


def _resolved_sort(plan: _Plan, sort: str | None) -> str:
    has_text = bool(plan.query.include)
    if sort not in Sort.values or (sort == Sort.RELEVANCE and not has_text):
        return Sort.RELEVANCE if has_text else Sort.NEWEST
    return sort


def program_search_page(
    *,
    user: Any,
    query: str = "",
    facets: Mapping[str, Iterable[str]] | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> SearchResult:
    """`program_search` in cursor pages (the API): the `limit` programs after `cursor`, and the cursor
    of the next page when there is one. A cursor marks the last program shown (and its relevance
    tier); the next page follows it in the order asked for, whatever was added meanwhile."""
    plan = _Plan(user=user, query=query, facets=facets)
    sort = _resolved_sort(plan, sort)
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    after: tuple[int, int] | None = None
    if cursor:
        payload = decode_cursor(PROGRAM_CURSOR, cursor)
        if not (isinstance(payload, list) and len(payload) == 2 and all(isinstance(v, int) for v in payload)):
            raise ParamErrors([ParamProblem("cursor", "invalid-value", STALE_CURSOR)])
        after = (payload[0], payload[1])
    total, counts = len(plan.matching), plan.counts()
    found = plan.page_after(sort=sort, after=after, limit=limit + 1) if total else []
    ids = [pk for _, pk in found[:limit]]
    by_id = {p.pk: p for p in program_queryset().filter(pk__in=ids)} if ids else {}
    next_cursor = None
    if len(found) > limit:
        tier, last = found[limit - 1]
        next_cursor = encode_cursor(PROGRAM_CURSOR, [tier, last])
    return SearchResult(
        items=tuple(by_id[i] for i in ids if i in by_id),
        total=total,
        facets=_facet_results(plan, counts),
        page=1,
        pages=1,
        page_size=limit,
        query=plan.text,
        sort=sort,
        selection=plan.selection,
        next_cursor=next_cursor,
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


PROVIDER_KEYSET = Keyset("providers", Key("name_kana"), Key("name_ja"), Key("pk"))


def _provider_counts(user: Any) -> dict[int, int]:
    visibility = program_visibility_q(user)
    qs = ProgramIndex.objects.filter(visibility) if visibility is not None else ProgramIndex.objects.all()
    return dict(
        qs.order_by().values_list("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n")
    )


def provider_list(*, user: Any) -> list[ProviderSummary]:
    """Organisations with programs the user may see (published for everyone), with their counts."""
    counts = _provider_counts(user)
    organisations = PROVIDER_KEYSET.order(Organisation.objects.filter(pk__in=counts))
    return [ProviderSummary(o, counts[o.pk]) for o in organisations]


def provider_page(*, user: Any, cursor: str | None, limit: int) -> Page[ProviderSummary]:
    """`provider_list` in cursor pages."""
    counts = _provider_counts(user)
    page = keyset_page(
        Organisation.objects.filter(pk__in=counts), PROVIDER_KEYSET, cursor=cursor, limit=limit
    )
    return Page(
        items=[ProviderSummary(o, counts[o.pk]) for o in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


def provider_get(*, user: Any, key: str) -> Organisation:
    return policy.visible(user, Organisation.objects.select_related("parent")).get(key=key)


CONTENT_KEYSET = Keyset("contents", Key("provider__name_kana"), Key("code"), Key("pk"))


CONTENT_TEXT_COLUMNS = ("title_ja", "title_en", "summary_ja", "summary_en", "code")


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
    query = parse_query(q or "")
    if not query.is_empty:
        qs = qs.filter(pk__in=matching_pks(qs, query, CONTENT_TEXT_COLUMNS))
    return CONTENT_KEYSET.order(
        qs.select_related("provider").prefetch_related("mdash_units", "curriculum_units__curriculum")
    )


CURRICULUM_KEYSET = Keyset(
    "curricula", Key("network__founded_on", nullable=True), Key("network_id"), Key("key"), Key("pk")
)


def content_get(*, user: Any, pk: int) -> TeachingContent:
    return content_list(user=user).get(pk=pk)


def curricula(*, user: Any, network: str | None = None) -> QuerySet[JointCurriculum]:
    """The joint curricula the user may see, with their units and the programs and content of each
    unit that the user may see, in a fixed number of queries."""
    programs = policy.visible(user, Program.objects.select_related("provider"))
    contents = policy.visible(user, TeachingContent.objects.select_related("provider"))
    units = CurriculumUnit.objects.select_related("concept").prefetch_related(
        Prefetch("programs", queryset=programs), Prefetch("contents", queryset=contents)
    )
    qs = policy.visible(user, JointCurriculum.objects.select_related("network"))
    if network:
        qs = qs.filter(network__key=network)
    return CURRICULUM_KEYSET.order(qs.prefetch_related(Prefetch("units", queryset=units)))


def curriculum_list(*, user: Any, network: str | None = None) -> list[JointCurriculum]:
    return list(curricula(user=user, network=network))


def curriculum_get(*, user: Any, network: str, key: str) -> JointCurriculum:
    """One joint curriculum by network and key, if the user may see it (else DoesNotExist)."""
    return curricula(user=user, network=network).get(key=key)


def published_count(*, user: Any) -> int:
    visibility = program_visibility_q(user)
    qs = ProgramIndex.objects.filter(status=Status.PUBLISHED)
    return (qs.filter(visibility) if visibility is not None else qs).count()

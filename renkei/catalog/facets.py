"""The program facets: URL parameter, index column, how a selection filters, and how values are labelled."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from renkei.catalog.models import FeeBand, Program
from renkei.core.models import localized
from renkei.organisations.models import Organisation, Prefecture
from renkei.taxonomy.models import Concept

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class FacetSpec:
    key: str  # URL / API parameter
    label: object  # lazy translation
    column: str  # ProgramIndex column, or concept_id of the through table for m2m facets
    through: str | None = None  # m2m through table (multi-valued facets)
    by_count: bool = False  # order values by count (else by the natural order of values)


FIELD = FacetSpec("field", _("Field"), "concept_id", Program.fields.through._meta.db_table, by_count=True)
SKILL = FacetSpec("skill", _("Skill"), "concept_id", Program.skills.through._meta.db_table, by_count=True)
MODE = FacetSpec("mode", _("Mode"), "mode")
PROVIDER = FacetSpec("provider", _("Provider"), "provider_id", by_count=True)
PREFECTURE = FacetSpec("prefecture", _("Prefecture"), "prefecture")
MUNICIPALITY = FacetSpec("municipality", _("Municipality"), "municipality_code", by_count=True)
LEVEL = FacetSpec("level", _("Level"), "level")
FEE = FacetSpec("fee", _("Fee"), "fee_band")
START = FacetSpec("start", _("Start month"), "start_month")
SUBSIDY = FacetSpec("subsidy", _("Subsidy"), "subsidy")

FACETS: tuple[FacetSpec, ...] = (
    FIELD,
    SKILL,
    MODE,
    PROVIDER,
    PREFECTURE,
    MUNICIPALITY,
    LEVEL,
    FEE,
    START,
    SUBSIDY,
)
BY_KEY = {facet.key: facet for facet in FACETS}


def clean_selection(raw: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Keep known facets and well-formed values; drop blanks and duplicates, keep the order."""
    selection: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values = [str(v).strip() for v in raw.get(facet.key, ()) or () if str(v).strip()]
        if facet in (FIELD, SKILL):
            values = [v for v in values if v.isdigit()]
        elif facet is START:
            values = [v for v in values if MONTH.match(v)]
        elif facet is SUBSIDY:
            values = [{"true": "1", "false": "0"}.get(v.lower(), v) for v in values]
            values = [v for v in values if v in ("1", "0")]
        if values:
            selection[facet.key] = tuple(dict.fromkeys(values))
    return selection


_ID = re.compile(r"[0-9]{1,18}")


def resolve_values(
    raw: Mapping[str, Iterable[str]], *, strict: bool = False
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Facet values as the search uses them, and those that name nothing.

    Fields and skills are given by concept id or by the code the API shows (`field-management`); codes
    become ids. With `strict` (the API), ids of no such concept and keys of no such provider are
    unknown too; pages are lenient and drop what names nothing, as they always did."""
    out = {key: [str(v).strip() for v in values or ()] for key, values in raw.items()}
    unknown: dict[str, list[str]] = {}
    for facet in (FIELD, SKILL):
        values = out.get(facet.key)
        if not values:
            continue
        concepts = (
            Concept.objects.filter(kind=Concept.Kind.FIELD) if facet is FIELD else Concept.objects.all()
        )
        codes = [v for v in values if not _ID.fullmatch(v)]
        by_code: dict[str, list[str]] = {}
        for pk, code in concepts.filter(code__in=codes).values_list("pk", "code") if codes else ():
            by_code.setdefault(code, []).append(str(pk))
        ids = [int(v) for v in values if _ID.fullmatch(v)]
        known = (
            {str(pk) for pk in concepts.filter(pk__in=ids).values_list("pk", flat=True)}
            if strict and ids
            else set()
        )
        resolved: list[str] = []
        for value in values:
            if _ID.fullmatch(value) and (not strict or value in known):
                resolved.append(str(int(value)))
            elif value in by_code:
                resolved += by_code[value]
            elif value:
                unknown.setdefault(facet.key, []).append(value)
        out[facet.key] = list(dict.fromkeys(resolved))
    if strict and (keys := out.get(PROVIDER.key)):
        found = set(Organisation.objects.filter(key__in=keys).values_list("key", flat=True))
        if missing := [k for k in keys if k and k not in found]:
            unknown[PROVIDER.key] = missing
    return out, unknown


def selection_filter(facet: FacetSpec, values: tuple[str, ...], provider_ids: dict[str, int]) -> Q:
    """The filter one facet's selected values put on ProgramIndex (values within a facet are ORed)."""
    if facet.through is not None:
        through = (Program.fields if facet is FIELD else Program.skills).through
        ids = through.objects.filter(concept_id__in=[int(v) for v in values]).values("program_id")
        return Q(pk__in=ids)
    if facet is PROVIDER:
        return Q(provider_id__in=[provider_ids[v] for v in values if v in provider_ids])
    if facet is SUBSIDY:
        return Q(subsidy__in=[v == "1" for v in values])
    return Q(**{f"{facet.column}__in": list(values)})


def month_label(value: str) -> str:
    year, month = (int(part) for part in value.split("-"))
    return date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")


@dataclass(frozen=True, slots=True)
class Labels:
    """Display labels and URL values for raw facet values, loaded once per search.

    Plain values, not model instances: a facet may name hundreds of concepts and organisations.
    """

    providers: dict[int, tuple[str, SimpleNamespace]]  # id -> (key, names in both languages)
    concepts: dict[int, SimpleNamespace]  # id -> labels in both languages
    municipalities: dict[str, SimpleNamespace]  # code -> names in both languages

    def value(self, facet: FacetSpec, raw: str) -> str:
        """URL value for a raw column value (providers are named by key)."""
        if facet is PROVIDER:
            return self.providers.get(int(raw), (raw, raw))[0]
        return raw

    def label(self, facet: FacetSpec, raw: str) -> str:
        """The value's label in the active language."""
        names: SimpleNamespace | None = None
        if facet is PROVIDER:
            names = self.providers.get(int(raw), (raw, None))[1]
        elif facet in (FIELD, SKILL):
            names = self.concepts.get(int(raw))
        elif facet is MUNICIPALITY:
            names = self.municipalities.get(raw)
        if facet in (PROVIDER, FIELD, SKILL, MUNICIPALITY):
            return localized(names, "name") if names is not None else raw
        if facet is PREFECTURE:
            return str(Prefecture(raw).label) if raw in Prefecture.values else raw
        if facet is MODE:
            return str(Program.Mode(raw).label) if raw in Program.Mode.values else raw
        if facet is LEVEL:
            return str(Program.Level(raw).label) if raw in Program.Level.values else raw
        if facet is FEE:
            return str(FeeBand(raw).label) if raw in FeeBand.values else raw
        if facet is START:
            return month_label(raw)
        if facet is SUBSIDY:
            return str(_("教育訓練給付 eligible")) if raw == "1" else str(_("not designated"))
        return raw


def natural_order(facet: FacetSpec) -> list[str]:
    if facet is MODE:
        return list(Program.Mode.values)
    if facet is LEVEL:
        return list(Program.Level.values)
    if facet is FEE:
        return list(FeeBand.values)
    return []


def _names(ja: str, en: str) -> SimpleNamespace:
    return SimpleNamespace(name_ja=ja, name_en=en)


def load_labels(raw: dict[str, set[str]]) -> Labels:
    """Two queries at most: organisations (providers and municipalities together) and concepts."""
    provider_ids = {int(v) for v in raw.get(PROVIDER.key, ()) if v.isdigit()}
    concept_ids = {int(v) for key in (FIELD.key, SKILL.key) for v in raw.get(key, ()) if v.isdigit()}
    codes = {v for v in raw.get(MUNICIPALITY.key, ()) if v}
    providers: dict[int, tuple[str, SimpleNamespace]] = {}
    municipalities: dict[str, SimpleNamespace] = {}
    if provider_ids or codes:
        wanted = Q(pk__in=provider_ids) | Q(kind=Organisation.Kind.MUNICIPALITY, municipality_code__in=codes)
        rows = Organisation.objects.filter(wanted).values_list(
            "pk", "key", "kind", "municipality_code", "name_ja", "name_en"
        )
        for pk, key, kind, code, ja, en in rows:
            if pk in provider_ids:
                providers[pk] = (key, _names(ja, en))
            if kind == Organisation.Kind.MUNICIPALITY and code in codes:
                municipalities[code] = _names(ja, en)
    concepts: dict[int, SimpleNamespace] = {}
    if concept_ids:
        labels = Concept.objects.filter(pk__in=concept_ids).values_list("pk", "label_ja", "label_en")
        concepts = {pk: _names(ja, en) for pk, ja, en in labels}
    return Labels(providers=providers, concepts=concepts, municipalities=municipalities)

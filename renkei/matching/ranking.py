"""From rows to the engine and back: the matching app's side of the pure `renkei.engine`.

The engine ranks plain values (`renkei.engine.model`); this module turns needs, programs and the
taxonomy into those values, and the engine's matches into rows to store. Everything that changes a
result is recorded with a run: the engine version, the parameters (`Params.to_dict()`), the day the
schedule is judged from, the ids of the needs and programs ranked and a fingerprint of their content,
so that a run can be reproduced (`match_run_reproduce`) and repeated (`match_run_repeat`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from renkei.catalog.models import Program, ProgramRun
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept

TIMEFRAME_DAYS = {"3m": 92, "6m": 183, "12m": 366}


@dataclass(frozen=True)
class Ranked:
    need_id: int
    program_id: int
    rank: int
    score: float
    reasons_ja: str
    reasons_en: str
    contributions: dict[str, float]


def _place(lat: Any, lon: Any, code: str) -> Any:
    from renkei.engine.model import Place

    if lat is None or lon is None:
        return None
    return Place(float(lat), float(lon), code or "")


def municipality_places(codes: Iterable[str]) -> dict[str, Any]:
    """The representative point of each municipality (from the registry's municipality rows)."""
    rows = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality_code__in=[c for c in set(codes) if c],
        latitude__isnull=False,
    ).values_list("municipality_code", "latitude", "longitude")  # fmt: skip
    return {code: _place(lat, lon, code) for code, lat, lon in rows}


def program_docs(programs: Sequence[Program], today: dt.date) -> list[Any]:
    from renkei.engine.model import ProgramDoc

    docs = []
    for program in programs:
        runs = [r for r in program.runs.all() if r.starts_on >= today]
        place = _place(program.latitude, program.longitude, program.municipality_code)
        docs.append(
            ProgramDoc(
                id=program.pk, title=program.title_ja or program.title_en,
                summary=f"{program.summary_ja}\n{program.summary_en}".strip(),
                body=f"{program.description_ja}\n{program.description_en}".strip(),
                skills=frozenset(c.pk for c in program.skills.all()),
                mode=program.mode, level=program.level, place=place, fee_yen=program.fee_yen,
                starts=tuple(sorted(r.starts_on for r in runs)), capacity=program.capacity,
            )
        )  # fmt: skip
    return docs


def need_value(need: Any, *, places: Mapping[str, Any], today: dt.date) -> Any:
    from renkei.engine.model import Need as EngineNeed

    skills = frozenset(ns.concept_id for ns in need.need_skills.all() if not ns.rejected)
    days = TIMEFRAME_DAYS.get(need.timeframe)
    return EngineNeed(
        id=need.pk, text=need.text, skills=skills, level=need.level or "", headcount=need.headcount,
        modes=frozenset() if need.mode in ("", "any") else frozenset({need.mode}),
        place=places.get(need.place_code()), budget_yen=need.budget_yen,
        times=frozenset({need.time_of_day}) if need.time_of_day else frozenset(),
        start_from=today if days else None, start_until=today + dt.timedelta(days=days) if days else None,
    )  # fmt: skip


def taxonomy_value(concept_ids: Iterable[int]) -> Any:
    """The taxonomy's relations around these concepts (their ancestors and siblings' parents), with labels."""
    from renkei.engine.model import Taxonomy

    ids = set(concept_ids)
    rows = list(Concept.objects.filter(scheme__concepts__pk__in=ids).distinct().values_list(
        "pk", "parent_id", "label_ja", "label_en"))  # fmt: skip
    parents = {pk: parent for pk, parent, _, _ in rows}
    labels = {pk: (ja, en) for pk, _, ja, en in rows}
    return Taxonomy.from_parents(parents, labels=labels)


def programs_for(network_id: int, member_ids: set[int]) -> list[Program]:
    """The programs a network's needs are matched to: published, shared with the network or offered by
    a current member (or one of its units)."""
    from django.db.models import Q

    return list(
        Program.objects.filter(status=Program.Status.PUBLISHED)
        .filter(Q(shared_with=network_id) | Q(provider_id__in=member_ids))
        .distinct()
        .order_by("pk")
        .prefetch_related("skills", Prefetch("runs", queryset=ProgramRun.objects.order_by("starts_on")))
    )


def content_fingerprint(needs: Sequence[Any], docs: Sequence[Any]) -> str:
    digest = hashlib.sha256()
    for value in sorted(needs, key=lambda n: n.id):
        digest.update(repr(value).encode())
    for value in sorted(docs, key=lambda d: d.id):
        digest.update(repr(value).encode())
    return digest.hexdigest()


def results_fingerprint(ranked: Iterable[Ranked]) -> str:
    rows = sorted((r.need_id, r.rank, r.program_id, round(r.score, 9)) for r in ranked)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def rank(
    *, needs: Sequence[Any], docs: Sequence[Any], taxonomy: Any, params: Mapping[str, Any], k: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Ranked]:  # fmt: skip
    """Rank the programs for each need with the engine; reasons in both languages."""
    from renkei import engine

    engine_params = engine.Params.from_dict({k: v for k, v in params.items() if k not in RUN_KEYS})
    if not docs or not needs:
        return []
    index = engine.build_index(docs, taxonomy=taxonomy, params=engine_params)
    ordered = sorted(needs, key=lambda n: n.id)
    batches = engine.rank_programs_batch(index, ordered, k=k, progress=progress)
    out: list[Ranked] = []
    for matches in batches:
        for match in matches:
            contributions: dict[str, float] = {}
            for reason in match.reasons:
                contributions[reason.kind] = round(
                    contributions.get(reason.kind, 0.0) + reason.contribution, 9
                )
            out.append(
                Ranked(
                    need_id=match.need_id, program_id=match.program_id, rank=match.rank,
                    score=round(float(match.score), 9),
                    reasons_ja=engine.reason_line(match, "ja", taxonomy)[:500],
                    reasons_en=engine.reason_line(match, "en", taxonomy)[:500],
                    contributions=contributions,
                )
            )  # fmt: skip
    return out


UNMET_BELOW = 0.3  # the default: a need whose best match scores less than this is unmet
RUN_KEYS = ("unmet_below",)  # a run's own parameters, beside the engine's (not passed to the engine)


def default_params() -> dict[str, Any]:
    """The engine's default parameters and the run's own: `unmet_below`, the score under which a match
    does not meet a need in the gap analysis (stored with the run, so its gaps can be read again)."""
    from renkei import engine

    return {**engine.DEFAULT_PARAMS.to_dict(), "unmet_below": UNMET_BELOW}


def unmet_below(parameters: Mapping[str, Any] | None) -> float:
    """A stored run's threshold (runs stored before it was kept use the default)."""
    value = (parameters or {}).get("unmet_below", UNMET_BELOW)
    return float(value) if isinstance(value, int | float) and 0 <= value <= 1 else UNMET_BELOW


def engine_version() -> str:
    from renkei import engine

    return str(engine.ENGINE_VERSION)

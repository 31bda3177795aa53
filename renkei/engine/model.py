"""The engine's values: inputs (programs, needs, taxonomy, precedents), parameters and matches.

Plain frozen dataclasses; the specification is docs/algorithms/matching.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

__all__ = [
    "COMPONENTS",
    "CONSTRAINTS",
    "DEFAULT_PARAMS",
    "ENGINE_VERSION",
    "LEVEL_RANK",
    "MODES",
    "TIMES",
    "Match",
    "Need",
    "Params",
    "Place",
    "Precedent",
    "ProgramDoc",
    "Reason",
    "Taxonomy",
    "Weights",
]

ENGINE_VERSION = "2"

MODES = ("onsite", "online", "hybrid", "on_demand")  # the catalog's Program.Mode values
TIMES = ("morning", "daytime", "evening", "weekend")
# The catalog's levels on one ladder (MDASH literacy is introductory, applied-basic intermediate).
LEVEL_RANK: Mapping[str, int] = {
    "introductory": 1,
    "mdash_literacy": 1,
    "intermediate": 2,
    "mdash_applied_basic": 2,
    "advanced": 3,
    "graduate": 4,
}
RELEVANCE = ("text", "skills", "precedent")
CONSTRAINTS = ("mode", "distance", "fee", "level", "schedule", "time")
COMPONENTS = RELEVANCE + CONSTRAINTS


@dataclass(frozen=True, slots=True)
class Place:
    lat: float
    lon: float
    municipality_code: str = ""


@dataclass(frozen=True, slots=True)
class ProgramDoc:
    """A program as the engine sees it (one per program; runs folded into ``starts``)."""

    id: int
    title: str
    summary: str = ""
    body: str = ""
    skills: frozenset[int] = frozenset()
    mode: str = ""
    level: str = ""
    place: Place | None = None
    fee_yen: int | None = None
    starts: tuple[date, ...] = ()
    times: frozenset[str] = frozenset()
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """An employer's need: the text as written plus what it asks for (empty/None = not asked)."""

    id: int
    text: str
    skills: frozenset[int] = frozenset()
    level: str = ""
    headcount: int | None = None
    modes: frozenset[str] = frozenset()
    place: Place | None = None
    max_km: float | None = None
    budget_yen: int | None = None
    times: frozenset[str] = frozenset()
    start_from: date | None = None
    start_until: date | None = None


@dataclass(frozen=True, slots=True)
class Precedent:
    """A need judged before: its text and the programs judged relevant for it (grade > 0)."""

    text: str
    grades: Mapping[int, float]


@dataclass(frozen=True)
class Taxonomy:
    """Concept relations as plain mappings; ``narrower`` is derived from ``broader`` when empty."""

    broader: Mapping[int, frozenset[int]] = field(default_factory=dict)
    narrower: Mapping[int, frozenset[int]] = field(default_factory=dict)
    related: Mapping[int, frozenset[int]] = field(default_factory=dict)
    labels: Mapping[int, tuple[str, str]] = field(default_factory=dict)  # concept -> (ja, en)

    def __post_init__(self) -> None:
        if not self.narrower and self.broader:
            down: dict[int, set[int]] = {}
            for child, parents in self.broader.items():
                for parent in parents:
                    down.setdefault(parent, set()).add(child)
            object.__setattr__(self, "narrower", {p: frozenset(c) for p, c in down.items()})
        related: dict[int, set[int]] = {}
        for a, bs in self.related.items():
            for b in bs:
                if a != b:
                    related.setdefault(a, set()).add(b)
                    related.setdefault(b, set()).add(a)
        object.__setattr__(self, "related", {a: frozenset(b) for a, b in related.items()})

    @classmethod
    def from_parents(
        cls,
        parents: Mapping[int, int | None],
        *,
        related: Mapping[int, frozenset[int]] | None = None,
        labels: Mapping[int, tuple[str, str]] | None = None,
    ) -> Taxonomy:
        """From the taxonomy app's ``parent`` column (``{concept: parent or None}``)."""
        broader = {c: frozenset({p}) for c, p in parents.items() if p is not None}
        return cls(broader=broader, related=related or {}, labels=labels or {})

    def label(self, concept: int, lang: str) -> str:
        ja, en = self.labels.get(concept, ("", ""))
        return (en or ja) if lang == "en" else (ja or en) or str(concept)


@dataclass(frozen=True, slots=True)
class Weights:
    text: float = 1.0
    skills: float = 1.0
    precedent: float = 1.0
    mode: float = 0.15
    distance: float = 0.15
    fee: float = 0.1
    level: float = 0.1
    schedule: float = 0.1
    time: float = 0.05


@dataclass(frozen=True, slots=True)
class Params:
    """Everything that changes a result; stored with a run (``to_dict``) so it can be repeated."""

    version: str = "2026-12-05.4"
    weights: Weights = Weights()
    hard: frozenset[str] = frozenset()  # names from CONSTRAINTS that exclude instead of lowering
    # text (BM25 over Sudachi forms + bigrams + stems)
    k1: float = 0.6
    b: float = 0.9
    k3: float = 100.0
    title_weight: float = 2.0
    summary_weight: float = 2.0
    bigram_weight: float = 1.0
    word_weight: float = 2.0
    stem: int = 4
    max_df: float = 0.1  # terms in more than this share of the programs are stop terms ...
    stop_min_df: int = 20  # ... and in more than this many programs (small catalogs keep every term)
    text_half: float = 0.3
    coverage_mix: float = 0.3
    head_repeat: int = 8  # the need text's first line counts this many more times (0: off)
    # skills through the taxonomy
    narrower: float = 0.8
    broader: float = 0.6
    related: float = 0.5
    # precedents
    neighbours: int = 40
    precedent_power: float = 1.0
    # constraints
    unknown: float = 0.5
    near_km: float = 10.0
    max_km: float = 60.0

    def __post_init__(self) -> None:
        unknown_names = self.hard - set(CONSTRAINTS)
        if unknown_names:
            raise ValueError(f"unknown hard constraints: {sorted(unknown_names)}")

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["hard"] = sorted(self.hard)
        data["engine_version"] = ENGINE_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Params:
        values = {k: v for k, v in data.items() if k != "engine_version"}
        values["weights"] = Weights(**values.get("weights", {}))
        values["hard"] = frozenset(values.get("hard", ()))
        return cls(**values)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)


DEFAULT_PARAMS = Params()


class Reason(NamedTuple):
    """One explained contribution: ``contribution`` is its share of the score (they add up to it).

    A named tuple (immutable, like the dataclasses here) because a run builds millions of them: it is
    made several times faster than a frozen dataclass."""

    kind: str
    contribution: float
    terms: tuple[str, ...] = ()
    concepts: tuple[int, ...] = ()
    value: float | None = None
    text: str = ""  # a datum to show as is: a mode, a date, a time of day


@dataclass(frozen=True, slots=True)
class Match:
    need_id: int
    program_id: int
    score: float
    rank: int
    reasons: tuple[Reason, ...]

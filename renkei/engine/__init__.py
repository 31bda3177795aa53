"""PURE: the seeds/needs matching engine (no Django). Its specification is docs/algorithms/matching.md.

Use::

    index = build_index(programs, taxonomy=taxonomy, params=params, precedents=precedents)
    matches = rank_programs(index, need, k=10)            # or rank_programs_batch(index, needs, ...)
    line = reason_line(matches[0], "ja", taxonomy)        # スキル: データ分析 / 本文: 品質管理 / 12 km
"""

from renkei.engine.index import Index, build_index, rank_needs, rank_programs, rank_programs_batch
from renkei.engine.model import (
    COMPONENTS,
    CONSTRAINTS,
    DEFAULT_PARAMS,
    ENGINE_VERSION,
    LEVEL_RANK,
    MODES,
    TIMES,
    Match,
    Need,
    Params,
    Place,
    Precedent,
    ProgramDoc,
    Reason,
    Taxonomy,
    Weights,
)
from renkei.engine.reasons import KINDS, reason_line

__all__ = [
    "COMPONENTS",
    "CONSTRAINTS",
    "DEFAULT_PARAMS",
    "ENGINE_VERSION",
    "KINDS",
    "LEVEL_RANK",
    "MODES",
    "TIMES",
    "Index",
    "Match",
    "Need",
    "Params",
    "Place",
    "Precedent",
    "ProgramDoc",
    "Reason",
    "Taxonomy",
    "Weights",
    "build_index",
    "rank_needs",
    "rank_programs",
    "rank_programs_batch",
    "reason_line",
]

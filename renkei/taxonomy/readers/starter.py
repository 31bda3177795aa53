"""Renkei's starter taxonomy: ``renkei/taxonomy/seed/starter.toml`` (written by the project)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from renkei.taxonomy.records import ConceptRecord, SchemeRecord, TaxonomyData, TaxonomyFileError, unique_terms

STARTER_PATH = Path(__file__).resolve().parent.parent / "seed" / "starter.toml"

# TOML array name -> Concept.kind
SECTIONS = {
    "fields": "field",
    "curriculum_units": "curriculum_unit",
    "skills": "skill",
    "knowledge": "knowledge",
}
_KEYS = {
    "code",
    "label_ja",
    "label_en",
    "synonyms_ja",
    "synonyms_en",
    "description_ja",
    "description_en",
    "parent",
    "auto_tag",
}


def read_starter(path: Path = STARTER_PATH) -> TaxonomyData:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TaxonomyFileError(f"{path}: {error}") from error
    scheme = SchemeRecord(**data["scheme"])
    concepts: list[ConceptRecord] = []
    seen: set[str] = set()
    for section, kind in SECTIONS.items():
        for row in data.get(section, []):
            concepts.append(_concept(row, kind, len(concepts), seen, path))
            seen.add(row["code"])
    unknown = set(data) - {"scheme", *SECTIONS}
    if unknown:
        raise TaxonomyFileError(f"{path}: unknown sections {sorted(unknown)}")
    return TaxonomyData(scheme=scheme, concepts=tuple(concepts))


def _concept(row: dict[str, Any], kind: str, index: int, seen: set[str], path: Path) -> ConceptRecord:
    code = row.get("code", "")
    if not code or code in seen:
        raise TaxonomyFileError(f"{path}: missing or repeated code {code!r}")
    if extra := set(row) - _KEYS:
        raise TaxonomyFileError(f"{path}: {code}: unknown keys {sorted(extra)}")
    if row.get("parent") and row["parent"] not in seen:
        raise TaxonomyFileError(f"{path}: {code}: parent {row['parent']!r} must be listed before it")
    label_ja, label_en = row.get("label_ja", "").strip(), row.get("label_en", "").strip()
    return ConceptRecord(
        code=code,
        kind=kind,
        label_ja=label_ja,
        label_en=label_en,
        synonyms_ja=unique_terms(row.get("synonyms_ja", []), besides=[label_ja]),
        synonyms_en=unique_terms(row.get("synonyms_en", []), besides=[label_en]),
        description_ja=row.get("description_ja", "").strip(),
        description_en=row.get("description_en", "").strip(),
        parent=row.get("parent") or None,
        sort_order=index,
        auto_tag=row.get("auto_tag", True),
    )

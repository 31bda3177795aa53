"""ESCO skills and skill groups from CSV, in either of two layouts a deployment may download:

* **Tabiya** (github.com/tabiya-tech/tabiya-esco-datasets-and-tools): ``skills.csv``,
  ``skillGroups.csv``, ``skills_hierarchy.csv``; upper-case columns (``ESCOURI``, ``ID``,
  ``PREFERREDLABEL``, ``ALTLABELS``, ...); the hierarchy joins on Tabiya's ``ID``.
* **ESCO portal** (esco.ec.europa.eu/en/use-esco/download, CSV, English): ``skills_en.csv``,
  ``skillGroups_en.csv``, ``broaderRelationsSkillPillar_en.csv``; camel-case columns (``conceptUri``,
  ``preferredLabel``, ``altLabels``, ``hiddenLabels``, ...); the hierarchy joins on the URI.

The concept code is the ESCO URI (stable across releases). English labels only: the preferred label
is ``label_en`` and the alternative (and hidden) labels are ``synonyms_en``. Skills become kind
``skill`` or ``knowledge`` (from the skill type); skill groups are grouping nodes (``auto_tag`` off):
ISCED-F fields become kind ``field``, knowledge groups (codes ``K…``) ``knowledge``, the others
``skill``. ESCO is polyhierarchical; Renkei keeps the first broader concept listed for each.
Occupations and occupation–skill relations are not imported here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from renkei.taxonomy.records import (
    ConceptRecord,
    SchemeRecord,
    TaxonomyData,
    TaxonomyFileError,
    unique_terms,
    without_cycles,
)

SCHEME_KEY = "esco"
TABIYA = "tabiya"
PORTAL = "esco-portal"


@dataclass(frozen=True)
class Layout:
    name: str
    skills: str
    groups: str
    hierarchy: str
    uri: str
    key: str  # the column the hierarchy file refers to
    label: str
    alt: tuple[str, ...]
    description: str
    scope_note: str
    skill_type: str
    code: str
    status: str | None
    parent: str
    child: str


LAYOUTS = (
    Layout(
        name=TABIYA,
        skills="skills.csv",
        groups="skillGroups.csv",
        hierarchy="skills_hierarchy.csv",
        uri="ESCOURI",
        key="ID",
        label="PREFERREDLABEL",
        alt=("ALTLABELS",),
        description="DESCRIPTION",
        scope_note="SCOPENOTE",
        skill_type="SKILLTYPE",
        code="CODE",
        status=None,
        parent="PARENTID",
        child="CHILDID",
    ),
    Layout(
        name=PORTAL,
        skills="skills_en.csv",
        groups="skillGroups_en.csv",
        hierarchy="broaderRelationsSkillPillar_en.csv",
        uri="conceptUri",
        key="conceptUri",
        label="preferredLabel",
        alt=("altLabels", "hiddenLabels"),
        description="description",
        scope_note="scopeNote",
        skill_type="skillType",
        code="code",
        status="status",
        parent="broaderUri",
        child="conceptUri",
    ),
)

_NATURAL = re.compile(r"(\d+)")


def attribution(*, layout: str, version: str) -> str:
    """ESCO's required credit, saying that this is a modified subset (and who converted it)."""
    release = f"ESCO v{version}, " if version else ""
    via = (
        "converted to CSV by Tabiya (github.com/tabiya-tech/tabiya-esco-datasets-and-tools, MIT licence)"
        if layout == TABIYA
        else "taken from the ESCO CSV download (skills and skill groups only)"
    )
    return (
        "This service uses the ESCO classification of the European Commission "
        f"({release}© European Union, reused under Commission Decision 2011/833/EU). "
        f"The data is a modified subset {via}. The European Commission does not endorse this service."
    )


def find_layout(path: Path) -> tuple[Path, Layout]:
    """The folder holding the files, and their layout; ``path`` is the folder or its skills file."""
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise TaxonomyFileError(f"{path}: no such file or folder")
    for layout in LAYOUTS:
        if (folder / layout.skills).is_file() and (path.is_dir() or path.name == layout.skills):
            return folder, layout
    names = " or ".join(f"{layout.skills} ({layout.name})" for layout in LAYOUTS)
    raise TaxonomyFileError(f"{path}: no {names} found")


def read_esco(path: Path, *, version: str = "") -> TaxonomyData:
    folder, layout = find_layout(path)
    skills = list(_read_csv(folder / layout.skills, layout))
    groups = list(_read_csv(folder / layout.groups, layout)) if (folder / layout.groups).is_file() else []
    notes: list[str] = []
    if not groups:
        notes.append(f"no {layout.groups}: skills imported without their groups")

    key_to_uri: dict[str, str] = {}
    records: dict[str, ConceptRecord] = {}
    order: dict[str, tuple] = {}
    for row in groups:
        uri, key = row[layout.uri], row[layout.key]
        code = row.get(layout.code, "")
        kind = "field" if "/isced-f/" in uri else "knowledge" if code.startswith("K") else "skill"
        records[uri] = _record(row, layout, kind=kind, auto_tag=False)
        key_to_uri[key] = uri
        # ESCO groups by code (S1.9 before S1.10), then ISCED-F fields by their code in the URI
        order[uri] = (0, _natural(code) if code else ("~isced-f", uri.rsplit("/", 1)[-1]))
    skipped = 0
    for row in skills:
        if layout.status and row.get(layout.status, "released") not in ("", "released"):
            skipped += 1
            continue
        uri, key = row[layout.uri], row[layout.key]
        kind = "knowledge" if row.get(layout.skill_type, "") == "knowledge" else "skill"
        records[uri] = _record(row, layout, kind=kind, auto_tag=True)
        key_to_uri[key] = uri
        order[uri] = (1, row[layout.label].casefold())
    if skipped:
        notes.append(f"{skipped} skills not released (status) left out")

    parents, extra = _parents(folder / layout.hierarchy, layout, key_to_uri)
    if extra:
        notes.append(f"{extra} further broader links left out (Renkei keeps one broader concept each)")
    ranked = sorted(records, key=order.__getitem__)
    concepts = [
        replace(records[uri], parent=parents.get(uri), sort_order=rank) for rank, uri in enumerate(ranked)
    ]
    concepts, cut = without_cycles(concepts)
    if cut:
        notes.append(f"{cut} broader links dropped to break cycles")
    scheme = SchemeRecord(
        key=SCHEME_KEY,
        name_ja="ESCO スキル（欧州技能・能力・資格・職業分類）",
        name_en="ESCO skills",
        publisher="European Commission",
        version=version,
        attribution=attribution(layout=layout.name, version=version),
    )
    return TaxonomyData(scheme=scheme, concepts=tuple(concepts), notes=tuple(notes))


def _read_csv(path: Path, layout: Layout) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {layout.uri, layout.key, layout.label} - set(reader.fieldnames or [])
            if missing:
                raise TaxonomyFileError(f"{path}: missing columns {sorted(missing)} ({layout.name} layout)")
            for row in reader:
                yield {k: (v or "").strip() for k, v in row.items() if k is not None}
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TaxonomyFileError(f"{path}: {error}") from error


def _record(row: dict[str, str], layout: Layout, *, kind: str, auto_tag: bool) -> ConceptRecord:
    label = row[layout.label]
    alternatives = [term for column in layout.alt for term in row.get(column, "").splitlines()]
    description = "\n\n".join(
        t for t in (row.get(layout.description, ""), row.get(layout.scope_note, "")) if t
    )
    return ConceptRecord(
        code=row[layout.uri],
        kind=kind,
        label_en=label,
        synonyms_en=unique_terms(alternatives, besides=[label]),
        description_en=description,
        auto_tag=auto_tag,
    )


def _parents(path: Path, layout: Layout, key_to_uri: dict[str, str]) -> tuple[dict[str, str], int]:
    """child URI -> the first listed parent URI that is imported too; and how many more were ignored."""
    parents: dict[str, str] = {}
    extra = 0
    if not path.is_file():
        return parents, extra
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {layout.parent, layout.child} - set(reader.fieldnames or [])
            if missing:
                raise TaxonomyFileError(f"{path}: missing columns {sorted(missing)} ({layout.name} layout)")
            for row in reader:
                child = key_to_uri.get((row[layout.child] or "").strip())
                parent = key_to_uri.get((row[layout.parent] or "").strip())
                if child is None or parent is None or parent == child:
                    continue
                if child in parents:
                    extra += parents[child] != parent
                else:
                    parents[child] = parent
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TaxonomyFileError(f"{path}: {error}") from error
    return parents, extra


def _natural(text: str) -> tuple:
    """Sort key that puts S1.10 after S1.9."""
    return tuple(int(part) if part.isdigit() else part for part in _NATURAL.split(text))

"""Plain records that every taxonomy reader produces and `taxonomy_import` writes.

Readers (starter TOML, jobtag IPD files, ESCO CSV) know file formats and nothing about the database;
the service knows the database and nothing about formats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace


class TaxonomyFileError(ValueError):
    """A taxonomy file is missing, unreadable or not in the expected format; the message says why."""


@dataclass(frozen=True, slots=True)
class SchemeRecord:
    key: str
    name_ja: str
    name_en: str = ""
    publisher: str = ""
    version: str = ""
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class ConceptRecord:
    code: str
    kind: str
    label_ja: str = ""
    label_en: str = ""
    synonyms_ja: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    description_ja: str = ""
    description_en: str = ""
    parent: str | None = None  # the code of the broader concept, in the same scheme
    sort_order: int = 0
    auto_tag: bool = True


@dataclass(frozen=True, slots=True)
class TaxonomyData:
    scheme: SchemeRecord
    concepts: tuple[ConceptRecord, ...]
    notes: tuple[str, ...] = ()  # what the reader left out or changed, for the command's report


@dataclass
class ImportReport:
    scheme: str
    scheme_written: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # concepts in the database that the file no longer has (kept, never deleted)
    kept: int = 0  # concepts that differ from the file but that a person changed (keep_edited)
    notes: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return self.created + self.updated + int(self.scheme_written)

    def lines(self) -> list[str]:
        lines = [
            f"{self.scheme}: created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
            + (f", not in the file {self.stale} (kept)" if self.stale else "")
            + (f", changed by people {self.kept} (kept)" if self.kept else "")
            + (", taxonomy record written" if self.scheme_written else "")
        ]
        return lines + [f"  {note}" for note in self.notes]


def unique_terms(terms: Iterable[str], *, besides: Iterable[str] = ()) -> tuple[str, ...]:
    """Stripped, non-empty terms in order, without repeats (case-insensitive) or any of ``besides``."""
    seen = {t.strip().casefold() for t in besides if t.strip()}
    out: list[str] = []
    for term in terms:
        term = term.strip()
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    return tuple(out)


def without_cycles(records: Iterable[ConceptRecord]) -> tuple[list[ConceptRecord], int]:
    """Drop the parent links that would close a cycle (or point outside ``records``).

    Returns the records and how many links were dropped. Deterministic: records are visited in order.
    """
    records = list(records)
    parent = {r.code: r.parent for r in records}
    cut: set[str] = {code for code, p in parent.items() if p is not None and p not in parent}
    done: set[str] = set()
    for start in parent:
        path: list[str] = []
        on_path: set[str] = set()
        code: str | None = start
        while code is not None and code not in done and code not in cut:
            if code in on_path:
                cut.add(path[-1])  # the link from the last node back into the path closes the cycle
                break
            path.append(code)
            on_path.add(code)
            code = parent[code]
        done.update(path)
    if not cut:
        return records, 0
    return [replace(r, parent=None) if r.code in cut else r for r in records], len(cut)

"""Writes to taxonomies: load Renkei's starter taxonomy, import jobtag and ESCO files.

Every import is an idempotent upsert on (scheme, code) in one transaction: rows are read in bulk,
new concepts are created level by level (parents first, so each row is written once), changed ones
are updated in bulk, and unchanged ones are not touched, so a second run writes nothing and leaves no
audit entries. Concepts that a file no longer lists are kept (other records may refer to them) and
counted as stale. The caller opens the audit context (the command does; so does the demo loader).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from renkei.core.loading import edited_by_people
from renkei.core.services import record_services, service
from renkei.taxonomy.models import Concept, Scheme
from renkei.taxonomy.readers.esco import read_esco
from renkei.taxonomy.readers.jobtag import read_jobtag
from renkei.taxonomy.readers.starter import STARTER_PATH, read_starter
from renkei.taxonomy.records import ConceptRecord, ImportReport, SchemeRecord, TaxonomyData, TaxonomyFileError

BATCH_SIZE = 500
_SCHEME_FIELDS = ("name_ja", "name_en", "publisher", "version", "attribution")


def taxonomy_load_starter(*, path: Path = STARTER_PATH, keep_edited: bool = False) -> ImportReport:
    """Load (or refresh) Renkei's starter taxonomy (scheme ``renkei-starter``); with `keep_edited`
    (the demo loader), concepts a person changed are left as they are and counted as kept."""
    return taxonomy_import(data=read_starter(path), keep_edited=keep_edited)


def taxonomy_import_jobtag(*, path: Path, downloaded_on: dt.date | None = None) -> ImportReport:
    """Import job tag's 39 skills and 33 knowledge fields from the IPD numeric download file."""
    return taxonomy_import(data=read_jobtag(path, downloaded_on=downloaded_on))


def taxonomy_import_esco(*, path: Path, version: str = "") -> ImportReport:
    """Import ESCO skills and skill groups from CSV (Tabiya's layout or the ESCO portal's)."""
    return taxonomy_import(data=read_esco(path, version=version))


@service
def taxonomy_import(
    *, data: TaxonomyData, batch_size: int = BATCH_SIZE, keep_edited: bool = False
) -> ImportReport:
    """Upsert a scheme and its concepts; see the module docstring. With `keep_edited`, a concept
    that differs from the file but that a person changed since the system last wrote it is left as
    it is (`renkei.core.loading.edited_by_people`) and counted as kept."""
    records = _checked(data.concepts)
    with transaction.atomic():
        scheme, scheme_written = _scheme_upsert(data.scheme)
        report = ImportReport(scheme=scheme.key, scheme_written=scheme_written, notes=list(data.notes))
        existing = {c.code: c for c in Concept.objects.filter(scheme=scheme)}
        ids = {code: c.pk for code, c in existing.items()}
        changed: dict[tuple[str, ...], list[Concept]] = defaultdict(list)
        edited: set[str] | None = None
        for level in _levels(records):
            new: list[Concept] = []
            for record in level:
                values = _values(record, ids)
                current = existing.get(record.code)
                if current is None:
                    new.append(Concept(scheme=scheme, code=record.code, **values))
                    continue
                fields = tuple(name for name, value in values.items() if getattr(current, name) != value)
                if fields and keep_edited:
                    edited = edited_by_people(Concept) if edited is None else edited
                    if str(current.pk) in edited:
                        report.kept += 1
                        continue
                if fields:
                    for name in fields:
                        setattr(current, name, values[name])
                    changed[fields].append(current)
                else:
                    report.unchanged += 1
            Concept.objects.bulk_create(new, batch_size=batch_size)
            ids.update((c.code, c.pk) for c in new)
            report.created += len(new)
        now = timezone.now()
        for fields, concepts in changed.items():
            for concept in concepts:
                concept.updated_at = now  # bulk_update skips auto_now; the tagger's cache key needs it
            Concept.objects.bulk_update(concepts, [*fields, "updated_at"], batch_size=batch_size)
            report.updated += len(concepts)
        report.stale = len(existing.keys() - {r.code for r in records})
    return report


def _scheme_upsert(record: SchemeRecord) -> tuple[Scheme, bool]:
    values = {name: getattr(record, name) for name in _SCHEME_FIELDS}
    scheme = Scheme.objects.filter(key=record.key).first()
    if scheme is None:
        return Scheme.objects.create(key=record.key, **values), True
    fields = [name for name, value in values.items() if getattr(scheme, name) != value]
    if not fields:
        return scheme, False
    for name in fields:
        setattr(scheme, name, values[name])
    scheme.save()
    return scheme, True


def _values(record: ConceptRecord, ids: dict[str, int]) -> dict[str, Any]:
    if record.parent and record.parent not in ids:
        raise TaxonomyFileError(
            f"{record.code}: broader concept {record.parent!r} is neither in the file nor loaded"
        )
    return {
        "kind": record.kind,
        "label_ja": record.label_ja,
        "label_en": record.label_en,
        "synonyms_ja": "\n".join(record.synonyms_ja),
        "synonyms_en": "\n".join(record.synonyms_en),
        "description_ja": record.description_ja,
        "description_en": record.description_en,
        "sort_order": record.sort_order,
        "auto_tag": record.auto_tag,
        "parent_id": ids[record.parent] if record.parent else None,
    }


def _max_length(name: str) -> int:
    field = Concept._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"Concept.{name} is not a text field with a maximum length")
    return field.max_length


def _checked(records: tuple[ConceptRecord, ...]) -> list[ConceptRecord]:
    """Refuse what the database would refuse later (or silently cut): repeats, unknown kinds, long text."""
    kinds = set(Concept.Kind.values)
    limits = {name: _max_length(name) for name in ("code", "label_ja", "label_en")}
    seen: set[str] = set()
    for record in records:
        if not record.code or record.code in seen:
            raise TaxonomyFileError(f"missing or repeated concept code {record.code!r}")
        seen.add(record.code)
        if record.kind not in kinds:
            raise TaxonomyFileError(f"{record.code}: unknown kind {record.kind!r}")
        for name, limit in limits.items():
            if len(getattr(record, name)) > limit:
                raise TaxonomyFileError(f"{record.code}: {name} longer than {limit} characters")
        if not (record.label_ja or record.label_en):
            raise TaxonomyFileError(f"{record.code}: no label")
    return list(records)


def _levels(records: list[ConceptRecord]) -> list[list[ConceptRecord]]:
    """Records grouped by depth in the file's hierarchy, roots first (a parent not in the file must
    already be in the database; that is checked when its id is looked up)."""
    by_code = {r.code: r for r in records}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        chain: list[str] = []
        while code not in depth:
            if code in chain:
                raise TaxonomyFileError(f"{code}: its broader concepts form a cycle")
            chain.append(code)
            parent = by_code[code].parent
            if parent is None or parent not in by_code:
                depth[code] = 0
                chain.pop()
                break
            code = parent
        base = depth[code]
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item] = base + offset
        return depth[chain[0]] if chain else base

    levels: dict[int, list[ConceptRecord]] = defaultdict(list)
    for record in records:
        levels[depth_of(record.code)].append(record)
    return [levels[d] for d in sorted(levels)]


scheme_save, scheme_delete = record_services(Scheme, "scheme", module=__name__)
concept_save, concept_delete = record_services(Concept, "concept", module=__name__)

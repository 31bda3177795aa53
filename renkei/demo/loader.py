"""Load the demo registry from the TOML seeds in `seed/`: idempotent, audited, all-or-nothing.

Every row is matched on its natural key; a row is written only when something differs, so a second
run writes nothing (and leaves no audit entries).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from renkei.catalog.samples import catalog_load_samples
from renkei.core.audit import Via, audit_context
from renkei.core.models import Source
from renkei.core.services import service
from renkei.networks.models import (
    Body,
    BodyParticipant,
    DeclaredCount,
    Document,
    DocumentVersion,
    Membership,
    Network,
    Post,
)
from renkei.organisations.models import GroupComponent, Identifier, Organisation
from renkei.taxonomy.services import taxonomy_load_starter

SEED_DIR = Path(__file__).resolve().parent / "seed"
ORGANISATION_FILES = ("organisations.toml", "municipalities.toml")


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{name:<22} created {self.created[name]:>4}  updated {self.updated[name]:>4}  "
            f"unchanged {self.unchanged[name]:>4}"
            for name in names
        ]

    @property
    def writes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _read(name: str) -> dict[str, Any]:
    with (SEED_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


class _Loader:
    def __init__(self) -> None:
        self.report = LoadReport()
        self.sources: dict[str, Source] = {}
        self.organisations: dict[str, Organisation] = {}
        self._rows: dict[tuple, dict[tuple, Any]] = {}
        self._links: dict[Any, set[tuple[int, int]]] = {}

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        """Create the row, or update only the fields that differ (existing rows are read once per model)."""
        name = model.__name__
        key = self._key(model, lookup)
        existing = self._existing(model, tuple(sorted(lookup)))
        obj = existing.get(key)
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            existing[key] = obj
            self.report.created[name] += 1
            return obj
        changed = [field for field, value in values.items() if _differs(getattr(obj, field), value)]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save()
            self.report.updated[name] += 1
        else:
            self.report.unchanged[name] += 1
        return obj

    def _existing(self, model: type[models.Model], fields: tuple[str, ...]) -> dict[tuple, Any]:
        cache_key = (model, fields)
        if cache_key not in self._rows:
            self._rows[cache_key] = {
                tuple(_plain_key(getattr(obj, _attname(model, f))) for f in fields): obj
                for obj in model.objects.all()
            }
        return self._rows[cache_key]

    @staticmethod
    def _key(model: type[models.Model], lookup: dict[str, Any]) -> tuple:
        return tuple(_plain_key(lookup[f]) for f in sorted(lookup))

    def link_sources(self, obj: Any, codes: list[str]) -> None:
        through = type(obj).sources.through
        if through not in self._links:
            column = f"{type(obj)._meta.model_name}_id"
            self._links[through] = set(through.objects.values_list(column, "source_id"))
        present = self._links[through]
        missing = {self.sources[code].pk for code in codes} - {s for o, s in present if o == obj.pk}
        if missing:
            obj.sources.add(*missing)
            present |= {(obj.pk, source_id) for source_id in missing}
            self.report.updated[f"{type(obj).__name__}.sources"] += 1

    # --- loaders ---------------------------------------------------------------------------------
    def load_sources(self) -> None:
        for row in _read("sources.toml")["source"]:
            values = {k: row.get(k, "") for k in ("title_ja", "title_en", "publisher", "url", "file_name")}
            values["published_on"] = row.get("published_on")
            self.sources[row["code"]] = self.upsert(Source, {"code": row["code"]}, values)

    def load_organisations(self) -> None:
        rows = [row for name in ORGANISATION_FILES for row in _read(name)["organisation"]]
        by_key = {row["key"]: row for row in rows}
        # parents before children, whatever the order in the files
        for row in sorted(rows, key=lambda r: _depth(r, by_key)):
            self.organisations[row["key"]] = self._organisation(row)
        for row in rows:
            group = self.organisations[row["key"]]
            for order, member_key in enumerate(row.get("components", [])):
                self.upsert(
                    GroupComponent,
                    {"group": group, "member": self.organisations[member_key]},
                    {"sort_order": order},
                )

    def _organisation(self, row: dict[str, Any]) -> Organisation:
        text_fields = (
            "name_ja",
            "name_en",
            "name_kana",
            "short_name_ja",
            "short_name_en",
            "code",
            "prefecture",
            "municipality_code",
            "address_ja",
            "location_note",
            "website",
            "note_ja",
            "note_en",
        )
        values: dict[str, Any] = {k: row.get(k, "") for k in text_fields}
        values["kind"] = row["kind"]
        values["country"] = row.get("country", "")
        values["parent"] = self.organisations[row["parent"]] if row.get("parent") else None
        for axis in ("latitude", "longitude"):
            values[axis] = Decimal(str(row[axis])).quantize(Decimal("0.000001")) if axis in row else None
        organisation = self.upsert(Organisation, {"key": row["key"]}, values)
        for scheme, value in row.get("identifiers", {}).items():
            self.upsert(Identifier, {"scheme": scheme, "value": str(value)}, {"organisation": organisation})
        self.link_sources(organisation, row.get("sources", []))
        return organisation

    def load_networks(self) -> None:
        for row in _read("networks.toml")["network"]:
            self._network(row)

    def _network(self, row: dict[str, Any]) -> None:
        text_fields = (
            "name_ja",
            "name_en",
            "short_name_ja",
            "short_name_en",
            "description_ja",
            "description_en",
            "founded_note",
            "website",
        )
        values: dict[str, Any] = {k: row.get(k, "") for k in text_fields}
        values.update(
            kind=row["kind"],
            founded_on=row.get("founded_on"),
            founded_precision=row.get("founded_precision", "day"),
        )
        network = self.upsert(Network, {"key": row["key"]}, values)
        self.link_sources(network, row.get("sources", []))
        for count in row.get("declared_count", []):
            self.upsert(
                DeclaredCount,
                {"network": network, "subject": count["subject"]},
                {
                    "label_ja": count["label_ja"],
                    "label_en": count.get("label_en", ""),
                    "value": count["value"],
                    "as_of": count.get("as_of"),
                    "sort_order": count.get("sort_order", 0),
                    "source": self.sources.get(count.get("source", "")),
                },
            )
        for membership in row.get("membership", []):
            for organisation in self._organisation_list(membership):
                self.upsert(
                    Membership,
                    {
                        "network": network,
                        "organisation": organisation,
                        "role": membership["role"],
                        "start_date": membership.get("start_date"),
                    },
                    {
                        "category_ja": membership.get("category_ja", ""),
                        "category_en": membership.get("category_en", ""),
                        "note_ja": membership.get("note_ja", ""),
                        "note_en": membership.get("note_en", ""),
                        "source": self.sources.get(membership.get("source", "")),
                    },
                )
        posts_by_label: dict[str, Post] = {}
        pending_reports: list[tuple[Body, str]] = []
        for order, body_row in enumerate(row.get("body", [])):
            body = self.upsert(
                Body,
                {"network": network, "key": body_row["key"]},
                {
                    "kind": body_row["kind"],
                    "name_ja": body_row["name_ja"],
                    "name_en": body_row.get("name_en", ""),
                    "purpose_ja": body_row.get("purpose_ja", ""),
                    "purpose_en": body_row.get("purpose_en", ""),
                    "hosted_by": self.organisations[body_row["hosted_by"]]
                    if body_row.get("hosted_by")
                    else None,
                    "is_provisional_name": body_row.get("is_provisional_name", False),
                    "source": self.sources.get(body_row.get("source", "")),
                    "sort_order": order,
                },
            )
            if body_row.get("reports_to_post"):
                pending_reports.append((body, body_row["reports_to_post"]))
            for post_order, post_row in enumerate(body_row.get("post", [])):
                post_values = {
                    key: post_row.get(key, "")
                    for key in (
                        "role",
                        "label_en",
                        "selection",
                        "duties_ja",
                        "duties_en",
                        "seats_note_ja",
                        "seats_note_en",
                    )
                }
                post_values.update(
                    seats=post_row.get("seats"),
                    sort_order=post_order,
                    source=self.sources.get(post_row.get("source", "")),
                )
                post = self.upsert(Post, {"body": body, "label_ja": post_row["label_ja"]}, post_values)
                posts_by_label[post.label_ja] = post
            for part_order, part in enumerate(body_row.get("participant", [])):
                for organisation in self._organisation_list(part):
                    self.upsert(
                        BodyParticipant,
                        {"body": body, "organisation": organisation},
                        {
                            "role": part["role"],
                            "responsibilities_ja": part.get("responsibilities_ja", ""),
                            "responsibilities_en": part.get("responsibilities_en", ""),
                            "sort_order": part_order,
                            "source": self.sources.get(body_row.get("source", "")),
                        },
                    )
        for body, label in pending_reports:
            self.upsert(Body, {"pk": body.pk}, {"reports_to_post": posts_by_label[label]})
        for document_row in row.get("document", []):
            document = self.upsert(
                Document,
                {"network": network, "title_ja": document_row["title_ja"]},
                {"kind": document_row["kind"], "title_en": document_row.get("title_en", "")},
            )
            for version in document_row.get("version", []):
                self.upsert(
                    DocumentVersion,
                    {"document": document, "number": version["number"]},
                    {
                        "adopted_on": version.get("adopted_on"),
                        "effective_from": version.get("effective_from"),
                        "text_ja": version.get("text_ja", "").strip(),
                        "text_en": version.get("text_en", "").strip(),
                        "change_summary": version.get("change_summary", ""),
                        "source": self.sources.get(version.get("source", "")),
                    },
                )

    def _organisation_list(self, row: dict[str, Any]) -> list[Organisation]:
        if parent_key := row.get("all_municipalities_of"):
            parent = self.organisations[parent_key]
            return [
                o
                for o in self.organisations.values()
                if o.parent_id == parent.pk and o.kind == Organisation.Kind.MUNICIPALITY
            ]
        keys = row.get("organisations") or [row["organisation"]]
        return [self.organisations[key] for key in keys]


def _depth(row: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> int:
    depth, parent = 0, row.get("parent")
    while parent:
        depth += 1
        parent = by_key[parent].get("parent")
    return depth


def _attname(model: type[models.Model], field: str) -> str:
    return "pk" if field == "pk" else model._meta.get_field(field).attname


def _plain_key(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _differs(current: Any, wanted: Any) -> bool:
    if isinstance(current, models.Model) or isinstance(wanted, models.Model):
        return getattr(current, "pk", None) != getattr(wanted, "pk", None)
    if isinstance(current, Decimal) and wanted is not None:
        return current != Decimal(str(wanted))
    return current != wanted


@service
def load_demo() -> LoadReport:
    """Load (or refresh) the demo registry. Runs in one transaction with its own audit context."""
    loader = _Loader()
    with audit_context(via=Via.COMMAND, label="loaddemo"), transaction.atomic():
        loader.load_sources()
        loader.load_organisations()
        loader.load_networks()
        taxonomy = taxonomy_load_starter()
        loader.report.created["Concept"] += taxonomy.created
        loader.report.updated["Concept"] += taxonomy.updated + int(taxonomy.scheme_written)
        loader.report.unchanged["Concept"] += taxonomy.unchanged
        samples = catalog_load_samples()
        for name, count in samples.created.items():
            loader.report.created[f"{name} (sample)"] += count
        for name, count in samples.updated.items():
            loader.report.updated[f"{name} (sample)"] += count
        for name, count in samples.unchanged.items():
            loader.report.unchanged[f"{name} (sample)"] += count
    return loader.report

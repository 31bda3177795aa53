"""Load the demo registry from the TOML seeds in `seed/`: idempotent, audited, all-or-nothing.

Every row is matched on its natural key and written through its model's save service, only when
something differs, so a second run writes nothing (and leaves no audit entries); a row a person
changed since is kept (`renkei.core.loading`).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from renkei.catalog.samples import catalog_load_samples
from renkei.core.audit import Via, audit_context
from renkei.core.loading import Loader, LoadReport
from renkei.core.models import Source
from renkei.demo.indicators import load_indicators
from renkei.demo.partnerships import load_partnerships
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
ORGANISATION_TEXT = (
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
NETWORK_TEXT = (
    "name_ja",
    "name_en",
    "short_name_ja",
    "short_name_en",
    "description_ja",
    "description_en",
    "founded_note",
    "website",
)
POST_TEXT = ("role", "label_en", "selection", "duties_ja", "duties_en", "seats_note_ja", "seats_note_en")


class _Loader:
    """The demo registry, step by step: sources, organisations, networks (see `Loader`)."""

    def __init__(self, seed_dir: Path = SEED_DIR) -> None:
        self.seed_dir = seed_dir
        self.loader = Loader()
        self.sources: dict[str, Source] = {}
        self.organisations: dict[str, Organisation] = {}

    @property
    def report(self) -> LoadReport:
        return self.loader.report

    def _read(self, name: str) -> dict[str, Any]:
        with (self.seed_dir / name).open("rb") as handle:
            return tomllib.load(handle)

    def _sources(self, codes: list[str]) -> list[Source]:
        return [self.sources[code] for code in codes]

    # --- sources and organisations ---------------------------------------------------------------
    def load_sources(self) -> None:
        for row in self._read("sources.toml")["source"]:
            values = {k: row.get(k, "") for k in ("title_ja", "title_en", "publisher", "url", "file_name")}
            values["published_on"] = row.get("published_on")
            self.sources[row["code"]] = self.loader.upsert(Source, {"code": row["code"]}, values)

    def load_organisations(self) -> None:
        rows = [row for name in ORGANISATION_FILES for row in self._read(name)["organisation"]]
        by_key = {row["key"]: row for row in rows}
        # parents before children, whatever the order in the files
        for row in sorted(rows, key=lambda r: _depth(r, by_key)):
            self.organisations[row["key"]] = self._organisation(row)
        for row in rows:
            group = self.organisations[row["key"]]
            for order, member_key in enumerate(row.get("components", [])):
                self.loader.upsert(
                    GroupComponent,
                    {"group": group, "member": self.organisations[member_key]},
                    {"sort_order": order},
                )

    def _organisation(self, row: dict[str, Any]) -> Organisation:
        values: dict[str, Any] = {k: row.get(k, "") for k in ORGANISATION_TEXT}
        values["kind"] = row["kind"]
        values["country"] = row.get("country", "")
        values["parent"] = self.organisations[row["parent"]] if row.get("parent") else None
        for axis in ("latitude", "longitude"):
            values[axis] = Decimal(str(row[axis])).quantize(Decimal("0.000001")) if axis in row else None
        organisation = self.loader.upsert(
            Organisation,
            {"key": row["key"]},
            values,
            relations={"sources": self._sources(row.get("sources", []))},
        )
        for scheme, value in row.get("identifiers", {}).items():
            self.loader.upsert(
                Identifier, {"scheme": scheme, "value": str(value)}, {"organisation": organisation}
            )
        return organisation

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

    # --- networks --------------------------------------------------------------------------------
    def load_networks(self) -> None:
        for row in self._read("networks.toml")["network"]:
            self._network(row)

    def _network(self, row: dict[str, Any]) -> None:
        """A network and what hangs from it: counts, memberships, bodies with their posts and
        participants, and documents with their versions."""
        network = self._network_row(row)
        for count in row.get("declared_count", []):
            self._declared_count(network, count)
        for membership in row.get("membership", []):
            self._memberships(network, membership)
        bodies: list[tuple[Body, dict[str, Any]]] = []
        posts: dict[str, Post] = {}
        for order, body_row in enumerate(row.get("body", [])):
            body = self._body(network, body_row, order)
            posts.update(self._posts(body, body_row))
            self._participants(body, body_row)
            bodies.append((body, body_row))
        # a body may report to a post of a body listed after it: set once every post exists
        for body, body_row in bodies:
            if label := body_row.get("reports_to_post"):
                self.loader.amend(body, {"reports_to_post": posts[label]})
        for document_row in row.get("document", []):
            self._document(network, document_row)

    def _network_row(self, row: dict[str, Any]) -> Network:
        values: dict[str, Any] = {k: row.get(k, "") for k in NETWORK_TEXT}
        values.update(
            kind=row["kind"],
            founded_on=row.get("founded_on"),
            founded_precision=row.get("founded_precision", "day"),
        )
        return self.loader.upsert(
            Network,
            {"key": row["key"]},
            values,
            relations={"sources": self._sources(row.get("sources", []))},
        )

    def _declared_count(self, network: Network, count: dict[str, Any]) -> None:
        self.loader.upsert(
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

    def _memberships(self, network: Network, membership: dict[str, Any]) -> None:
        """One membership per organisation the row names (or per municipality of a prefecture)."""
        values = {
            "category_ja": membership.get("category_ja", ""),
            "category_en": membership.get("category_en", ""),
            "note_ja": membership.get("note_ja", ""),
            "note_en": membership.get("note_en", ""),
            "source": self.sources.get(membership.get("source", "")),
        }
        for organisation in self._organisation_list(membership):
            lookup = {
                "network": network,
                "organisation": organisation,
                "role": membership["role"],
                "start_date": membership.get("start_date"),
            }
            self.loader.upsert(Membership, lookup, values)

    def _body(self, network: Network, row: dict[str, Any], order: int) -> Body:
        hosted_by = self.organisations[row["hosted_by"]] if row.get("hosted_by") else None
        return self.loader.upsert(
            Body,
            {"network": network, "key": row["key"]},
            {
                "kind": row["kind"],
                "name_ja": row["name_ja"],
                "name_en": row.get("name_en", ""),
                "purpose_ja": row.get("purpose_ja", ""),
                "purpose_en": row.get("purpose_en", ""),
                "hosted_by": hosted_by,
                "is_provisional_name": row.get("is_provisional_name", False),
                "source": self.sources.get(row.get("source", "")),
                "sort_order": order,
            },
        )

    def _posts(self, body: Body, body_row: dict[str, Any]) -> dict[str, Post]:
        """The body's posts, by their Japanese label."""
        posts = {}
        for order, row in enumerate(body_row.get("post", [])):
            values: dict[str, Any] = {key: row.get(key, "") for key in POST_TEXT}
            values.update(
                seats=row.get("seats"), sort_order=order, source=self.sources.get(row.get("source", ""))
            )
            post = self.loader.upsert(Post, {"body": body, "label_ja": row["label_ja"]}, values)
            posts[post.label_ja] = post
        return posts

    def _participants(self, body: Body, body_row: dict[str, Any]) -> None:
        source = self.sources.get(body_row.get("source", ""))
        for order, part in enumerate(body_row.get("participant", [])):
            values = {
                "role": part["role"],
                "responsibilities_ja": part.get("responsibilities_ja", ""),
                "responsibilities_en": part.get("responsibilities_en", ""),
                "sort_order": order,
                "source": source,
            }
            for organisation in self._organisation_list(part):
                self.loader.upsert(BodyParticipant, {"body": body, "organisation": organisation}, values)

    def _document(self, network: Network, row: dict[str, Any]) -> None:
        document = self.loader.upsert(
            Document,
            {"network": network, "title_ja": row["title_ja"]},
            {"kind": row["kind"], "title_en": row.get("title_en", "")},
        )
        for version in row.get("version", []):
            self.loader.upsert(
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


def _depth(row: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> int:
    depth, parent = 0, row.get("parent")
    while parent:
        depth += 1
        parent = by_key[parent].get("parent")
    return depth


def load_demo(*, samples: bool = True, seed_dir: Path = SEED_DIR) -> LoadReport:
    """Load (or refresh) the demo registry from the seeds in `seed_dir`, the starter taxonomy and
    (unless `samples` is False) the sample catalog, all or nothing, in an audit context of its own
    (via 'command', label 'loaddemo').

    Every row is written by its model's save service (see `renkei.core.loading`); rows a person
    changed are kept and counted as such. A seeded row that breaks a rule raises `SeedRejected`.
    """
    demo = _Loader(seed_dir)
    with audit_context(via=Via.COMMAND, label="loaddemo"), transaction.atomic():
        demo.load_sources()
        demo.load_organisations()
        demo.load_networks()
        load_partnerships(demo.loader, demo.sources, demo.organisations, demo.seed_dir)
        taxonomy = taxonomy_load_starter(keep_edited=True)
        demo.report.created["Concept"] += taxonomy.created
        demo.report.updated["Concept"] += taxonomy.updated + int(taxonomy.scheme_written)
        demo.report.unchanged["Concept"] += taxonomy.unchanged
        demo.report.kept["Concept"] += taxonomy.kept
        if samples:
            demo.report.add(catalog_load_samples(), suffix=" (sample)")
        load_indicators(demo.loader, seed_dir, demo.sources)
    return demo.report

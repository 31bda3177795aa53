"""Validate EWP documents against the official XSDs, offline.

The XSDs and an OASIS catalog live in a folder outside the repository (`../shared/data/ewp-schemas`,
see its README). The root XSD of a document is chosen from its root element's namespace through the
catalog's namespace entries; imports resolve either by their relative paths (the folder keeps the
registry bundle's layout) or, for the few that name a remote URL, through the catalog's URL entries.
Any other remote URL is refused and the parser runs with network access off, so validation never
touches the network. Django-free: callers pass the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


class SchemasMissing(RuntimeError):
    """The folder of official XSDs is not there (tests skip with this message)."""


class UnknownDocument(ValueError):
    """No XSD in the catalog for the document's root namespace."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class _Offline(etree.Resolver):
    """Map the catalog's remote schema URLs to the local copies; refuse every other remote URL."""

    def __init__(self, urls: dict[str, Path]) -> None:
        super().__init__()
        self.urls = urls

    def resolve(self, system_url: str, public_id: str | None, context: object) -> object:  # type: ignore[override]
        if system_url in self.urls:
            return self.resolve_filename(str(self.urls[system_url]), context)
        if system_url.startswith(("http://", "https://")):
            raise OSError(f"refusing to fetch {system_url}: EWP validation runs offline")
        return None


@dataclass(frozen=True)
class _Catalog:
    folder: Path
    by_namespace: dict[str, Path]
    by_url: dict[str, Path]


def _read_catalog(folder: Path) -> _Catalog:
    catalog_file = folder / "schemas" / "catalog.xml"
    if not catalog_file.is_file():
        raise SchemasMissing(
            f"EWP schemas not found: {catalog_file} is missing (expected the folder ../shared/data/ewp-schemas "
            "with schemas/catalog.xml; set RENKEI_SHARED_DATA to the folder holding ewp-schemas)"
        )
    root = etree.parse(str(catalog_file), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    base = catalog_file.parent
    by_namespace: dict[str, Path] = {}
    by_url: dict[str, Path] = {}
    for entry in root:
        if entry.tag == f"{CATALOG_NS}system":
            by_url[entry.get("systemId", "")] = base / entry.get("uri", "")
        elif entry.tag == f"{CATALOG_NS}uri":
            name, target = entry.get("name", ""), base / entry.get("uri", "")
            if name.startswith("https://raw.githubusercontent.com/") or (
                name.endswith(".xsd") and "w3.org" in name
            ):
                by_url[name] = target
            else:
                by_namespace.setdefault(name, target)
    return _Catalog(folder=folder, by_namespace=by_namespace, by_url=by_url)


class Validator:
    """One per schemas folder; schemas are compiled once and kept."""

    def __init__(self, folder: Path) -> None:
        self.catalog = _read_catalog(Path(folder))
        self._schemas: dict[str, etree.XMLSchema] = {}

    def schema_for(self, namespace: str) -> etree.XMLSchema:
        if namespace not in self._schemas:
            xsd = self.catalog.by_namespace.get(namespace)
            if xsd is None:
                raise UnknownDocument(f"no EWP schema in the catalog for the namespace {namespace!r}")
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            parser.resolvers.add(_Offline(self.catalog.by_url))
            self._schemas[namespace] = etree.XMLSchema(etree.parse(str(xsd), parser))
        return self._schemas[namespace]

    def problems(self, document: bytes | etree._Element) -> list[Problem]:
        """What the official XSD says is wrong with the document (empty when it is valid)."""
        if isinstance(document, bytes):
            try:
                tree = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
            except etree.XMLSyntaxError as error:
                return [Problem(error.lineno or 0, str(error))]
        else:
            tree = document
        schema = self.schema_for(etree.QName(tree).namespace or "")
        if schema.validate(tree):
            return []
        return [Problem(error.line, error.message) for error in schema.error_log]

    def check(self, document: bytes | etree._Element) -> None:
        problems = self.problems(document)
        if problems:
            raise InvalidDocument(problems)


class InvalidDocument(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@cache
def validator(folder: Path) -> Validator:
    return Validator(folder)

"""The IIA v7 `iia-hash`, computed as the specification defines it (our own implementation).

The IIA API v7 defines `iia-hash` as the SHA-256 (lower-case hex) of a `text-to-hash` string built
from each `iia` of a get response (the specification states it through an XSLT 2.0 transform and
describes it in its xsltKit README). The rules, as the specification states them:

- the partners' `iia-id`s first, numbered by the partner's position: `_iia-id_1=…__iia-id_2=…_`
  (so the hash changes when the mapping of the IIA changes);
- then every leaf element (no child elements) of each mobility specification, in document order,
  as `_<grandparent>.<parent>.<name>=<value>_`, the attributes of every element below the
  specification before it as `_@<grandparent>.<parent>.<name>.<attribute>=<value>@_`;
- left out: sending/receiving contacts, every element flagged `not-yet-defined="true"` (with its content;
  the attribute itself is never written), and the academic years, which instead close each mobility
  specification as `_receiving-first-academic-year-id=…__receiving-last-academic-year-id=…_`;
- an `isced-f-code` with a non-empty `v6-value` contributes that value instead of its own;
- `terminated-as-a-whole="true"` on `cooperation-conditions` puts `_@terminated-as-a-whole@_` first.

Renkei computes it directly on the lxml tree (see the ewp README for how it was verified: the
official example's stated hash, and the demo's agreements).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from lxml import etree

YEARS = ("receiving-first-academic-year-id", "receiving-last-academic-year-id")
LEFT_OUT = frozenset({"sending-contact", "receiving-contact", *YEARS})
NOT_YET_DEFINED = "not-yet-defined"
V6_VALUE = "v6-value"
TRUE = frozenset({"true", "1"})
TERMINATED = "_@terminated-as-a-whole@_"


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]  # elements, not comments


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(t for t in element.xpath("text()"))


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in _children(element) if _name(child) == name), None)


def _field(name: str, value: str) -> str:
    return f"_{name}={value}_"


def _true(element: etree._Element, attribute: str) -> bool:
    return element.get(attribute) in TRUE  # the literal forms only ("TRUE", " true" are not)


def _attributes(element: etree._Element, path: str) -> Iterator[str]:
    for key, value in element.attrib.items():  # document order
        name = etree.QName(key).localname
        if name not in (NOT_YET_DEFINED, V6_VALUE):
            yield f"_@{path}.{name}={value}@_"


def _leaves(element: etree._Element, path: tuple[str, ...]) -> Iterator[str]:
    for child in _children(element):
        name = _name(child)
        if name in LEFT_OUT or _true(child, NOT_YET_DEFINED):
            continue
        here = (*path, name)
        label = ".".join(here[-3:])
        yield from _attributes(child, label)
        if _children(child):
            yield from _leaves(child, here)
        else:
            v6 = child.get(V6_VALUE) if name == "isced-f-code" else None
            yield _field(label, v6 or _text(child))


def text_to_hash(iia: etree._Element) -> str:
    """The `text-to-hash` of one `iia` element of an IIA v7 get response."""
    conditions = _child(iia, "cooperation-conditions")
    parts = [TERMINATED] if conditions is not None and _true(conditions, "terminated-as-a-whole") else []
    parts += [
        _field(f"iia-id_{position}", _text(_child(partner, "iia-id")))
        for position, partner in enumerate((c for c in _children(iia) if _name(c) == "partner"), start=1)
    ]
    for spec in _children(conditions) if conditions is not None else []:
        if not _true(spec, NOT_YET_DEFINED):  # a specification not yet defined still gives its years
            parts.extend(_leaves(spec, ("cooperation-conditions", _name(spec))))
        parts.extend(_field(year, _text(_child(spec, year))) for year in YEARS)
    return "".join(parts)


def texts_to_hash(document: bytes | etree._Element) -> list[tuple[str, str]]:
    """(iia-id of the first partner, text-to-hash) for each `iia` of an IIA get response."""
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    result = []
    for iia in root.iter("{*}iia"):
        partner = _child(iia, "partner")
        result.append((_text(_child(partner, "iia-id")) if partner is not None else "", text_to_hash(iia)))
    return result


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashes(document: bytes | etree._Element) -> list[str]:
    """The `iia-hash` of each `iia` in the document, in document order."""
    return [digest(text) for _, text in texts_to_hash(document)]

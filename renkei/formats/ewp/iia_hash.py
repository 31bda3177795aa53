"""The IIA v7 `iia-hash`, computed as the specification defines it.

The IIA API v7 defines the hash as the SHA-256 (lower-case hex) of the `text-to-hash` string that its
XSLT 2.0 transform (`spec/transform_version_7.xsl`, from the specification's xsltKit; see
`spec/README.md`) produces for each `iia` of a get response. XSLT 2.0 needs a 2.0 processor: SaxonC-HE
(`saxonche`). One Saxon processor is created per process and kept (the library advises against
creating several).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from lxml import etree

TRANSFORM = Path(__file__).parent / "spec" / "transform_version_7.xsl"

_lock = threading.Lock()
_state: dict[str, Any] = {}


def _executable() -> Any:
    if "exe" not in _state:
        from saxonche import PySaxonProcessor  # imported here: starting Saxon costs ~100 ms

        processor = PySaxonProcessor(license=False)
        compiler = processor.new_xslt30_processor()
        _state["processor"] = processor
        _state["exe"] = compiler.compile_stylesheet(stylesheet_file=str(TRANSFORM))
    return _state["exe"]


def texts_to_hash(document: bytes | etree._Element) -> list[tuple[str, str]]:
    """(iia-id of the first partner, text-to-hash) for each `iia` of an IIA get response."""
    data = document if isinstance(document, bytes) else etree.tostring(document, encoding="UTF-8")
    with _lock:
        exe = _executable()
        node = _state["processor"].parse_xml(xml_text=data.decode("utf-8"))
        output = exe.transform_to_string(xdm_node=node)
    result = etree.fromstring(output.encode("utf-8"))
    return [(iia.findtext("iia-id") or "", iia.findtext("text-to-hash") or "") for iia in result.iter("iia")]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashes(document: bytes | etree._Element) -> list[str]:
    """The `iia-hash` of each `iia` in the document, in document order."""
    return [digest(text) for _, text in texts_to_hash(document)]

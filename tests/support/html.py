"""Reading what a page shows, for the functional tests: the text of chosen elements and of table rows.

Text is whitespace-normalised (runs of blanks and line breaks become one space), as a reader sees it. Only the standard
library's HTML parser is used; elements are chosen by tag and, optionally, by one of their classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def _normalised(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


@dataclass
class _Open:
    """An element whose text is being collected: its place in the results and its nesting depth."""

    tag: str
    index: int
    depth: int = 1
    pieces: list[str] = field(default_factory=list)


class _Texts(HTMLParser):
    def __init__(self, tag: str, class_: str | None) -> None:
        super().__init__()
        self.tag, self.class_ = tag, class_
        self.open: list[_Open] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if tag == "br":  # a line break separates words as a blank does
                self.handle_data(" ")
            return
        for element in self.open:
            if element.tag == tag:
                element.depth += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag == self.tag and (self.class_ is None or self.class_ in classes):
            self.open.append(_Open(tag, index=len(self.found)))
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        for element in list(self.open):
            if element.tag == tag:
                element.depth -= 1
                if element.depth == 0:
                    self.found[element.index] = _normalised(element.pieces)
                    self.open.remove(element)

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.pieces.append(data)


def texts(html: str, tag: str, class_: str | None = None) -> list[str]:
    """The text of each ``<tag>`` element (with ``class_`` among its classes, if given), in page order."""
    parser = _Texts(tag, class_)
    parser.feed(html)
    parser.close()
    return parser.found


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td" and self.rows:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(_normalised(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def rows(html: str) -> list[list[str]]:
    """The cell texts of each body row, of every table of the page in order."""
    parser = _Rows()
    parser.feed(html)
    parser.close()
    return parser.rows

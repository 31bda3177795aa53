"""Problems found in an import file, each carrying its message in Japanese and in English.

Problems are data, not UI strings: a preview computed in one language may be shown in the other,
and every problem must be reportable in both, so each one carries both texts (as
`renkei.core.jdates.JapaneseDateError` does) rather than going through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from renkei.core.messages import Msg, language

_lang = language


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: a data row (numbered as a spreadsheet shows it) and a column header."""

    message: Msg
    row: int | None = None
    column: str | None = None
    code: str = ""

    def where(self, lang: str | None = None) -> str:
        if _lang(lang) == "en":
            parts = [
                f"row {self.row}" if self.row is not None else "",
                f"column “{self.column}”" if self.column else "",
            ]
            return ", ".join(p for p in parts if p).capitalize() or "File"
        parts = [
            f"{self.row}行目" if self.row is not None else "",
            f"「{self.column}」列" if self.column else "",
        ]
        return "".join(parts) or "ファイル"

    def text(self, lang: str | None = None) -> str:
        return f"{self.where(lang)}: {self.message.text(lang)}"

    def __str__(self) -> str:
        return self.text()

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "ja": self.text("ja"),
            "en": self.text("en"),
        }


class CellError(ValueError):
    """A cell could not be read: raised by the cell parsers, placed on a row and column by the engine."""

    def __init__(self, ja: str, en: str, *, code: str = "invalid") -> None:
        super().__init__(en)
        self.message = Msg(ja, en)
        self.code = code


@dataclass
class Problems:
    """All problems of one import, kept up to `keep` (the count goes on)."""

    keep: int = 1000
    items: list[Problem] = field(default_factory=list)
    count: int = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.items) < self.keep:
            self.items.append(problem)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self.items)

    def summary(self, lang: str | None = None) -> str:
        hidden = self.count - len(self.items)
        if _lang(lang) == "en":
            text = f"The file was refused: {self.count} problem(s) found; nothing was written."
            return text + (f" The first {len(self.items)} are listed." if hidden else "")
        text = f"ファイルを受け付けませんでした。問題が{self.count}件あります。何も書き込んでいません。"
        return text + (f"最初の{len(self.items)}件を表示します。" if hidden else "")


class ImportRejected(Exception):
    """The input was refused; nothing was written. Carries every problem found."""

    def __init__(self, problems: Problems | list[Problem]) -> None:
        if not isinstance(problems, Problems):
            collected = Problems()
            for problem in problems:
                collected.add(problem)
            problems = collected
        self.problems = problems
        super().__init__(problems.summary("en"))

    def lines(self, lang: str | None = None) -> list[str]:
        return [problem.text(lang) for problem in self.problems]


def file_problem(ja: str, en: str, *, code: str, column: str | None = None) -> ImportRejected:
    """A refusal about the whole file (or a whole column), ready to raise."""
    return ImportRejected([Problem(Msg(ja, en), column=column, code=code)])

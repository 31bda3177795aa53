"""Messages that are data: each carries its Japanese and its English text, and shows the active one.

For texts chosen at run time from a catalogue of problems (bad query parameters, API problem
details), where gettext's one-string-per-call does not fit: a problem made in one request may be
shown in either language. `renkei.importing.problems.Msg` is the same idea for import files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language


def active_language(lang: str | None = None) -> str:
    """ "en" or "ja": the given language, else the active one; Japanese first."""
    return "en" if (lang or get_language() or "ja")[:2] == "en" else "ja"


@dataclass(frozen=True, slots=True)
class Msg:
    """One message in both languages; `format()` fills the same placeholders in both."""

    ja: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return self.en if active_language(lang) == "en" else self.ja

    def format(self, **values: Any) -> Msg:
        return Msg(self.ja.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return self.text()

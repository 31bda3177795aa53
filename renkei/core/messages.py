"""Messages that are data: one text in Japanese and one in English, chosen when shown.

Rule violations, import problems, bad query parameters and API problem details are computed in one
language and may be shown in the other (a preview prepared in Japanese, read in English), so each
carries both texts rather than going through gettext at the moment it is made. The module imports no
Django (the pure import contract checks it): the active language comes from a source that
`CoreConfig.ready()` sets to Django's `get_language`; until then, Japanese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _no_language() -> str | None:
    return None


_active_language: Callable[[], str | None] = _no_language


def follow_active_language(source: Callable[[], str | None]) -> None:
    """Texts asked for without a language take it from `source` (Django's `get_language`)."""
    global _active_language
    _active_language = source


def language(lang: str | None = None) -> str:
    """'en' or 'ja': the given language, else the active one; Japanese unless English is asked for."""
    return "en" if (lang or _active_language() or "ja")[:2] == "en" else "ja"


active_language = language


@dataclass(frozen=True, slots=True)
class Msg:
    """One message in both languages; `format()` fills the same placeholders in both."""

    ja: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return self.en if language(lang) == "en" else self.ja

    def format(self, **values: Any) -> Msg:
        return Msg(self.ja.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return self.text()

"""Messages that are data: one text in Japanese and one in English, chosen when shown.

Rule violations, import problems and API problem details are computed in one language and may be
shown in the other (a preview prepared in Japanese, read in English), so each carries both texts
rather than going through gettext at the moment it is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


def language(lang: str | None = None) -> str:
    """'en' or 'ja': the given language, else the active one; Japanese unless English is asked for."""
    return "en" if (lang or get_language() or "ja")[:2] == "en" else "ja"


@dataclass(frozen=True, slots=True)
class Msg:
    """One message in both languages."""

    ja: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return self.en if language(lang) == "en" else self.ja

    def __str__(self) -> str:
        return self.text()

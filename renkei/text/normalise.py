"""Surface normalisation shared by indexing, querying and matching."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["contains_normalised", "normalise"]

# Dash-like characters typed instead of the long-vowel mark after katakana (サーバ－, デ−タ). Full-width
# '－' would become '-' under NFKC, so it is first mapped to '−', which NFKC keeps. A dash followed by
# another dash is prose punctuation (――) and is left alone; remaining '−' become '-'.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501"
_LONG_VOWEL = re.compile(rf"(?<=[\u30a1-\u30fa\u30fc])[{_DASHES}](?![{_DASHES}\-])")
# Invisible format characters that would otherwise split words: ZWSP, ZWNJ, ZWJ, WJ, BOM, soft hyphen.
_BEFORE = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad")), 0xFF0D: 0x2212}
_AFTER = {0x2212: ord("-"), **{c: c + 32 for c in range(ord("A"), ord("Z") + 1)}}


def normalise(text: str) -> str:
    """NFKC, ASCII lower-case, long-vowel marks after katakana, whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_BEFORE))
    text = _LONG_VOWEL.sub("ー", text).translate(_AFTER)
    return " ".join(text.split())


def contains_normalised(haystack: str, needle: str) -> bool:
    """The search oracle: is normalise(needle) a substring of normalise(haystack) (a LIKE '%x%')."""
    return normalise(needle) in normalise(haystack)

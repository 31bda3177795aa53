"""The word limit of a free-text parameter, as documented (a JSON Schema pattern) and as checked: the
pattern counts words exactly as str.split() does, and spells out what a space is so that another
regex engine (a client's, schemathesis's) reads it the same way."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from renkei.core.params import _word_pattern

SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
PATTERN = re.compile(_word_pattern(3))


@given(st.lists(st.sampled_from([*SPACES, "a", "é", "漢", "\x00", "\x1b"]), max_size=14).map("".join))
def test_the_pattern_counts_words_as_split_does(text: str) -> None:
    assert bool(PATTERN.fullmatch(text)) == ("\x00" not in text and len(text.split()) <= 3)


def test_the_pattern_names_every_space_and_uses_no_engine_specific_class() -> None:
    assert "\\s" not in PATTERN.pattern
    assert PATTERN.fullmatch("a\x1cb\x1dc")
    assert not PATTERN.fullmatch("a\x1cb\x1dc\x1ed")

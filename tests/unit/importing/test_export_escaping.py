"""The export's escaping of formula-like cells, alone (the exports themselves: integration/importing)."""

from __future__ import annotations

import pytest
from support.import_files import INJECTIONS

from renkei.importing.exporting import escape_formula


@pytest.mark.parametrize("text", [*INJECTIONS.values(), "\r=1+1"])
def test_formula_starts_are_escaped(text: str) -> None:
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["東北大学", "-12.5", "+81", "12", "", "a=b", "'already"])
def test_other_text_and_plain_numbers_are_left_alone(text: str) -> None:
    assert escape_formula(text) == text

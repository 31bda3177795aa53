"""Web imports here run inline and keep their uploads in the test's own directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _import_settings(import_settings: None) -> None:
    """Turns on ``import_settings`` (tests/support/imports.py) for every test in this folder."""

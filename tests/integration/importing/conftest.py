"""Every import test here runs web imports inline and keeps its uploads in its own directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _import_settings(import_settings: None) -> None:
    """Turns on ``import_settings`` (tests/support/imports.py) for every test in this folder."""

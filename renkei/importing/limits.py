"""Limits on what an import accepts; defaults overridable through `settings.RENKEI_IMPORT_LIMITS`."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 256 * 1024 * 1024
    # from the web page (a worker holds the whole plan: about 4-8 times the file; see ADR 0006); the
    # `renkei import` command takes files up to max_file_bytes
    max_upload_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 200
    max_cell_chars: int = 20_000
    xlsx_max_uncompressed_bytes: int = 50 * 1024 * 1024
    xlsx_max_entries: int = 200
    xlsx_max_ratio: int = 1100  # above deflate's ~1032:1 maximum: a forged header
    xlsx_max_formula_problems: int = 10_000  # formula cells without a usable result, each reported

    @classmethod
    def from_settings(cls, **overrides: Any) -> Limits:
        configured = dict(getattr(settings, "RENKEI_IMPORT_LIMITS", {}) or {})
        known = {f.name for f in fields(cls)}
        unknown = set(configured) - known
        if unknown:
            raise ValueError(f"Unknown RENKEI_IMPORT_LIMITS keys: {', '.join(sorted(unknown))}")
        return replace(cls(**configured), **{k: v for k, v in overrides.items() if v is not None})

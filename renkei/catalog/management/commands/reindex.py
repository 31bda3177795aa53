"""`renkei reindex`: rebuild the program search index (facet rows and full-text terms)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from renkei.catalog import search


class Command(BaseCommand):
    help = "Rebuild the program search index from the programs (all of them, or the given ids)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="program ids (default: every program)")
        parser.add_argument("--check", action="store_true", help="only report programs and index row counts")

    def handle(self, *args: Any, ids: list[int], check: bool, **options: Any) -> None:
        if not check:
            started = time.monotonic()
            count = search.program_index_rebuild(programs=ids or None)
            self.stdout.write(f"indexed {count} programs in {time.monotonic() - started:.1f} s")
        counts = search.program_index_check()
        self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
        if not ids and counts["index_rows"] != counts["programs"]:
            self.stderr.write("index is out of date: run `renkei reindex`")
            raise SystemExit(1)

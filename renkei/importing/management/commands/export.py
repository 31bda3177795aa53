"""`renkei export <importer> [--format csv|xlsx] [--codes] [--lang ja|en] -o FILE`: everything stored, in
the importer's columns — with Japanese labels by default, or the column and value codes with --codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renkei.importing import get_importer, importers
from renkei.importing.exporting import BinaryOut, export


class Command(BaseCommand):
    help = "Export rows as CSV (UTF-8 with BOM) or Excel (.xlsx), in the columns the importer reads back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("importer", help="What to export, e.g. organisations or programs.")
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], help="Default: from the file name, else csv."
        )
        parser.add_argument(
            "-o", "--output", default="-", help="The file to write ('-' for standard output)."
        )
        parser.add_argument(
            "--codes",
            action="store_true",
            help="Column codes in the header and stored codes as values (default: labels people read).",
        )
        parser.add_argument(
            "--lang", choices=["ja", "en"], default="ja", help="Language of the labels (default: ja)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        available = importers()
        if options["importer"] not in available:
            raise CommandError(f"Unknown export: {options['importer']} (available: {', '.join(available)})")
        spec = get_importer(options["importer"])
        output = options["output"]
        fmt = options["format"] or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
        queryset = spec.model._default_manager.all()
        if output == "-":
            if fmt == "xlsx" and sys.stdout.isatty():
                raise CommandError("Refusing to write a binary .xlsx to a terminal; use -o FILE.")
            # the stream the command's OutputWrapper wraps (django-stubs types its attributes as callables)
            stream: object = getattr(self.stdout, "_out", sys.stdout)
            binary: object = getattr(stream, "buffer", stream)
            if not isinstance(binary, BinaryOut):
                raise RuntimeError(f"Standard output ({type(binary).__name__}) has no write method.")
            export(spec, queryset, binary, fmt=fmt, codes=options["codes"], lang=options["lang"])
            return
        path = Path(output)
        with path.open("wb") as handle:
            export(spec, queryset, handle, fmt=fmt, codes=options["codes"], lang=options["lang"])
        self.stderr.write(f"{queryset.count():,} → {path} ({fmt})")

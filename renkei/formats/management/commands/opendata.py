"""`renkei opendata`: build the open-data bundle now (the same work the background job does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from renkei.formats import bundle


class Command(BaseCommand):
    help = "Build the open-data bundle (ZIP of CSVs, README, manifest) under the data directory."

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = bundle.build()
        rows = sum(entry["rows"] for entry in manifest["files"])
        self.stdout.write(
            f"{bundle.bundle_path()}: {len(manifest['files'])} files, {rows} rows, at {manifest['generated_at']}"
        )

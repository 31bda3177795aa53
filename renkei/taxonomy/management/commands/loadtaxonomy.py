"""``renkei loadtaxonomy starter | jobtag PATH | esco PATH``: load or refresh a taxonomy (idempotent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from renkei.core.audit import Via, audit_context
from renkei.taxonomy.records import ImportReport, TaxonomyFileError
from renkei.taxonomy.services import taxonomy_import_esco, taxonomy_import_jobtag, taxonomy_load_starter


class Command(BaseCommand):
    help = (
        "Load a taxonomy: 'starter' (Renkei's own, shipped with it); 'jobtag PATH' (the job tag IPD numeric "
        "download file, .xlsx or cp932 .csv, or the folder holding it); 'esco PATH' (ESCO skills CSV: a "
        "folder with Tabiya's skills.csv or the ESCO portal's skills_en.csv and their group and hierarchy "
        "files). A second run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=["starter", "jobtag", "esco"])
        parser.add_argument("path", nargs="?", type=Path, help="file or folder (jobtag and esco)")
        parser.add_argument(
            "--downloaded",
            type=dt.date.fromisoformat,
            help="jobtag: the date the file was downloaded, YYYY-MM-DD, for the credit line "
            "(default: the file's modification date)",
        )
        parser.add_argument(
            "--esco-version",
            default="",
            help="esco: the ESCO release of the files, e.g. 1.2.0 (for the credit line)",
        )

    def handle(self, *args: Any, source: str, path: Path | None, **options: Any) -> None:
        load: Callable[[], ImportReport]
        if source == "starter":
            load = taxonomy_load_starter
        elif path is None:
            raise CommandError(
                _("Give the path of the downloaded %(source)s file or folder.") % {"source": source}
            )
        elif source == "jobtag":
            load = partial(taxonomy_import_jobtag, path=path, downloaded_on=options["downloaded"])
        else:
            load = partial(taxonomy_import_esco, path=path, version=options["esco_version"])
        try:
            with audit_context(via=Via.COMMAND, label="loadtaxonomy"):
                report = load()
        except TaxonomyFileError as error:
            raise CommandError(str(error)) from error
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.writes:
            self.stdout.write(
                self.style.SUCCESS(_("Taxonomy loaded: %(n)d rows written.") % {"n": report.writes})
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Taxonomy already up to date: nothing written.")))

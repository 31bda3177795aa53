"""`renkei import <importer>|auto FILE [--dry-run] [--encoding cp932] [--lang ja|en]`.

`auto` recognises what the file contains from its header, as the import page does by default. An importer
made from options (`spec.register_factory`, e.g. survey_responses) takes them as `--option name=value`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from renkei.core.audit import Via
from renkei.importing import (
    CREATE,
    UPDATE,
    ImportRejected,
    Limits,
    Plan,
    apply_plan,
    importers,
    plan_import,
    plan_table,
)
from renkei.importing.exporting import render
from renkei.importing.jobs import AUTO
from renkei.importing.planning import recognise
from renkei.importing.progress import ProgressBar, TextOut
from renkei.importing.readers import open_table
from renkei.importing.spec import ImportSpec, factories, importer_for

TEXTS = {
    CREATE: ("作成", "create"),
    UPDATE: ("更新", "update"),
    "row": ("{}行目", "row {}"),
    "summary": ("作成 {created:,}件、更新 {updated:,}件、変更なし {unchanged:,}件", "{created:,} to create, "
                "{updated:,} to update, {unchanged:,} unchanged"),
    "dry": ("ドライラン: 何も書き込んでいません。", "Dry run: nothing was written."),
    "done": ("書き込みました（1つのトランザクション）。", "Written (in one transaction)."),
    "nothing": ("変更はありません。", "Nothing to change."),
    "missing": ("ファイルが見つかりません: {}", "File not found: {}"),
    "unknown": ("不明なインポートの種類です: {}（使えるもの: {}）", "Unknown import: {} (available: {})"),
    "file": ("ファイル: {} （{}、{}）", "File: {} ({}, {})"),
    "recognised": ("ファイルの内容: {}（{}、見出しから判定）", "The file contains: {} ({}, recognised from its header)"),
    "unrecognised": ("見出しからファイルの種類を判定できませんでした。種類を指定してください（使えるもの: {}）",
                     "The kind of file could not be recognised from its header. Name it instead (available: {})"),
}  # fmt: skip


def command_language(requested: str | None) -> str:
    """--lang, else the LANGUAGE / LC_ALL / LC_MESSAGES / LANG environment, else the site default."""
    if requested:
        return requested
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        for part in value.split(":"):
            prefix = part[:2].lower()
            if prefix in {"ja", "en"}:
                return prefix
    return settings.LANGUAGE_CODE[:2]


def t(name: str, *args: Any, **kwargs: Any) -> str:
    ja, en = TEXTS[name]
    text = en if (translation.get_language() or "ja")[:2] == "en" else ja
    return text.format(*args, **kwargs)


def describe(plan: Plan, *, limit: int | None = None) -> list[str]:
    """One line per row that would change, with its field differences."""
    lines = []
    for change in plan.writes[:limit]:
        key = "/".join(str(k) for k in change.key)
        if change.action == CREATE:
            fields = ", ".join(
                f"{plan.header(n)}={render(v)!r}" for n, v in change.after.items() if v not in ("", None, [])
            )
            lines.append(f"+ {t('row', change.row)} {t(CREATE)} {key}: {fields}")
        else:
            fields = "; ".join(
                f"{plan.header(n)}: {render(change.before.get(n))!r} → {render(v)!r}"
                for n, v in change.after.items()
            )
            lines.append(f"~ {t('row', change.row)} {t(UPDATE)} {key}: {fields}")
    return lines


class Command(BaseCommand):
    help = (
        "Import a CSV or Excel (.xlsx) file: check it, show what would change, then write it all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "importer",
            help=f"What to import, e.g. organisations or programs; {AUTO} to recognise it from the file's header.",
        )
        parser.add_argument("file", help="A .csv or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument("--encoding", help="The CSV's encoding if it is not UTF-8 or Shift_JIS (CP932).")
        parser.add_argument(
            "--lang", choices=["ja", "en"], help="Language of the messages (default: LANGUAGE)."
        )
        parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                            help="An option of an importer made per use, e.g. survey=12 for survey_responses.")  # fmt: skip
        parser.add_argument("--max-rows", type=int, help="Refuse files with more data rows than this.")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="Show a progress bar (default: when stderr is a terminal).")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language(options["lang"])):
            self.run(options)

    def run(self, options: dict[str, Any]) -> None:
        available = {**importers(), **factories()}
        if options["importer"] not in (*available, AUTO):
            raise CommandError(t("unknown", options["importer"], ", ".join([*available, AUTO])))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(t("missing", path))
        # the raw stream the OutputWrapper wraps (django-stubs types its attributes as callables): the bar
        # writes \r, which the wrapper would end with a line break
        stream: object = self.stderr._out
        if not isinstance(stream, TextOut):
            raise RuntimeError(f"Standard error ({type(stream).__name__}) cannot show a progress bar.")
        bar = ProgressBar(stream, enabled=options["progress"])
        limits = Limits.from_settings(max_rows=options["max_rows"])
        try:
            if options["importer"] == AUTO:
                table = open_table(
                    path.read_bytes(), filename=path.name, encoding=options["encoding"], limits=limits
                )
                spec: ImportSpec | None = recognise(table.header)
                if spec is None:
                    raise CommandError(t("unrecognised", ", ".join(available)))
                self.stdout.write(t("recognised", _label(spec), spec.name))
                plan = plan_table(spec, table, filename=path.name, limits=limits, progress=bar)
            else:
                made = dict(item.split("=", 1) for item in options["option"] if "=" in item)
                spec = importer_for(options["importer"], {**made, "filename": path.name}, None)
                plan = plan_import(
                    spec, path.read_bytes(), filename=path.name, encoding=options["encoding"], limits=limits,
                    progress=bar,
                )  # fmt: skip
            bar.close()
            self.stdout.write(t("file", path.name, plan.format, plan.encoding or "xlsx"))
            verbose = options["dry_run"] or options["verbosity"] >= 2
            for line in describe(plan) if verbose else []:
                self.stdout.write(line)
            self.stdout.write(t("summary", **_counts(plan)))
            if options["dry_run"]:
                self.stdout.write(t("dry"))
                return
            if not plan.writes:
                self.stdout.write(t("nothing"))
                return
            apply_plan(plan, via=Via.COMMAND, progress=bar, label=f"renkei import {spec.name} {path.name}")
            bar.close()
            self.stdout.write(self.style.SUCCESS(t("done")))
            english = (translation.get_language() or "ja")[:2] == "en"
            for item in spec.started():  # e.g. the matching of the needs the import made
                self.stdout.write(item["en" if english else "ja"])
        except ImportRejected as exc:
            bar.close()
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(exc.problems.summary()) from None


def _label(spec: ImportSpec) -> str:
    english = (translation.get_language() or "ja")[:2] == "en"
    return (spec.label_en if english else spec.label_ja) or spec.name


def _counts(plan: Plan) -> dict[str, int]:
    counts = plan.counts
    return {"created": counts[CREATE], "updated": counts[UPDATE], "unchanged": counts["unchanged"]}

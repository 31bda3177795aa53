"""`renkei ewp_export --out DIR`: write every public EWP document, each validated against the XSDs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renkei.formats.ewp import build
from renkei.formats.ewp.export import documents, schema_validator
from renkei.formats.ewp.validate import SchemasMissing


class Command(BaseCommand):
    help = (
        "Write the EWP XML documents (institutions v2, organisational units v2, factsheets v1, IIAs v7, "
        "IIA approvals v2) of every published Japanese HEI to DIR, each validated offline against the "
        "official XSDs in ../shared/data/ewp-schemas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="folder to write into (created)")
        parser.add_argument(
            "--no-validate", action="store_true", help="write without validating (when the XSDs are absent)"
        )
        parser.add_argument(
            "--all-agreements",
            action="store_true",
            help="also the IIAs of signed agreements that are not public (to check them; not for publishing)",
        )

    def handle(self, *args: Any, out: Path, no_validate: bool, all_agreements: bool, **options: Any) -> None:
        checker = None
        if not no_validate:
            try:
                checker = schema_validator()
            except SchemasMissing as error:
                raise CommandError(f"{error}; or pass --no-validate") from error
        written, invalid = 0, 0
        for name, root in documents(all_agreements=all_agreements):
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(build.to_bytes(root))
            written += 1
            for problem in checker.problems(root) if checker else []:
                invalid += 1
                self.stderr.write(f"{name}: {problem}")
        state = "not validated" if checker is None else f"{written - invalid} valid against the XSDs"
        self.stdout.write(f"wrote {written} EWP documents to {out} ({state})")
        if invalid:
            raise CommandError(f"{invalid} problems: the documents above do not validate")

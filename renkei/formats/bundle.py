"""The open-data bundle: one CSV per public table (UTF-8 with BOM), a README of columns and licence, and a
JSON manifest (files, rows, columns, sha256, generated_at, licence), in one ZIP under the data directory.

Each domain adds its public tables with `register(Table(...))` (see `renkei.formats.tables`). Every table
is read as an anonymous visitor through the policy (`policy.visible`): what a visitor cannot see on the
portal is not in the bundle.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone

from renkei.core import policy
from renkei.core.messages import Msg

BUNDLE_NAME = "renkei-open-data.zip"
MANIFEST_NAME = "manifest.json"
README_NAME = "README.md"
BOM = "\ufeff"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
ATTRIBUTION = Msg(
    "出典：Renkei（各行の source 列の出典資料）。サンプルデータは is_sample 列で示し、実在の情報ではありません。",
    "Source: Renkei (and the source document named in each row's source column). Rows with is_sample = true "
    "are sample data made up for the demo, not real offerings.",
)

Value = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, how a row gives its value (a dotted attribute path or a function), and
    what it means in both languages (for the README)."""

    name: str
    about: Msg
    value: str | Value | None = None  # None: the attribute of the same name

    def read(self, row: Any) -> Any:
        getter = self.value if self.value is not None else self.name
        if callable(getter):
            return getter(row)
        value: Any = row
        for part in getter.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value


@dataclass(frozen=True)
class Table:
    """One public table of the bundle. `rows` returns the base queryset (select_related as needed); the
    bundle narrows it to what an anonymous visitor may see."""

    name: str  # file name without .csv
    model: type[models.Model]
    about: Msg
    columns: tuple[Column, ...]
    rows: Callable[[], models.QuerySet] | None = None
    order: tuple[str, ...] = ("pk",)
    extra: dict[str, Any] = field(default_factory=dict)

    def queryset(self, user: Any = None) -> models.QuerySet:
        base = self.rows() if self.rows is not None else self.model._default_manager.all()
        return policy.visible(user or AnonymousUser(), base).order_by(*self.order)


TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add a public table to the bundle (once per name)."""
    if table.name in TABLES:
        raise ValueError(f"open-data table {table.name!r} is registered twice")
    TABLES[table.name] = table
    return table


def cell(value: Any) -> str:
    """A CSV cell: dates in ISO 8601, booleans as true/false, lists joined with ';', None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set):
        return ";".join(cell(v) for v in value)
    return str(value)


def table_rows(table: Table, user: Any = None) -> Iterator[list[str]]:
    for row in table.queryset(user).iterator(chunk_size=2000):
        yield [cell(column.read(row)) for column in table.columns]


def csv_bytes(table: Table, user: Any = None) -> tuple[bytes, int]:
    """The table as CSV (UTF-8 with BOM, CRLF line ends as RFC 4180 says) and its number of rows."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    count = 0
    for values in table_rows(table, user):
        writer.writerow(values)
        count += 1
    return out.getvalue().encode("utf-8"), count


def readme(manifest: dict[str, Any]) -> str:
    lines = [
        "# Renkei open data / Renkei オープンデータ",
        "",
        f"Generated at / 作成日時: {manifest['generated_at']}",
        "",
        f"Licence / ライセンス: {LICENCE['name']} ({LICENCE['id']}), {LICENCE['url']}",
        "",
        ATTRIBUTION.ja,
        "",
        ATTRIBUTION.en,
        "",
        "Every file is CSV in UTF-8 with a byte-order mark (opens in Excel as is), comma-separated, CRLF line "
        "ends, one header row. Dates are ISO 8601 (YYYY-MM-DD); booleans are true/false; several values in "
        "one cell are separated by ';'. Only records that an anonymous visitor of the portal may see are "
        "included. manifest.json lists each file with its rows, columns and SHA-256.",
        "",
        "各ファイルは BOM 付き UTF-8 の CSV（カンマ区切り、CRLF 改行、見出し 1 行）です。日付は ISO 8601、真偽値は "
        "true/false、1 つのセルの複数の値は「;」で区切ります。ポータルを匿名で閲覧して見える記録だけを含みます。",
        "",
    ]
    for entry in manifest["files"]:
        table = TABLES[entry["name"]]
        lines += [
            f"## {entry['file']} ({entry['rows']} rows / 行)",
            "",
            table.about.ja,
            "",
            table.about.en,
            "",
        ]
        lines += ["| column | 説明 | description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.about.ja} | {c.about.en} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)


def bundle_dir() -> Path:
    return Path(settings.DATA_DIR) / "opendata"


def bundle_path() -> Path:
    return bundle_dir() / BUNDLE_NAME


def manifest_path() -> Path:
    return bundle_dir() / MANIFEST_NAME


def build(
    *,
    tables: Iterable[Table] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    user: Any = None,
) -> dict[str, Any]:
    """Write the bundle (and its manifest beside it) atomically; returns the manifest."""
    chosen = list(tables if tables is not None else TABLES.values())
    now = timezone.now().replace(microsecond=0)
    generated_at = now.isoformat()
    files: dict[str, bytes] = {}
    entries = []
    for done, table in enumerate(chosen):
        if progress:
            progress(table.name, done, len(chosen))
        data, count = csv_bytes(table, user)
        name = f"{table.name}.csv"
        files[name] = data
        entries.append(
            {
                "name": table.name,
                "file": name,
                "rows": count,
                "columns": [c.name for c in table.columns],
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest: dict[str, Any] = {
        "title": "Renkei open data",
        "generated_at": generated_at,
        "licence": LICENCE,
        "attribution": {"ja": ATTRIBUTION.ja, "en": ATTRIBUTION.en},
        "encoding": "UTF-8 with BOM",
        "files": entries,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    folder = bundle_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, suffix=".zip.tmp")
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_entry(README_NAME, now), readme(manifest))
            archive.writestr(_entry(MANIFEST_NAME, now), manifest_bytes)
            for name, data in files.items():
                archive.writestr(_entry(name, now), data)
        os.replace(tmp, bundle_path())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _write_atomically(manifest_path(), manifest_bytes)
    if progress:
        progress("done", len(chosen), len(chosen))
    return manifest


def _entry(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    """A member of the ZIP readable by everyone once unpacked (zipfile's default is the owner only, 0600),
    dated when the bundle was made (in UTC: a ZIP stores no time zone)."""
    info = zipfile.ZipInfo(name, date_time=when.astimezone(dt.UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def current_manifest() -> dict[str, Any] | None:
    """The manifest of the bundle on disk, or None when none has been made yet."""
    try:
        return json.loads(manifest_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None

"""Helpers for the background-job tests: files made in memory, and the test database shared with a
worker process."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sqlite3
from pathlib import Path


def units_csv(parent: str, count: int) -> bytes:
    """`count` new units under `parent`, as the organisations importer reads them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["key", "kind", "name_ja", "name_en", "parent"])
    for n in range(count):
        writer.writerow([f"{parent}.u{n:05d}", "centre", f"テストセンター{n}", f"Test centre {n}", parent])
    return buffer.getvalue().encode()


class SharedDatabase:
    """The test database, reachable from a worker process.

    PostgreSQL: the process connects to the test database itself. SQLite: the test database lives in
    this process's memory, so `push()` copies it into a file (sqlite3's online backup) that the process
    opens as its database, and `pull()` copies the file back; between the two, only the worker writes.
    """

    def __init__(self, data_dir: Path) -> None:
        from django.db import connection

        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.env = {**os.environ, "RENKEI_DATA_DIR": str(data_dir), "RENKEI_LOG_LEVEL": "ERROR"}
        self.env.pop("RENKEI_TEST_SQLITE", None)
        if self.sqlite:
            self.file = data_dir / "renkei.sqlite3"  # the settings' default database in RENKEI_DATA_DIR
            self.env.pop("DATABASE_URL", None)
        else:
            s = connection.settings_dict
            password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
            self.env["DATABASE_URL"] = (
                f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )

    def push(self) -> None:
        if self.sqlite:
            self.connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()

    def pull(self) -> None:
        if self.sqlite:
            source = sqlite3.connect(self.file)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and theirs (an RQ worker runs each job in a forked child that
    leaves the worker's process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for p in frontier for child in children.get(p, [])]
        found += frontier
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything it started, as a crash of the machine would."""
    for process in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)

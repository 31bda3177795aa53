"""The SQLite concurrency drill in CI, and what a command says when the lock never comes.

Both run `renkei` in a separate process on a database *file* in a fresh data directory (the suite's own
SQLite database is in memory, where locking works differently). See tests/functional/drills/sqlite_writers.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

DRILL = Path(__file__).with_name("sqlite_writers.py")
RENKEI = [sys.executable, "-m", "renkei"]

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="SQLite drill (it makes its own database file); it runs when the suite runs on SQLite",
)


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "RENKEI_TEST_SQLITE"}}
    return {**env, "RENKEI_DATA_DIR": str(data_dir), "RENKEI_LOG_LEVEL": "WARNING", **extra}


def test_sixteen_concurrent_importers_and_admin_savers_all_succeed(tmp_path):
    """16 imports of 1,000 rows each through `renkei import`, while 16 people save in the admin. SQLite
    waits 2 s per attempt here (20 s in production), so the queue is longer than one wait and the
    writers must wait their turn again: before the retries, 12 of 16 imports and 46 of 57 saves
    failed this way with "database is locked" (9 of 16 and 26 of 51 with 3,000 rows and 20 s)."""
    # when
    result = subprocess.run(
        [sys.executable, str(DRILL), "--writers", "16", "--rows", "1000", "--min-saves", "2"],
        env=environment(tmp_path / "data", RENKEI_SQLITE_TIMEOUT="2"),
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    # then
    assert result.stdout.strip(), result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["imports"]["errors"] == [], result.stdout[-4000:]
    assert report["saves"]["errors"] == [], result.stdout[-4000:]
    assert report["imports"]["ok"] == 16
    assert report["saves"]["ok"] >= 32
    assert report["stored"] == {"organisations": 16_000, "whole_files": True}
    assert report["lock_retries"] > 0, "the writers never had to wait: the drill tested nothing"
    assert result.returncode == 0


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    subprocess.run([*RENKEI, "migrate", "-v0"], env=environment(data), check=True, timeout=120)
    return data


@pytest.fixture
def locked(migrated: Path) -> Iterator[Path]:
    """The data directory, its database's write lock held by another connection meanwhile."""
    db = sqlite3.connect(migrated / "renkei.sqlite3", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        yield migrated
    finally:
        db.execute("ROLLBACK")
        db.close()


def test_a_command_that_cannot_get_the_lock_says_so_in_both_languages(locked, tmp_path):
    # given: a file to import, and the lock taken for longer than the command waits (here 1 s)
    csv = tmp_path / "orgs.csv"
    csv.write_text("key,kind,name_ja\nbusy-u,university,混雑大学\n", encoding="utf-8")
    # when
    result = subprocess.run(
        [*RENKEI, "import", "organisations", str(csv), "--no-progress"],
        env=environment(locked, RENKEI_WRITE_WAIT="1", RENKEI_SQLITE_TIMEOUT="0.3"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # then: exit status 1, a message in Japanese then English, no traceback
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert "データベースがほかの書き込みで混み合っていて、1秒待っても書き込めませんでした" in lines[-2]
    assert lines[-1].startswith("The database stayed busy with other writes; after waiting 1 s")


def test_the_data_directory_and_the_database_are_private(migrated):
    # then: the directory 0700, the database and the generated key 0600 (and SQLite's side files)
    assert migrated.stat().st_mode & 0o777 == 0o700
    for name in ["renkei.sqlite3", "secret_key", "renkei.sqlite3-wal", "renkei.sqlite3-shm"]:
        path = migrated / name
        if path.exists() or name in {"renkei.sqlite3", "secret_key"}:
            assert path.stat().st_mode & 0o777 == 0o600, name

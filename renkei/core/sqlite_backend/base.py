"""Django's SQLite backend, with writers that wait their turn and a database file only its owner reads.

SQLite lets one writer in at a time. The settings already make every `transaction.atomic()` block
take the write lock at its start (`transaction_mode="IMMEDIATE"`, so a transaction never fails half-way
for want of it), and SQLite's busy handler waits `OPTIONS["timeout"]` seconds for the lock. On a busy
machine that was not enough: 16 imports of 3,000 rows and 16 people saving in the admin queued for
longer than 20 s, and 9 imports and 26 of 51 saves failed with "database is locked", every one of
them at `BEGIN IMMEDIATE` (tests/functional/drills/sqlite_writers.py on two shared cores).

So a statement that SQLite refused for the lock *before it did anything* is tried again until the
caller's budget (`renkei.core.write_wait`: a minute for a request, five for commands and tasks) is
spent. That is safe for exactly two kinds of statement, and only those are retried:

- `BEGIN IMMEDIATE`: the transaction has not started, nothing of it exists yet;
- any single statement in autocommit mode (outside a transaction): SQLite runs it whole or not at all.

A statement inside a transaction is never tried again (the transaction already holds the lock, so
SQLite does not refuse it for the lock anyway), nor is `executemany()`, whose rows commit one by one in
autocommit mode. When the budget is spent the error goes up as before: a request then gets the "busy,
try again" page (renkei.portal.errors) and a command the same message (renkei.__main__).

A database file this backend creates is readable by its owner only (0600); SQLite gives its -wal and
-shm files the same mode.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.db.backends.sqlite3 import base
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.utils import OperationalError

from renkei.core import write_wait

logger = logging.getLogger("renkei.db")
T = TypeVar("T")


def is_lock_error(exc: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY) or "database table is locked" (SQLITE_LOCKED)."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc)


class _WaitsForTheLock:
    """Cursor mixin: retry a statement refused for the lock when retrying it is safe (module docstring)."""

    db: DatabaseWrapper

    def _execute(self, sql: str, params: Any, *ignored: Any) -> Any:
        parent = super()._execute  # type: ignore[misc]
        if self.db.connection.in_transaction:
            return parent(sql, params, *ignored)
        return self.db.waiting_for_the_lock(lambda: parent(sql, params, *ignored), sql)


class RetryingCursorWrapper(_WaitsForTheLock, CursorWrapper):
    pass


class RetryingCursorDebugWrapper(_WaitsForTheLock, CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        self.attempt_timeout = float(params.get("timeout", 5.0))
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        _create_private(conn_params["database"])
        return super().get_new_connection(conn_params)

    def make_cursor(self, cursor: Any) -> CursorWrapper:
        return RetryingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor: Any) -> CursorDebugWrapper:
        return RetryingCursorDebugWrapper(cursor, self)

    def waiting_for_the_lock(self, run: Callable[[], T], sql: str) -> T:
        """Run `run` (one statement that is safe to repeat) until SQLite lets it in or the budget is spent."""
        start = time.monotonic()
        retries = 0
        try:
            while True:
                try:
                    return run()
                except OperationalError as exc:
                    if not is_lock_error(exc):
                        raise
                    waited = time.monotonic() - start
                    remaining = write_wait.budget() - waited
                    if remaining <= 0.1:
                        logger.error(
                            "Gave up waiting for the SQLite write lock after %.1f s (%d retries, %s): %s",
                            waited, retries, write_wait.current_kind(), sql[:80],
                        )  # fmt: skip
                        raise
                    retries += 1
                    logger.warning(
                        "Waited %.1f s for the SQLite write lock (%s); trying again for up to %.0f s more: %s",
                        waited, write_wait.current_kind(), remaining, sql[:80],
                    )  # fmt: skip
                    time.sleep(0.05)  # never spin, should SQLite ever refuse without waiting
                    self._set_busy_timeout(min(self.attempt_timeout, remaining))
        finally:
            if retries:
                self._set_busy_timeout(self.attempt_timeout)

    def _set_busy_timeout(self, seconds: float) -> None:
        self.connection.execute(f"PRAGMA busy_timeout = {max(1, int(seconds * 1000))}")


def _create_private(name: Any) -> None:
    """Create the database file readable by its owner only, before SQLite creates it with the umask's mode."""
    name = str(name)
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    path = Path(name)
    if path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # another process made it first: SQLite opens that one
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

"""Files only the account running Renkei may read: the data directory, the database, keys, passwords.

Plain Python (no Django), so settings can use it before Django is set up.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; a directory that exists is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered through the umask
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file that is 0600 from the moment it exists (never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)  # an older file keeps its mode through O_CREAT
        handle.write(text)


def make_private(path: Path, mode: int) -> bool:
    """Take group and other permissions away from `path` if it has any; True when it changed."""
    if not path.exists():
        return False
    current = path.stat().st_mode & 0o777
    if current & 0o077 == 0:
        return False
    path.chmod(current & mode)
    return True
